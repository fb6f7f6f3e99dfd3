using System.Net;
using System.Net.Http.Json;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Authz;

/// <summary>
/// Issue 16 item 6: granting admin, officer or finance needs a second admin's confirmation when the funder has two or
/// more admins; the admin who asked cannot confirm; every step is in the administration log.
/// </summary>
[Collection(SharedApps.Sqlite1)]
public sealed class RoleGrantTests(SqliteApp app)
{
    [Fact]
    public async Task With_two_admins_a_grant_waits_for_the_second_and_the_first_cannot_confirm_it()
    {
        var alice = await app.CreateTenantAsync(Roles.Admin);
        var bea = await app.AddKeyAsync(alice, Roles.Admin, "bea");
        var pat = await app.AddKeyAsync(alice, Roles.Analyst, "pat");

        var pending = await HttpAssert.OkJsonAsync(
            await alice.Client.PostAsJsonAsync($"/api/people/{pat.PersonId}/role-grants", new { role = "officer" }),
            HttpStatusCode.Accepted
        );
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal("analyst", await RolesAsync(alice.FunderId, pat.PersonId));
        var id = pending.GetProperty("id").GetInt64();

        var own = await HttpAssert.ProblemAsync(
            await alice.Client.PostAsync($"/api/role-grants/{id}/confirm", null),
            HttpStatusCode.Conflict
        );
        Assert.Equal("second_admin_must_differ", own.GetProperty("code").GetString());
        Assert.Equal("analyst", await RolesAsync(alice.FunderId, pat.PersonId));

        var confirmed = await HttpAssert.OkJsonAsync(
            await bea.Client.PostAsync($"/api/role-grants/{id}/confirm", null)
        );
        Assert.Equal("applied", confirmed.GetProperty("status").GetString());
        Assert.Equal(bea.PersonId, confirmed.GetProperty("confirmedBy").GetInt64());
        Assert.Equal("analyst,officer", await RolesAsync(alice.FunderId, pat.PersonId));
        await HttpAssert.ProblemAsync(
            await bea.Client.PostAsync($"/api/role-grants/{id}/confirm", null),
            HttpStatusCode.Conflict
        );

        var actions = await app
            .Services.GetRequiredService<Db>()
            .QueryListAsync<string>(
                "SELECT action_code FROM admin_log WHERE funder_id = @FunderId AND action_code LIKE 'role_grant.%' "
                    + "ORDER BY seq",
                new { alice.FunderId },
                CancellationToken.None
            );
        Assert.Equal(["role_grant.requested", "role_grant.confirmed"], actions);
    }

    [Fact]
    public async Task With_two_admins_an_invitation_asks_for_guarded_roles_and_the_second_admin_confirms()
    {
        var alice = await app.CreateTenantAsync(Roles.Admin);
        var bea = await app.AddKeyAsync(alice, Roles.Admin, "bea");

        var invited = await HttpAssert.OkJsonAsync(
            await alice.Client.PostAsJsonAsync(
                "/api/people",
                new
                {
                    email = $"quinn.{alice.FunderId}@example.org",
                    displayName = "Quinn",
                    roles = new[] { "analyst", "officer" },
                }
            ),
            HttpStatusCode.Created
        );
        var quinn = invited.GetProperty("person").GetProperty("id").GetInt64();
        Assert.Equal(["officer"], invited.GetProperty("pendingRoles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("analyst", await RolesAsync(alice.FunderId, quinn)); // the officer role is not given yet

        var grants = await HttpAssert.OkJsonAsync(await bea.Client.GetAsync("/api/role-grants"));
        var grant = grants
            .EnumerateArray()
            .Single(g =>
                g.GetProperty("personId").GetInt64() == quinn && g.GetProperty("role").GetString() == "officer"
            );
        Assert.Equal("pending", grant.GetProperty("status").GetString());
        var id = grant.GetProperty("id").GetInt64();
        await HttpAssert.ProblemAsync(
            await alice.Client.PostAsync($"/api/role-grants/{id}/confirm", null),
            HttpStatusCode.Conflict
        );
        await HttpAssert.OkJsonAsync(await bea.Client.PostAsync($"/api/role-grants/{id}/confirm", null));
        Assert.Equal("analyst,officer", await RolesAsync(alice.FunderId, quinn));
    }

    [Fact]
    public async Task With_one_admin_or_for_another_role_a_grant_applies_at_once()
    {
        var alone = await app.CreateTenantAsync(Roles.Admin);
        var pat = await app.AddKeyAsync(alone, Roles.Analyst, "pat");
        var applied = await HttpAssert.OkJsonAsync(
            await alone.Client.PostAsJsonAsync($"/api/people/{pat.PersonId}/role-grants", new { role = "finance" })
        );
        Assert.Equal("applied", applied.GetProperty("status").GetString());
        Assert.Equal("analyst,finance", await RolesAsync(alone.FunderId, pat.PersonId));

        var two = await app.CreateTenantAsync(Roles.Admin);
        await app.AddKeyAsync(two, Roles.Admin, "bea");
        var olga = await app.AddKeyAsync(two, Roles.Officer, "olga");
        await HttpAssert.OkJsonAsync(
            await two.Client.PostAsJsonAsync($"/api/people/{olga.PersonId}/role-grants", new { role = "analyst" })
        );
        Assert.Equal("analyst,officer", await RolesAsync(two.FunderId, olga.PersonId));
        await HttpAssert.ProblemAsync(
            await two.Client.PostAsJsonAsync($"/api/people/{pat.PersonId}/role-grants", new { role = "officer" }),
            HttpStatusCode.NotFound // another funder's person
        );
    }

    private Task<string?> RolesAsync(long funderId, long personId) =>
        app
            .Services.GetRequiredService<Db>()
            .ExecuteScalarAsync<string>(
                "SELECT roles FROM staff_people WHERE funder_id = @FunderId AND id = @Id",
                new { FunderId = funderId, Id = personId },
                CancellationToken.None
            );
}

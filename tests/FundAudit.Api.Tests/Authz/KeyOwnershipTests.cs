using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Authz;

/// <summary>
/// Issue 16 item 5: API keys are machine credentials owned by a person: never more roles than the owner (at issue and
/// at use), an expiry, the last use listed, and no decisions unless the funder switches them on for integrations.
/// </summary>
public abstract class KeyOwnershipTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_key_is_owned_by_its_creator_and_never_has_a_role_its_owner_lacks()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin, keysMayDecide: false);

        var refused = await HttpAssert.ProblemAsync(
            await admin.Client.PostAsJsonAsync("/api/keys", new { role = "officer", label = "alice" }),
            HttpStatusCode.UnprocessableEntity
        );
        Assert.Contains("never has more roles than its owner", refused.GetProperty("detail").GetString());

        var created = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsJsonAsync("/api/keys", new { role = "admin", label = "ci" }),
            HttpStatusCode.Created
        );
        Assert.Equal(admin.PersonId, created.GetProperty("ownerPersonId").GetInt64());
        Assert.Equal(app.Clock.GetUtcNow().AddDays(90), created.GetProperty("expiresAt").GetDateTimeOffset());
        var keys = await ListKeysAsync(admin);
        Assert.Equal(2, keys.Count(k => k.GetProperty("ownerPersonId").GetInt64() == admin.PersonId));
    }

    [Fact]
    public async Task A_key_loses_its_role_when_its_owner_does_and_dies_with_a_seized_owner()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var officer = await app.AddKeyAsync(admin, Roles.Officer, "olga");
        await HttpAssert.OkJsonAsync(await officer.Client.GetAsync("/api/requests"));
        // GET /api/me names the key's owner (the id GET /api/keys gives it), so a script need not look it up.
        var me = await HttpAssert.OkJsonAsync(await officer.Client.GetAsync("/api/me"));
        Assert.Equal(officer.PersonId, me.GetProperty("personId").GetInt64());
        Assert.NotEqual(admin.PersonId, officer.PersonId);

        await StaffFixtures.SetRolesAsync(app, admin.FunderId, officer.PersonId, "analyst");
        await HttpAssert.ProblemAsync(await officer.Client.GetAsync("/api/requests"), HttpStatusCode.Forbidden);
        await HttpAssert.OkJsonAsync(await officer.Client.GetAsync("/api/me")); // authenticated, but with no role

        await StaffFixtures.SetRolesAsync(app, admin.FunderId, officer.PersonId, "officer");
        await HttpAssert.OkJsonAsync(await officer.Client.GetAsync("/api/requests"));

        await StaffFixtures.SetStatusAsync(app, admin.FunderId, officer.PersonId, "seized");
        var dead = await HttpAssert.ProblemAsync(await officer.Client.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
        Assert.Contains("no active owner", dead.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_expired_key_gets_401_saying_so_and_no_key_outlives_the_maximum()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var max = app.Services.GetRequiredService<ApiKeyOptions>().MaxLifetimeDays; // the tests' setting
        var tooLong = await HttpAssert.ProblemAsync(
            await admin.Client.PostAsJsonAsync(
                "/api/keys",
                new { role = "admin", expiresAt = app.Clock.GetUtcNow().AddDays(max + 1) }
            ),
            HttpStatusCode.UnprocessableEntity
        );
        Assert.Contains($"at most {max} days", tooLong.GetProperty("detail").GetString());

        var shortLived = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsJsonAsync(
                "/api/keys",
                new { role = "admin", expiresAt = app.Clock.GetUtcNow().AddDays(1) }
            ),
            HttpStatusCode.Created
        );
        var client = app.ClientWithKey(shortLived.GetProperty("key").GetString()!);
        await HttpAssert.OkJsonAsync(await client.GetAsync("/api/me"));

        app.Clock.Advance(TimeSpan.FromDays(1));
        var expired = await HttpAssert.ProblemAsync(await client.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
        Assert.Contains("expired", expired.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_list_shows_each_keys_last_use()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var analyst = await app.AddKeyAsync(admin, Roles.Analyst, "ana");
        Assert.False(
            (await ListKeysAsync(admin))
                .Single(k => k.GetProperty("keyId").GetString() == analyst.KeyId)
                .TryGetProperty("lastUsedAt", out _)
        );

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var usedAt = app.Clock.GetUtcNow();
        await HttpAssert.OkJsonAsync(await analyst.Client.GetAsync("/api/me"));

        var listed = (await ListKeysAsync(admin)).Single(k => k.GetProperty("keyId").GetString() == analyst.KeyId);
        Assert.Equal(usedAt, listed.GetProperty("lastUsedAt").GetDateTimeOffset());
        Assert.Equal("ana", listed.GetProperty("ownerName").GetString());
    }

    [Fact]
    public async Task Keys_take_no_decisions_until_an_admin_switches_them_on()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin, keysMayDecide: false);
        var officer = await app.AddKeyAsync(admin, Roles.Officer, "olga");
        var slug = await CreateFundAsync(admin, threshold: null);
        var reference = await EmergencyForms.SubmitAsync(app.CreateClient(), slug);

        var off = await HttpAssert.OkJsonAsync(await admin.Client.GetAsync("/api/settings/integrations"));
        Assert.False(off.GetProperty("keysMayDecide").GetBoolean());
        foreach (var (method, path) in SensitiveCalls(reference))
        {
            using var message = new HttpRequestMessage(method, path) { Content = Giving.Json(Body()) };
            var problem = await HttpAssert.ProblemAsync(
                await officer.Client.SendAsync(message),
                HttpStatusCode.Forbidden
            );
            Assert.Contains("unless the funder switches that on", problem.GetProperty("detail").GetString());
        }

        await HttpAssert.ProblemAsync(
            await officer.Client.PutAsJsonAsync("/api/settings/integrations", new { keysMayDecide = true }),
            HttpStatusCode.Forbidden
        );
        await HttpAssert.ProblemAsync(
            await admin.Client.PutAsJsonAsync("/api/settings/integrations", new { }),
            HttpStatusCode.BadRequest
        );
        await HttpAssert.OkJsonAsync(
            await admin.Client.PutAsJsonAsync("/api/settings/integrations", new { keysMayDecide = true })
        );
        var approved = await HttpAssert.OkJsonAsync(
            await officer.Client.PostAsJsonAsync(
                $"/api/requests/{reference}/approve",
                new { version = 1, amount = 100m }
            )
        );
        Assert.Equal("approved", approved.GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_three_labels_attack_fails_at_its_first_illegitimate_step()
    {
        // One admin alone. Without the integration switch, minting an officer key is refused: no officer role.
        var admin = await app.CreateTenantAsync(Roles.Admin, keysMayDecide: false);
        await HttpAssert.ProblemAsync(
            await admin.Client.PostAsJsonAsync("/api/keys", new { role = "officer", label = "alice" }),
            HttpStatusCode.UnprocessableEntity
        );

        // The same admin also holding officer and finance, the funder's switch on: every key it mints is its own, so
        // the second approval of a large grant (by "bob") is the same person's and is refused.
        await StaffFixtures.SetRolesAsync(app, admin.FunderId, admin.PersonId, "admin,officer,finance");
        await HttpAssert.OkJsonAsync(
            await admin.Client.PutAsJsonAsync("/api/settings/integrations", new { keysMayDecide = true })
        );
        var slug = await CreateFundAsync(admin, threshold: 300m);
        var reference = await EmergencyForms.SubmitAsync(app.CreateClient(), slug, amount: 600m);
        var alice = await MintAsync(admin, "officer", "alice");
        var bob = await MintAsync(admin, "officer", "bob");
        await MintAsync(admin, "finance", "carol");
        var first = await HttpAssert.OkJsonAsync(
            await alice.PostAsJsonAsync($"/api/requests/{reference}/approve", new { version = 1, amount = 600m })
        );
        Assert.Equal("awaiting_second_approval", first.GetProperty("state").GetString());
        var second = await HttpAssert.ProblemAsync(
            await bob.PostAsJsonAsync($"/api/requests/{reference}/approve", new { version = 2 }),
            HttpStatusCode.Conflict
        );
        Assert.Equal("second_approver_must_differ", second.GetProperty("code").GetString());
    }

    private async Task<HttpClient> MintAsync(Tenant admin, string role, string label)
    {
        var created = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsJsonAsync("/api/keys", new { role, label }),
            HttpStatusCode.Created
        );
        Assert.Equal(admin.PersonId, created.GetProperty("ownerPersonId").GetInt64());
        return app.ClientWithKey(created.GetProperty("key").GetString()!);
    }

    private static (HttpMethod, string)[] SensitiveCalls(string reference) =>
        [
            (HttpMethod.Get, $"/api/requests/{reference}"),
            (HttpMethod.Post, $"/api/requests/{reference}/approve"),
            (HttpMethod.Post, $"/api/requests/{reference}/decline"),
            (HttpMethod.Put, $"/api/requests/{reference}/payment-details"),
            (HttpMethod.Get, $"/api/requests/{reference}/payment-details"),
        ];

    private static JsonObject Body() =>
        new()
        {
            ["version"] = 1,
            ["amount"] = 100,
            ["reason"] = "Outside the fund's mandate.",
            ["details"] = "IBAN HN00 0000",
        };

    private static async Task<List<JsonElement>> ListKeysAsync(Tenant admin) =>
        (await HttpAssert.OkJsonAsync(await admin.Client.GetAsync("/api/keys"))).EnumerateArray().ToList();

    private static Task<string> CreateFundAsync(Tenant admin, decimal? threshold) =>
        EmergencyForms.CreateFundAsync(admin, "keys", maxAmount: 1000m, threshold: threshold);
}

public sealed class SqliteKeyOwnershipTests(SqliteApp app) : KeyOwnershipTests<SqliteApp>(app);

public sealed class PostgresKeyOwnershipTests(PostgresApp app) : KeyOwnershipTests<PostgresApp>(app);

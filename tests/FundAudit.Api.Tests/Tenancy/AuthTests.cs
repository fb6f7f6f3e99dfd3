using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace FundAudit.Api.Tests.Tenancy;

/// <summary>Who may call what: keys, roles, revocation, and the few anonymous endpoints.</summary>
public abstract class AuthTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_request_without_a_key_gets_401_problem_details()
    {
        var response = await app.CreateClient().GetAsync("/api/grants");

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_key_in_the_query_string_is_never_accepted()
    {
        var tenant = await app.CreateTenantAsync();
        var client = app.CreateClient();

        await HttpAssert.ProblemAsync(
            await client.GetAsync("/api/grants?api_key=" + Uri.EscapeDataString(tenant.Key)),
            HttpStatusCode.Unauthorized
        );
        await HttpAssert.ProblemAsync(
            await client.GetAsync("/api/grants?access_token=" + Uri.EscapeDataString(tenant.Key)),
            HttpStatusCode.Unauthorized
        );
        await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants")); // the same key works where it belongs
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("fa_short_x")]
    [InlineData("fa_aaaaaaaaaaaaaaaa_wrongsecretwrongsecretwrongsecret000000000")]
    public async Task A_malformed_or_unknown_key_gets_401(string key)
    {
        await HttpAssert.ProblemAsync(
            await app.ClientWithKey(key).GetAsync("/api/grants"),
            HttpStatusCode.Unauthorized
        );
    }

    [Fact]
    public async Task A_right_key_id_with_a_wrong_secret_gets_401()
    {
        var tenant = await app.CreateTenantAsync();
        var forged = tenant.Key[..^4] + (tenant.Key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        await HttpAssert.ProblemAsync(
            await app.ClientWithKey(forged).GetAsync("/api/grants"),
            HttpStatusCode.Unauthorized
        );
    }

    [Fact]
    public async Task A_revoked_key_gets_401_at_once()
    {
        var admin = await app.CreateTenantAsync();
        var analyst = await app.AddKeyAsync(admin, Roles.Analyst);
        await HttpAssert.OkJsonAsync(await analyst.Client.GetAsync("/api/grants"));

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await admin.Client.DeleteAsync($"/api/keys/{analyst.KeyId}")).StatusCode
        );

        await HttpAssert.ProblemAsync(await analyst.Client.GetAsync("/api/grants"), HttpStatusCode.Unauthorized);
        var keys = await admin.Client.GetFromJsonAsync<JsonElement>("/api/keys");
        var revoked = keys.EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == analyst.KeyId);
        Assert.True(revoked.TryGetProperty("revokedAt", out _));
    }

    [Fact]
    public async Task An_admin_creates_a_key_shown_once_and_the_list_never_shows_secrets()
    {
        var admin = await app.CreateTenantAsync();
        // A key never has more roles than its owner (the caller): this admin is an officer too.
        await StaffFixtures.SetRolesAsync(app, admin.FunderId, admin.PersonId, "admin,officer");
        var created = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsJsonAsync("/api/keys", new { role = "officer", label = "desk 2" }),
            HttpStatusCode.Created
        );
        var key = created.GetProperty("key").GetString()!;

        var me = await HttpAssert.OkJsonAsync(await app.ClientWithKey(key).GetAsync("/api/me"));
        Assert.Equal("officer", me.GetProperty("role").GetString());
        Assert.Equal(admin.FunderId, me.GetProperty("funderId").GetInt64());

        var listed = await admin.Client.GetStringAsync("/api/keys");
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key[^20..], listed, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Only_admins_manage_keys_and_an_unknown_role_is_a_validation_problem()
    {
        var admin = await app.CreateTenantAsync();
        var analyst = await app.AddKeyAsync(admin, Roles.Analyst);

        await HttpAssert.ProblemAsync(await analyst.Client.GetAsync("/api/keys"), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(
            await analyst.Client.PostAsJsonAsync("/api/keys", new { role = "admin" }),
            HttpStatusCode.Forbidden
        );
        var problem = await HttpAssert.ProblemAsync(
            await admin.Client.PostAsJsonAsync("/api/keys", new { role = "root" }),
            HttpStatusCode.BadRequest
        );
        Assert.True(problem.GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task One_funders_admin_cannot_see_or_revoke_another_funders_keys()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();

        await HttpAssert.ProblemAsync(await b.Client.DeleteAsync($"/api/keys/{a.KeyId}"), HttpStatusCode.NotFound);
        var bKeys = await b.Client.GetStringAsync("/api/keys");
        Assert.DoesNotContain(a.KeyId, bKeys, StringComparison.Ordinal);
        await HttpAssert.OkJsonAsync(await a.Client.GetAsync("/api/me")); // a's key still works
    }

    [Fact]
    public async Task The_jobs_dashboard_is_not_served_unless_configured_since_it_shows_every_funders_jobs()
    {
        var admin = await app.CreateTenantAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task A_configured_jobs_dashboard_is_for_admins_only_and_refuses_commands()
    {
        var dashboard = app.Shared("jobs-dashboard", b => b.UseSetting("Jobs:Dashboard", "true"));
        var admin = await app.CreateTenantAsync();
        var analyst = await app.AddKeyAsync(admin, Roles.Analyst);
        HttpClient With(string? key)
        {
            var client = dashboard.CreateClient();
            client.DefaultRequestHeaders.Authorization = key is null ? null : new("Bearer", key);
            return client;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await With(null).GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(analyst.Key).GetAsync("/hangfire")).StatusCode);
        var client = With(admin.Key);
        var page = await client.GetAsync("/hangfire/jobs/succeeded");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Hangfire", html, StringComparison.Ordinal);

        // A requeue as the page's own button would send it, antiforgery token included: a writable dashboard answers
        // 204 (any funder's job id works), a read-only one refuses it.
        using var requeue = new HttpRequestMessage(HttpMethod.Post, "/hangfire/jobs/succeeded/requeue")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "1")]),
        };
        requeue.Headers.Add(
            Regex.Match(html, "csrf-header\" content=\"([^\"]+)\"").Groups[1].Value,
            Regex.Match(html, "csrf-token\" content=\"([^\"]+)\"").Groups[1].Value
        );
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(requeue)).StatusCode);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_key_and_check_the_database()
    {
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteAuthTests(SqliteApp app) : AuthTests<SqliteApp>(app);

public sealed class PostgresAuthTests(PostgresApp app) : AuthTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerAuthTests(SqlServerApp app) : AuthTests<SqlServerApp>(app);
#endif

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FundAudit.Api.Features.People;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace FundAudit.Api.Tests.People;

/// <summary>
/// Administrative changes made with an API key need the key owner's current TOTP code in X-FundAudit-Step-Up: a
/// missing, wrong or replayed code is refused (403) and nothing changes; repeated wrong codes slow down (429); the
/// right code goes through once. The clients here send the key without the fixture's step-up handler.
/// </summary>
public sealed class KeyStepUpTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    /// <summary>Every operation the step-up guards (route pattern and method).</summary>
    private static readonly string[] Guarded =
    [
        "POST /api/people/",
        "POST /api/people/{id:long}/invitations",
        "POST /api/people/{id:long}/seize",
        "POST /api/people/{personId:long}/role-grants",
        "POST /api/role-grants/{id:long}/confirm",
        "PUT /api/funds/{slug}/members/{personId:long}",
        "DELETE /api/funds/{slug}/members/{personId:long}",
        "POST /api/keys/",
        "DELETE /api/keys/{keyId}",
        "PUT /api/sso/",
        "DELETE /api/sso/",
        "PUT /api/settings/integrations",
    ];

    [Fact]
    public void Every_administrative_change_of_the_api_needs_the_step_up()
    {
        var guarded = app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<KeyStepUpMetadata>() is not null)
            .Select(e =>
                string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods)
                + " "
                + e.RoutePattern.RawText
            )
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(Guarded.Order(StringComparer.Ordinal), guarded);
    }

    [Fact]
    public async Task Without_the_header_the_switch_stays_off_and_the_problem_names_the_header()
    {
        var (admin, client, _) = await AdminAsync();

        var problem = await HttpAssert.ProblemAsync(
            await client.PutAsJsonAsync("/api/settings/integrations", new { keysMayDecide = true }),
            HttpStatusCode.Forbidden
        );
        Assert.Contains(KeyStepUp.Header, problem.GetProperty("detail").GetString());
        Assert.False(await KeysMayDecideAsync(client));
        Assert.Equal(1, await KeyCountAsync(client));
        _ = admin;
    }

    [Fact]
    public async Task A_wrong_code_is_refused_and_no_key_is_made()
    {
        var (_, client, secret) = await AdminAsync();
        var right = Code(secret);
        var wrong = right == "000000" ? "000001" : "000000";

        await HttpAssert.ProblemAsync(await CreateKeyAsync(client, wrong), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(await CreateKeyAsync(client, "not a code"), HttpStatusCode.Forbidden);
        Assert.Equal(1, await KeyCountAsync(client));
    }

    [Fact]
    public async Task The_right_code_goes_through_once_and_its_replay_changes_nothing()
    {
        var (_, client, secret) = await AdminAsync();
        var code = Code(secret);

        await HttpAssert.OkJsonAsync(await CreateKeyAsync(client, code), HttpStatusCode.Created);
        Assert.Equal(2, await KeyCountAsync(client));

        await HttpAssert.ProblemAsync(await CreateKeyAsync(client, code), HttpStatusCode.Forbidden);
        Assert.Equal(2, await KeyCountAsync(client));
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/settings/integrations")
        {
            Content = JsonContent.Create(new { keysMayDecide = true }),
        };
        put.Headers.Add(KeyStepUp.Header, code);
        await HttpAssert.ProblemAsync(await client.SendAsync(put), HttpStatusCode.Forbidden);
        Assert.False(await KeysMayDecideAsync(client));

        app.Clock.Advance(TimeSpan.FromSeconds(30)); // the next code
        await HttpAssert.OkJsonAsync(await CreateKeyAsync(client, Code(secret)), HttpStatusCode.Created);
        Assert.Equal(3, await KeyCountAsync(client));
    }

    [Fact]
    public async Task Repeated_wrong_codes_slow_down_like_sign_in_and_the_right_code_waits_too()
    {
        var (_, client, secret) = await AdminAsync();
        var right = Code(secret);
        var wrong = right == "000000" ? "000001" : "000000";
        var options = app.Services.GetRequiredService<PeopleOptions>();
        for (var i = 0; i <= options.FreeFailures; i++)
        {
            await HttpAssert.ProblemAsync(await CreateKeyAsync(client, wrong), HttpStatusCode.Forbidden);
        }

        var slow = await CreateKeyAsync(client, right);
        await HttpAssert.ProblemAsync(slow, HttpStatusCode.TooManyRequests);
        Assert.NotNull(slow.Headers.RetryAfter);
        Assert.Equal(1, await KeyCountAsync(client));

        app.Clock.Advance(TimeSpan.FromSeconds(options.AccountBackoffMaxSeconds + 1));
        await HttpAssert.OkJsonAsync(await CreateKeyAsync(client, Code(secret)), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_key_whose_owner_has_no_authenticator_is_told_so_and_no_wait_builds_up()
    {
        // Found following the README: a key made by `funders keys create` without an owner belongs to a new invited
        // person who has no second factor, and every code was refused as not the owner's current one (and counted
        // as a wrong code, so a wait built up).
        var admin = await app.CreateTenantAsync(Roles.Admin, keysMayDecide: false);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.Key);
        var options = app.Services.GetRequiredService<PeopleOptions>();
        for (var i = 0; i <= options.FreeFailures + 1; i++)
        {
            var problem = await HttpAssert.ProblemAsync(
                await CreateKeyAsync(client, "123456"),
                HttpStatusCode.Forbidden
            );
            Assert.Contains(
                $"person {admin.PersonId}) has no authenticator",
                problem.GetProperty("detail").GetString(),
                StringComparison.Ordinal
            );
        }

        Assert.Equal(1, await KeyCountAsync(client));
    }

    [Fact]
    public async Task Reads_need_no_code()
    {
        var (_, client, _) = await AdminAsync();
        await HttpAssert.OkJsonAsync(await client.GetAsync("/api/keys"));
        await HttpAssert.OkJsonAsync(await client.GetAsync("/api/settings/integrations"));
    }

    /// <summary>A new funder's admin key, a client sending it without the fixture's step-up, and the owner's TOTP
    /// secret.</summary>
    private async Task<(Tenant Admin, HttpClient Client, string Secret)> AdminAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin, keysMayDecide: false);
        var (_, secret) = await KeyStepUpHandler.FactorAsync(app, admin.FunderId, admin.PersonId);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.Key);
        return (admin, client, secret);
    }

    private string Code(string secret) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);

    private static Task<HttpResponseMessage> CreateKeyAsync(HttpClient client, string code)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys")
        {
            Content = JsonContent.Create(new { role = "admin", label = "etl" }),
        };
        request.Headers.Add(KeyStepUp.Header, code);
        return client.SendAsync(request);
    }

    private static async Task<bool> KeysMayDecideAsync(HttpClient client) =>
        (await HttpAssert.OkJsonAsync(await client.GetAsync("/api/settings/integrations")))
            .GetProperty("keysMayDecide")
            .GetBoolean();

    private static async Task<int> KeyCountAsync(HttpClient client) =>
        (await HttpAssert.OkJsonAsync(await client.GetAsync("/api/keys"))).GetArrayLength();
}

using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Issue 17 item 5: a fund's webhook cannot be turned against the service's network. The test fixture allows http and
/// private addresses (its listener is http://127.0.0.1); these tests switch both off as production has them.
/// </summary>
public abstract class WebhookSafetyTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.1.2.3:8443/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://2130706433/hook")] // 127.0.0.1 as one decimal number
    [InlineData("http://hooks.example.org/hook")] // not https
    public async Task A_fund_with_an_internal_or_plain_http_webhook_is_refused_naming_the_field_and_not_stored(
        string url
    )
    {
        var strict = app.Shared("webhooks-strict", b => Strict(b, allowHttp: false)); // one for the class
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var client = strict.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", admin.Key);
        var slug = "fund-" + Guid.NewGuid().ToString("N")[..10];

        var problem = await HttpAssert.ProblemAsync(
            await client.PostAsync("/api/funds", Giving.Json(Fund(slug, url))),
            HttpStatusCode.BadRequest
        );
        Assert.True(problem.GetProperty("errors").TryGetProperty("webhookUrl", out _), problem.ToString());
        Assert.Equal(0, await QueryAsync<long>("SELECT COUNT(*) FROM funds WHERE slug = @slug", new { slug }));

        // A public https address by name is accepted (it is checked again where it resolves, at each delivery).
        await HttpAssert.OkJsonAsync(
            await client.PostAsync("/api/funds", Giving.Json(Fund(slug, "https://hooks.example.org/fundaudit"))),
            HttpStatusCode.Created
        );
    }

    [Fact]
    public async Task A_webhook_whose_name_resolves_to_loopback_gets_no_request_and_the_delivery_is_recorded_as_failed()
    {
        using var listener = new WebhookListener();
        var (admin, slug) = await FundWithWebhookAsync($"http://localhost:{listener.Port}/hook/");
        var outboxId = await DueDeliveryAsync(admin, slug);

        using var strict = app.WithWebHostBuilder(b => Strict(b, allowHttp: true)); // only the address check stands between the job and the listener
        await RunDeliveryAsync(strict.Services);
        Assert.Empty(listener.Calls);
        Assert.Equal(
            1,
            await QueryAsync<long>("SELECT attempts FROM webhook_outbox WHERE id = @outboxId", new { outboxId })
        );
        Assert.Equal(
            0,
            await QueryAsync<long>(
                "SELECT COUNT(*) FROM webhook_outbox WHERE id = @outboxId AND delivered_at IS NOT NULL",
                new { outboxId }
            )
        );

        // The same delivery where private addresses are allowed (the fixture) reaches the listener by that name.
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await RunDeliveryAsync(app.Services);
        Assert.Single(listener.Calls);
    }

    [Fact]
    public async Task A_plain_http_webhook_gets_no_request_where_http_is_not_allowed()
    {
        using var listener = new WebhookListener();
        var (admin, slug) = await FundWithWebhookAsync(listener.Url); // stored while http was allowed
        var outboxId = await DueDeliveryAsync(admin, slug);

        using var httpsOnly = app.WithWebHostBuilder(b => b.UseSetting("Webhooks:AllowHttp", "false"));
        await RunDeliveryAsync(httpsOnly.Services);
        Assert.Empty(listener.Calls);
        Assert.Equal(
            1,
            await QueryAsync<long>("SELECT attempts FROM webhook_outbox WHERE id = @outboxId", new { outboxId })
        );
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_the_delivery_stays_undelivered()
    {
        using var target = new WebhookListener();
        using var listener = new WebhookListener { RedirectTo = target.Url };
        var (admin, slug) = await FundWithWebhookAsync(listener.Url);
        var outboxId = await DueDeliveryAsync(admin, slug);

        await RunDeliveryAsync(app.Services);
        Assert.Single(listener.Calls);
        Assert.Equal(302, listener.Calls.Single().Answered);
        Assert.Empty(target.Calls);
        Assert.Equal(
            302,
            await QueryAsync<long>("SELECT last_status FROM webhook_outbox WHERE id = @outboxId", new { outboxId })
        );
        Assert.Equal(
            0,
            await QueryAsync<long>(
                "SELECT COUNT(*) FROM webhook_outbox WHERE id = @outboxId AND delivered_at IS NOT NULL",
                new { outboxId }
            )
        );
    }

    private static void Strict(IWebHostBuilder builder, bool allowHttp)
    {
        builder.UseSetting("Webhooks:AllowPrivateAddresses", "false");
        builder.UseSetting("Webhooks:AllowHttp", allowHttp ? "true" : "false");
    }

    private static JsonObject Fund(string slug, string webhook) =>
        new()
        {
            ["slug"] = slug,
            ["name"] = "Rapid Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 1000,
            ["webhookUrl"] = webhook,
        };

    private async Task<(Tenant Admin, string Slug)> FundWithWebhookAsync(string url)
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "fund-" + Guid.NewGuid().ToString("N")[..10];
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(Fund(slug, url))),
            HttpStatusCode.Created
        );
        return (admin, slug);
    }

    /// <summary>An extreme request left unacknowledged past its warning: one outbox row, due now.</summary>
    private async Task<long> DueDeliveryAsync(Tenant admin, string slug)
    {
        var form = EmergencyForms.Body("extreme", "Honduras", "relocation", 100m, "Threatened.", "+50499990000");
        var created = await HttpAssert.OkJsonAsync(
            await app.CreateClient().PostAsync($"/api/funds/{slug}/requests", Giving.Json(form)),
            HttpStatusCode.Created
        );
        var reference = created.GetProperty("reference").GetString();
        app.Clock.Advance(TimeSpan.FromMinutes(91));
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<SlaSweepJob>().RunAsync(default);
        }

        Assert.NotNull(admin);
        return await QueryAsync<long>(
            "SELECT o.id FROM webhook_outbox o JOIN emergency_requests r ON r.id = o.request_id "
                + "WHERE r.reference = @reference",
            new { reference }
        );
    }

    private static async Task RunDeliveryAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<WebhookDeliveryJob>().RunAsync(default);
    }

    private async Task<T> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value");
    }
}

/// <summary>The address rule itself: every internal range, in IPv4 and IPv6 forms, and public addresses beside them.</summary>
public sealed class WebhookAddressTests
{
    public static TheoryData<string> RefusedAddresses =>
        new()
        {
            "127.0.0.1",
            "127.8.9.10",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "169.254.169.254",
            "10.0.0.5",
            "172.16.3.4",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.251",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd00:ec2::254",
            "ff02::1",
            "::ffff:169.254.169.254",
            "::ffff:10.1.2.3",
        };

    [Theory]
    [MemberData(nameof(RefusedAddresses))]
    public void Internal_addresses_are_refused_in_every_form(string address) =>
        Assert.True(WebhookAddresses.IsRefused(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("1.1.1.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:93.184.216.34")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.False(WebhookAddresses.IsRefused(IPAddress.Parse(address)), address);
}

public sealed class SqliteWebhookSafetyTests(SqliteApp app) : WebhookSafetyTests<SqliteApp>(app);

public sealed class PostgresWebhookSafetyTests(PostgresApp app) : WebhookSafetyTests<PostgresApp>(app);

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>PUT /api/funds/{slug}: an admin changes a fund's settings, validated as creation is; nobody else can.</summary>
public abstract class FundUpdateTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static JsonObject Body(string slug, string? webhook = "https://hooks.example.org/a") =>
        new()
        {
            ["slug"] = slug,
            ["name"] = "Rapid Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 1000,
            ["languages"] = new JsonArray("es", "en"),
            ["webhookUrl"] = webhook,
        };

    private async Task<(Tenant Admin, string Slug, string Secret)> FundAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "fund-" + Guid.NewGuid().ToString("N")[..10];
        var created = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(Body(slug))),
            HttpStatusCode.Created
        );
        return (admin, slug, created.GetProperty("webhookSecret").GetString()!);
    }

    private static async Task<JsonElement> FundOf(Tenant tenant, string slug) =>
        (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/funds"))
            .GetProperty("items")
            .EnumerateArray()
            .Single(f => f.GetProperty("slug").GetString() == slug);

    [Fact]
    public async Task An_admin_changes_a_funds_settings_and_a_new_webhook_gets_a_new_secret()
    {
        var (admin, slug, _) = await FundAsync();
        var body = Body(slug);
        body["name"] = "Fondo de Respuesta";
        body["maxAmount"] = 2500.5m;
        body["secondApprovalThreshold"] = 1500;
        body["languages"] = new JsonArray("fr", "pt", "en");
        body["sla"] = new JsonObject
        {
            ["warningShare"] = 0.5,
            ["tiers"] = new JsonObject { ["extreme"] = new JsonObject { ["acknowledgeHours"] = 2 } },
        };

        var same = await HttpAssert.OkJsonAsync(await admin.Client.PutAsync($"/api/funds/{slug}", Giving.Json(body)));
        Assert.False(same.TryGetProperty("webhookSecret", out _)); // the same URL keeps its secret (absent: not shown)
        var fund = await FundOf(admin, slug);
        Assert.Equal(
            ("Fondo de Respuesta", 2500.5m, 1500m),
            (
                fund.GetProperty("name").GetString(),
                fund.GetProperty("maxAmount").GetDecimal(),
                fund.GetProperty("secondApprovalThreshold").GetDecimal()
            )
        );
        Assert.Equal(["fr", "pt", "en"], fund.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        var sla = fund.GetProperty("sla");
        Assert.Equal(0.5, sla.GetProperty("warningShare").GetDouble());
        Assert.Equal(2, sla.GetProperty("tiers").GetProperty("extreme").GetProperty("acknowledgeHours").GetDouble());

        body["webhookUrl"] = "https://hooks.example.org/b";
        var moved = await HttpAssert.OkJsonAsync(await admin.Client.PutAsync($"/api/funds/{slug}", Giving.Json(body)));
        Assert.False(string.IsNullOrEmpty(moved.GetProperty("webhookSecret").GetString()));
        var logged = await app
            .Services.GetRequiredService<FundAudit.Api.Infrastructure.Data.Db>()
            .QueryListAsync<string>(
                "SELECT action_code FROM admin_log WHERE funder_id = @FunderId AND action_code = 'fund.updated'",
                new { admin.FunderId },
                default
            );
        Assert.Equal(2, logged.Count); // each change is in the administration log
        body["webhookUrl"] = null;
        await HttpAssert.OkJsonAsync(await admin.Client.PutAsync($"/api/funds/{slug}", Giving.Json(body)));
        Assert.False((await FundOf(admin, slug)).TryGetProperty("webhookUrl", out _));
    }

    [Fact]
    public async Task The_slug_in_the_path_is_read_as_creation_stored_it_trimmed_and_lower_case()
    {
        var (admin, slug, _) = await FundAsync();
        var body = Body(slug);
        body["name"] = "Renamed Through Capitals";

        var path = $"/api/funds/{slug.ToUpperInvariant()}%20";
        await HttpAssert.OkJsonAsync(await admin.Client.PutAsync(path, Giving.Json(body)));
        await HttpAssert.OkJsonAsync(await admin.Client.GetAsync($"{path}/metrics"));

        Assert.Equal("Renamed Through Capitals", (await FundOf(admin, slug)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_bad_change_is_refused_naming_the_field_and_nothing_changes()
    {
        var (admin, slug, _) = await FundAsync();
        var bad = Body(slug, "ftp://example.org");
        bad["maxAmount"] = -3;
        bad["name"] = "";
        var problem = await HttpAssert.ProblemAsync(
            await admin.Client.PutAsync($"/api/funds/{slug}", Giving.Json(bad)),
            HttpStatusCode.BadRequest
        );
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "maxAmount", "webhookUrl" })
        {
            Assert.True(errors.TryGetProperty(field, out _), problem.ToString());
        }

        var renamed = Body("another-" + slug);
        await HttpAssert.ProblemAsync(
            await admin.Client.PutAsync($"/api/funds/{slug}", Giving.Json(renamed)),
            HttpStatusCode.UnprocessableEntity
        );
        var euro = Body(slug);
        euro["currency"] = "EUR";
        await HttpAssert.ProblemAsync(
            await admin.Client.PutAsync($"/api/funds/{slug}", Giving.Json(euro)),
            HttpStatusCode.UnprocessableEntity
        );
        var sla = Body(slug);
        sla["sla"] = new JsonObject { ["tiers"] = new JsonObject { ["cosmic"] = new JsonObject() } };
        await HttpAssert.ProblemAsync(
            await admin.Client.PutAsync($"/api/funds/{slug}", Giving.Json(sla)),
            HttpStatusCode.BadRequest
        );
        var fund = await FundOf(admin, slug);
        Assert.Equal(
            ("Rapid Fund", 1000m, "https://hooks.example.org/a"),
            (
                fund.GetProperty("name").GetString(),
                fund.GetProperty("maxAmount").GetDecimal(),
                fund.GetProperty("webhookUrl").GetString()
            )
        );
    }

    [Fact]
    public async Task Another_funders_admin_or_an_officer_cannot_change_a_fund()
    {
        var (admin, slug, _) = await FundAsync();
        var other = await app.CreateTenantAsync(Roles.Admin);
        var body = Body(slug);
        body["name"] = "Hijacked";

        await HttpAssert.ProblemAsync(
            await other.Client.PutAsync($"/api/funds/{slug}", Giving.Json(body)),
            HttpStatusCode.NotFound
        );
        var officer = await app.AddKeyAsync(admin, Roles.Officer);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await officer.Client.PutAsync($"/api/funds/{slug}", Giving.Json(body))).StatusCode
        );
        Assert.Equal("Rapid Fund", (await FundOf(admin, slug)).GetProperty("name").GetString());
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteFundUpdateTests(SqliteApp app) : FundUpdateTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresFundUpdateTests(PostgresApp app) : FundUpdateTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerFundUpdateTests(SqlServerApp app)
    : FundUpdateTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif

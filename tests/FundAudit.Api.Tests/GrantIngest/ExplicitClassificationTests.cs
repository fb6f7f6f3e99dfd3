using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Tests.GrantIngest.Xlsx;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// Level, Purpose (with other), Flexible and the 360Giving Location Scope stated by the data are stored as explicit
/// values in every layout (360Giving CSV, FundAudit's template, XLSX, JSON), and the classifier takes them (source
/// explicit); a value that is not an allowed one is a row error (or a 400) and stores nothing of that grant.
/// </summary>
public abstract class ExplicitClassificationTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Text = "Security training and digital protection for a network of land defenders.";

    [Fact]
    public async Task A_360giving_csv_stores_level_purpose_flexible_and_location_scope_as_explicit_values()
    {
        var csv =
            "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Name,Level,Purpose,"
            + "Flexible,Location Scope,Internal Code\n"
            + $"E-1,Network,{Text},GBP,100,2024-01-01,Org,local,other,yes,GLS010,A\n"
            + $"E-2,Network,{Text},GBP,100,2024-01-01,Org,,,,Local area,\n"
            + $"E-3,Network,{Text},GBP,100,2024-01-01,Org,,advocacy,,,\n"
            + $"E-4,Network,{Text},GBP,100,2024-01-01,Org,,,,GLS999,\n";
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        await AssertExplicitAsync(tenant, "E-1", level: "local", purpose: "other", flexible: "true");
        await AssertExplicitAsync(tenant, "E-2", level: "local", purpose: null, flexible: null);
        var e2 = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/E-2");
        Assert.Equal("GLS060", e2.GetProperty("locationScope").GetString());
        var errors = await ErrorsAsync(tenant, done);
        Assert.Equal(
            [(4L, "Purpose", CsvProblemCodes.InvalidValue), (5L, "Location Scope", CsvProblemCodes.InvalidValue)],
            errors.Select(e =>
                (
                    e.GetProperty("row").GetInt64(),
                    e.GetProperty("column").GetString(),
                    e.GetProperty("code").GetString()
                )
            )
        );
        Assert.Contains(done.GetProperty("warnings").EnumerateArray(), w =>
            w.GetProperty("code").GetString() == CsvProblemCodes.ColumnKeptAside
            && w.GetProperty("column").GetString() == "Internal Code"
        );
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task The_template_reads_a_location_scope_column_too()
    {
        var csv =
            "Identifier,Title,Description,Currency,Amount,Award Date,Recipient Name,Location Scope\n"
            + $"T-1,Network,{Text},USD,100,2024-01-01,Org,gls030\n";
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        await AssertExplicitAsync(tenant, "T-1", level: "national", purpose: null, flexible: null);
    }

    [Fact]
    public async Task An_xlsx_in_the_360giving_layout_stores_the_explicit_columns()
    {
        var book = new TestWorkbook().Sheet(
            "grants",
            [
                "Identifier",
                "Title",
                "Description",
                "Currency",
                "Amount Awarded",
                "Award Date",
                "Level",
                "Purpose",
                "Flexible",
                "Location Scope",
            ],
            ["X-1", "Network", Text, "GBP", 100, "2024-01-01", "Regional", "collective", false, "GLS060"],
            ["X-2", "Network", Text, "GBP", 100, "2024-01-01", "village", null, null, null]
        );
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, book.Content());

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        // The Level column wins over Location Scope; both are the data's own word.
        await AssertExplicitAsync(tenant, "X-1", level: "regional", purpose: "collective", flexible: "false");
        var error = Assert.Single(await ErrorsAsync(tenant, done));
        Assert.Equal("Level", error.GetProperty("column").GetString());
        Assert.StartsWith("grants!G3: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_grants_store_explicitClassification_and_locationScope_and_a_bad_value_is_a_400_storing_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        var stated = Giving.Grant("J-1", 100m);
        stated["description"] = Text;
        stated["explicitClassification"] = new JsonObject
        {
            ["level"] = "Local",
            ["purpose"] = "other",
            ["flexible"] = true,
        };
        var scoped = Giving.Grant("J-2", 100m);
        scoped["description"] = Text;
        scoped["locationScope"] = "GLS020";
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(stated, scoped)));

        await AssertExplicitAsync(tenant, "J-1", level: "local", purpose: "other", flexible: "true");
        await AssertExplicitAsync(tenant, "J-2", level: "regional", purpose: null, flexible: null);

        var bad = Giving.Grant("J-3", 100m);
        bad["explicitClassification"] = new JsonObject { ["purpose"] = "advocacy" };
        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(bad)),
            HttpStatusCode.BadRequest
        );
        var message = problem.GetProperty("errors").GetProperty("grants[0].explicitClassification")[0].GetString();
        Assert.Contains("purpose must be one of", message, StringComparison.Ordinal);
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    private async Task AssertExplicitAsync(Tenant tenant, string id, string level, string? purpose, string? flexible)
    {
        var c = (await tenant.Client.GetFromJsonAsync<JsonElement>($"/api/grants/by-id/{id}")).GetProperty(
            "classification"
        );
        Assert.Equal((level, "explicit"), Decision(c, "level"));
        if (purpose is not null)
        {
            Assert.Equal((purpose, "explicit"), Decision(c, "purpose"));
        }
        else
        {
            Assert.NotEqual("explicit", Decision(c, "purpose").Source);
        }

        if (flexible is not null)
        {
            Assert.Equal((flexible, "explicit"), Decision(c, "flexible"));
        }
        else
        {
            Assert.NotEqual("explicit", Decision(c, "flexible").Source);
        }
    }

    private static (string? Value, string? Source) Decision(JsonElement c, string name) =>
        (c.GetProperty(name).GetProperty("value").GetString(), c.GetProperty(name).GetProperty("source").GetString());

    private async Task<JsonElement> ImportAsync(Tenant tenant, HttpContent content)
    {
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", content),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        return await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
    }

    private static async Task<List<JsonElement>> ErrorsAsync(Tenant tenant, JsonElement import)
    {
        var body = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/grants/imports/{import.GetProperty("id").GetInt64()}/errors")
        );
        return body.GetProperty("errors").EnumerateArray().ToList();
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteExplicitClassificationTests(SqliteApp app) : ExplicitClassificationTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresExplicitClassificationTests(PostgresApp app)
    : ExplicitClassificationTests<PostgresApp>(app);

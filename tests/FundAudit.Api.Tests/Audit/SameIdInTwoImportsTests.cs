using System.Net;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The quality check same_id_in_two_imports (issue 14, item 3): a grant one CSV import created and a later import
/// rewrote with other content (grants.first_import_id, migration 0021, against grants.import_id). A row stored
/// unchanged is not rewritten, and the JSON API's writes set neither column, so neither makes a grant fail it.
/// </summary>
public abstract class SameIdInTwoImportsTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Code = "same_id_in_two_imports";
    private const string Period = "from=2024-01-01&to=2024-12-31&currency=GBP";
    private const string Header = "Identifier,Title,Description,Currency,Amount Awarded,Award Date\n";

    [Fact]
    public async Task A_grant_changed_by_a_later_import_fails_and_an_unchanged_one_does_not()
    {
        var tenant = await app.CreateTenantAsync();
        var first = await ImportAsync(
            tenant,
            Header
                + "R-1,Shelter,Safe house rent,GBP,100.00,2024-03-01\n"
                + "R-2,Legal aid,Court fees,GBP,200.00,2024-03-02\n"
                + "R-3,Training,Security training,GBP,300.00,2024-03-03\n",
            (3, 0, 0)
        );
        Assert.Equal((0L, 0L), Figures(await QualityAsync(tenant, "")));

        // R-1 changed (title and amount), R-2 repeated as it was, R-4 new; R-3 left out.
        var second = await ImportAsync(
            tenant,
            Header
                + "R-1,Shelter and food,Safe house rent,GBP,150.00,2024-03-01\n"
                + "R-2,Legal aid,Court fees,GBP,200.00,2024-03-02\n"
                + "R-4,Relocation,Emergency relocation,GBP,400.00,2024-03-04\n",
            (1, 1, 1)
        );

        // The report read from the stored totals, and the one scanning the grants (one import's), agree.
        Assert.Equal((1L, 15000L), Figures(await QualityAsync(tenant, "")));
        Assert.Equal((1L, 15000L), Figures(await QualityAsync(tenant, $"&importId={second}")));
        Assert.Equal((0L, 0L), Figures(await QualityAsync(tenant, $"&importId={first}")));
        var page = await GrantsAsync(tenant, "");
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("R-1", item.GetProperty("id").GetString());
        Assert.Equal(15000L, item.GetProperty("amountMinor").GetInt64());
        Assert.Equal($"created by import {first}, changed by import {second}", item.GetProperty("detail").GetString());
        Assert.Single((await GrantsAsync(tenant, $"&importId={second}")).GetProperty("items").EnumerateArray());

        // The CSV export has the check's line with the same figures.
        var csv = await tenant.Client.GetAsync($"/api/audit/quality.csv?{Period}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var line = (await csv.Content.ReadAsStringAsync())
            .Split('\n')
            .Single(l => l.StartsWith(Code + ",", StringComparison.Ordinal));
        Assert.Contains(",1,", line, StringComparison.Ordinal);
        Assert.Contains(",GBP,150,", line, StringComparison.Ordinal);

        // The console's quality page links the check; its page lists R-1 with why.
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        var console = "?from=2024-01-01&to=2024-12-31&currency=GBP";
        var quality = WebUtility.HtmlDecode(await analyst.GetPageAsync("/app/quality" + console));
        Assert.Contains($"href=\"/app/quality/{Code}{console}\"", quality, StringComparison.Ordinal);
        var listed = WebUtility.HtmlDecode(await analyst.GetPageAsync($"/app/quality/{Code}{console}"));
        Assert.Contains("Same grant id in two imports", listed, StringComparison.Ordinal);
        Assert.Contains("data-grant=\"R-1\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("data-grant=\"R-2\"", listed, StringComparison.Ordinal);
        Assert.Contains($"created by import {first}, changed by import {second}", listed, StringComparison.Ordinal);

        // The same file again changes nothing, so nothing more fails.
        await ImportAsync(
            tenant,
            Header
                + "R-1,Shelter and food,Safe house rent,GBP,150.00,2024-03-01\n"
                + "R-2,Legal aid,Court fees,GBP,200.00,2024-03-02\n"
                + "R-4,Relocation,Emergency relocation,GBP,400.00,2024-03-04\n",
            (0, 0, 3)
        );
        Assert.Equal((1L, 15000L), Figures(await QualityAsync(tenant, "")));
    }

    [Fact]
    public async Task The_json_apis_writes_never_make_a_grant_fail()
    {
        var tenant = await app.CreateTenantAsync();
        await ImportAsync(tenant, Header + "J-1,Shelter,Safe house rent,GBP,100.00,2024-03-01\n", (1, 0, 0));
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(
                    Giving.Grant("J-1", 120m, "GBP", "2024-03-01"), // an import's grant changed by the JSON API
                    Giving.Grant("J-2", 200m, "GBP", "2024-03-02")
                )
            )
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Giving.Grant("J-2", 250m, "GBP", "2024-03-02")))
        );
        Assert.Equal((0L, 0L), Figures(await QualityAsync(tenant, "")));

        // A grant the JSON API created and an import then changed: no import created it.
        await ImportAsync(tenant, Header + "J-2,Legal aid,Court fees,GBP,300.00,2024-03-02\n", (0, 1, 0));
        Assert.Equal((0L, 0L), Figures(await QualityAsync(tenant, "")));
        Assert.Equal(0, (await GrantsAsync(tenant, "")).GetProperty("items").GetArrayLength());
    }

    private static (long Grants, long AmountMinor) Figures(JsonElement report)
    {
        var check = report
            .GetProperty("checks")
            .EnumerateArray()
            .Single(c => c.GetProperty("code").GetString() == Code);
        return (check.GetProperty("grants").GetInt64(), check.GetProperty("amountMinor").GetInt64());
    }

    private static async Task<JsonElement> QualityAsync(Tenant tenant, string filter) =>
        await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/audit/quality?{Period}{filter}"));

    private static async Task<JsonElement> GrantsAsync(Tenant tenant, string filter) =>
        await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/quality/{Code}/grants?{Period}{filter}&limit=500")
        );

    private async Task<long> ImportAsync(Tenant tenant, string csv, (int Created, int Updated, int Unchanged) counts)
    {
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", new StringContent(csv, Encoding.UTF8, "text/csv")),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var view = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal("succeeded", view.GetProperty("status").GetString());
        var result = view.GetProperty("result");
        Assert.Equal(
            counts,
            (
                result.GetProperty("created").GetInt32(),
                result.GetProperty("updated").GetInt32(),
                result.GetProperty("unchanged").GetInt32()
            )
        );
        return id;
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteSameIdInTwoImportsTests(SqliteApp app) : SameIdInTwoImportsTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresSameIdInTwoImportsTests(PostgresApp app) : SameIdInTwoImportsTests<PostgresApp>(app);

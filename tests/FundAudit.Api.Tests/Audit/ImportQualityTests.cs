using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The quality checks of one import (GET /api/audit/quality?importId=…, its CSV, its grants and the grants list's
/// importId filter), on real 360Giving files: LandAid 2014-15 (23 grants) and 2015-16 (18 other grants), all GBP.
/// </summary>
public abstract class ImportQualityTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "from=1950-01-01&to=2049-12-31&currency=GBP";
    private const string First = "360g-landaid-2014-15.csv";
    private const string Second = "360g-landaid-2015-16.csv";

    [Fact]
    public async Task After_one_import_its_figures_are_the_portfolios_and_after_two_each_import_has_its_own()
    {
        var tenant = await app.CreateTenantAsync();
        var first = await ImportAsync(tenant, First);

        var portfolio = await QualityAsync(tenant, "");
        var ofFirst = await QualityAsync(tenant, $"&importId={first}");
        Assert.Equal(Accepted(first, await ImportViewAsync(tenant, first)), portfolio.GetProperty("grants").GetInt64());
        Assert.Equal(Summary(portfolio), Summary(ofFirst));
        Assert.Contains(portfolio.GetProperty("checks").EnumerateArray(), c => c.GetProperty("grants").GetInt64() > 0);

        var second = await ImportAsync(tenant, Second);

        var all = await QualityAsync(tenant, "");
        var afterFirst = await QualityAsync(tenant, $"&importId={first}");
        var ofSecond = await QualityAsync(tenant, $"&importId={second}");
        Assert.Equal(Summary(ofFirst), Summary(afterFirst)); // the second file wrote none of the first's grants
        var secondAccepted = Accepted(second, await ImportViewAsync(tenant, second));
        Assert.Equal(secondAccepted, ofSecond.GetProperty("grants").GetInt64());
        Assert.Equal(
            all.GetProperty("grants").GetInt64(),
            afterFirst.GetProperty("grants").GetInt64() + secondAccepted
        );
        Assert.Equal(
            all.GetProperty("amountMinor").GetInt64(),
            afterFirst.GetProperty("amountMinor").GetInt64() + ofSecond.GetProperty("amountMinor").GetInt64()
        );
        foreach (var (code, grants, amount) in Figures(all).Checks)
        {
            var a = Figures(afterFirst).Checks.Single(c => c.Code == code);
            var b = Figures(ofSecond).Checks.Single(c => c.Code == code);
            Assert.Equal((code, grants, amount), (code, a.Grants + b.Grants, a.Amount + b.Amount));
        }

        // A grant posted through the JSON API belongs to no import: the portfolio counts it, no import does.
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Zebra("J-1", 0m, "GBP", "2015-05-01")))
        );
        Assert.Equal(
            all.GetProperty("grants").GetInt64() + 1,
            (await QualityAsync(tenant, "")).GetProperty("grants").GetInt64()
        );
        Assert.Equal(Summary(ofSecond), Summary(await QualityAsync(tenant, $"&importId={second}")));

        // Each check links its grants with the import kept, and the grants list filters on it too.
        var check = ofSecond.GetProperty("checks").EnumerateArray().First(c => c.GetProperty("grants").GetInt64() > 0);
        var link = check.GetProperty("grantsLink").GetString()!;
        Assert.Contains($"importId={second}", link, StringComparison.Ordinal);
        var page = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync(link + "&limit=500"));
        Assert.Equal(check.GetProperty("grants").GetInt64(), page.GetProperty("items").GetArrayLength());
        var listed = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/grants?importId={second}&limit=500")
        );
        Assert.Equal(secondAccepted, listed.GetProperty("items").GetArrayLength());
        var fileIds = File.ReadLines(Path.Combine(CsvTestFiles.SharedData(), "360giving", Second), Encoding.Latin1)
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(',')[0])
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            fileIds,
            listed
                .GetProperty("items")
                .EnumerateArray()
                .Select(g => g.GetProperty("id").GetString()!)
                .Order(StringComparer.Ordinal)
        );

        var csv = await tenant.Client.GetAsync($"/api/audit/quality.csv?{Period}&importId={second}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains($"importId={second}", text, StringComparison.Ordinal);
        Assert.Contains($"quality-import-{second}-", csv.Content.Headers.ContentDisposition?.FileName ?? "");
    }

    [Fact]
    public async Task Another_funders_import_has_no_grants_here_and_a_bad_import_id_is_a_problem()
    {
        var owner = await app.CreateTenantAsync();
        var import = await ImportAsync(owner, Second);
        var other = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Zebra("O-1", 0m, "GBP", "2015-05-01")))
        );

        var theirs = await QualityAsync(other, $"&importId={import}");
        Assert.Equal(0, theirs.GetProperty("grants").GetInt64());
        Assert.All(theirs.GetProperty("checks").EnumerateArray(), c =>
            Assert.Equal(0, c.GetProperty("grants").GetInt64())
        );
        var list = await HttpAssert.OkJsonAsync(await other.Client.GetAsync($"/api/grants?importId={import}"));
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        var grants = await HttpAssert.OkJsonAsync(
            await other.Client.GetAsync($"/api/audit/quality/unclassified/grants?{Period}&importId={import}")
        );
        Assert.Equal(0, grants.GetProperty("items").GetArrayLength());

        var bad = await other.Client.GetAsync($"/api/audit/quality?{Period}&importId=0");
        var problem = await HttpAssert.ProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("importId", out _));
        var badList = await other.Client.GetAsync("/api/grants?importId=-3");
        Assert.Equal(HttpStatusCode.BadRequest, badList.StatusCode);
    }

    private static long Accepted(long id, JsonElement import)
    {
        Assert.Equal("succeeded", import.GetProperty("status").GetString());
        Assert.Equal(id, import.GetProperty("id").GetInt64());
        return import.GetProperty("result").GetProperty("created").GetInt64();
    }

    private static (long Grants, long Amount, List<(string Code, long Grants, long Amount)> Checks) Figures(
        JsonElement report
    ) =>
        (
            report.GetProperty("grants").GetInt64(),
            report.GetProperty("amountMinor").GetInt64(),
            report
                .GetProperty("checks")
                .EnumerateArray()
                .Select(c =>
                    (
                        c.GetProperty("code").GetString()!,
                        c.GetProperty("grants").GetInt64(),
                        c.GetProperty("amountMinor").GetInt64()
                    )
                )
                .ToList()
        );

    /// <summary>Every figure of a report (totals, then each check's grants, shares and money) as one line.</summary>
    private static string Summary(JsonElement report)
    {
        var f = Figures(report);
        return $"{f.Grants} {f.Amount} {report.GetProperty("unconvertedGrants")}: "
            + string.Join(
                "; ",
                report
                    .GetProperty("checks")
                    .EnumerateArray()
                    .Select(c =>
                        $"{c.GetProperty("code")} {c.GetProperty("grants")} {c.GetProperty("share")} "
                        + $"{c.GetProperty("amountMinor")} {c.GetProperty("moneyShare")}"
                    )
            );
    }

    private static async Task<JsonElement> QualityAsync(Tenant tenant, string filter) =>
        await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/audit/quality?{Period}{filter}"));

    private static async Task<JsonElement> ImportViewAsync(Tenant tenant, long id) =>
        await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));

    private async Task<long> ImportAsync(Tenant tenant, string file)
    {
        var content = new StreamContent(File.OpenRead(Path.Combine(CsvTestFiles.SharedData(), "360giving", file)));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", content),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        Assert.Equal("succeeded", (await ImportViewAsync(tenant, id)).GetProperty("status").GetString());
        return id;
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteImportQualityTests(SqliteApp app) : ImportQualityTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresImportQualityTests(PostgresApp app) : ImportQualityTests<PostgresApp>(app);

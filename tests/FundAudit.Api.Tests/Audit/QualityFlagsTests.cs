using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.GrantIngest.Xlsx;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FundAudit.Api.Tests.Audit.PortfolioWrites;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// grants.quality_flags (migration 0018) equals the checks computed from scratch on the grant as read back, after every
/// kind of write (JSON upsert new and changed, CSV import, XLSX import, correction, re-classification, delete); and
/// the report summed by those flags (what GET /api/audit/quality answers) equals the report that tests every grant
/// one by one, grants written without flags included.
/// </summary>
public abstract class QualityFlagsTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private async Task AssertFlagsAndReportAsync(Tenant tenant, int expectedGrants, string step)
    {
        var db = app.Services.GetRequiredService<Db>();
        var store = app.Services.GetRequiredService<QualityStore>();
        var calculator = app.Services.GetRequiredService<QualityCalculator>();
        var query = WholeQualityQuery(calculator);
        var rows = await store.RowsAsync(tenant.FunderId, query, null, null, false, CancellationToken.None);
        Assert.Equal(expectedGrants, rows.Count);
        await using (var connection = await db.OpenAsync())
        {
            var stored = (
                await connection.QueryAsync<(long Id, long? Flags)>(
                    "SELECT id, quality_flags FROM grants WHERE funder_id = @FunderId",
                    new { tenant.FunderId }
                )
            ).ToDictionary(r => r.Id, r => r.Flags);
            foreach (var row in rows)
            {
                Assert.True(
                    stored[row.Id] == QualityFlags.Of(row),
                    $"After {step}: grant {row.Identifier} stores flags {stored[row.Id]}, its checks give "
                        + QualityFlags.Of(row)
                );
            }
        }

        var summed = await calculator.ReportAsync(tenant.FunderId, query, null, CancellationToken.None);
        var oneByOne = await calculator.ComputeAsync(tenant.FunderId, query, null, null, CancellationToken.None);
        Assert.Equal(
            JsonSerializer.Serialize(GetQuality.ToResponse(oneByOne, "")),
            JsonSerializer.Serialize(GetQuality.ToResponse(summed, ""))
        );
        await AssertGrantListsAsync(tenant, step);
    }

    /// <summary>Each check's grant list (read narrowed by its stored bit) names the grants that fail it.</summary>
    private async Task AssertGrantListsAsync(Tenant tenant, string step)
    {
        var calculator = app.Services.GetRequiredService<QualityCalculator>();
        var query = WholeQualityQuery(calculator);
        var all = await calculator.ComputeAsync(tenant.FunderId, query, null, null, CancellationToken.None);
        foreach (var (check, _, hits) in all.Checks)
        {
            var one = await calculator.ComputeAsync(tenant.FunderId, query, check.Code, null, CancellationToken.None);
            Assert.True(
                hits.Select(h => (h.Grant.Identifier, h.Detail))
                    .SequenceEqual(one.Checks[0].Hits.Select(h => (h.Grant.Identifier, h.Detail))),
                $"After {step}: the {check.Code} list differs from the grants that fail it"
            );
        }
    }

    /// <summary>Grants failing every stored check between them (rates: USD on 2025-03-03 only, so one grant per
    /// foreign currency and day, whose sum converts as the grant does).</summary>
    private static JsonObject[] Portfolio()
    {
        var noLocation = Emergency("F-2", 2500m, "USD", "2025-03-04");
        noLocation.Remove("beneficiaryLocation");
        noLocation["recipientOrganization"]![0]!["addressCountry"] = "Hondura"; // names no country
        var sameText = Prevention("F-4", 300m, "GBP", "2025-06-01");
        sameText["description"] = " SECURITY TRAINING FOR DEFENDERS";
        sameText["recipientOrganization"] = new JsonArray(new JsonObject { ["id"] = "GB-CHC 1122057", ["name"] = "X" });
        var dates = Prevention("F-5", 400m, "EUR", "2090-01-01");
        dates["recipientOrganization"] = new JsonArray(new JsonObject { ["name"] = "X", ["addressCountry"] = "HN" });
        dates["plannedDates"] = new JsonArray(
            new JsonObject { ["startDate"] = "1850-01-01", ["endDate"] = "1849-01-01" }
        );
        var coded = Prevention("F-1", 1000m, "EUR", "2025-03-04");
        coded["recipientOrganization"] = new JsonArray(
            new JsonObject
            {
                ["id"] = "GB-CHC-1122057",
                ["name"] = "X",
                ["addressCountry"] = "GB",
            }
        );
        coded["beneficiaryLocation"] = new JsonArray(
            new JsonObject
            {
                ["name"] = "Atlántida",
                ["countryCode"] = "HN",
                ["geoCode"] = "HN-AT",
            }
        );
        return [coded, noLocation, Zebra("F-3", 0m, "EUR", "2025-05-01"), sameText, dates];
    }

    [Fact]
    public async Task The_stored_flags_and_the_summed_report_equal_the_checks_after_every_kind_of_write()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync(
                "/api/audit/rates",
                Csv("date,currency,rate_to_base,base\n2025-03-03,USD,1.25,EUR\n")
            )
        );
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(Portfolio())));
        await AssertFlagsAndReportAsync(tenant, 5, "a new package");

        // Changed grants: each now fails other checks (and F-3 passes the ones it failed).
        var changed = Portfolio();
        changed[0]["id"] = "F-3";
        changed[0].Remove("beneficiaryLocation");
        changed[2]["id"] = "F-1";
        changed[2]["title"] = "Bad id!";
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(changed)));
        await AssertFlagsAndReportAsync(tenant, 5, "a changed package");

        // The CSV import job: new grants and one changed.
        var csv =
            "Identifier,Title,Description,Currency,Amount,Award Date,Recipient Country,Level,Purpose,Flexible\n"
            + "F-2,Same,same,USD,0,2025-03-04,,local,prevention,yes\n"
            + "C-1,Emergency grant,Relocation,EUR,75.25,2099-05-01,KE,national,emergency,no\n"
            + "C-2,Zebra programme,Zebra,EUR,10,2019-07-01,Guatamala,,,\n";
        await writes.ImportAsync(Csv(csv));
        await AssertFlagsAndReportAsync(tenant, 7, "a CSV import");

        // An XLSX import: one new grant, one changed.
        var book = new TestWorkbook().Sheet(
            "grants",
            ["Identifier", "Title", "Description", "Currency", "Amount", "Award Date", "Recipient Country"],
            ["X-1", "Training", "Training", "EUR", 5, new DateCell(new DateTime(2025, 3, 4))],
            ["C-1", "Emergency grant", "Other", "EUR", 0, new DateCell(new DateTime(2025, 3, 5)), "KE"]
        );
        await writes.ImportAsync(book.Content());
        await AssertFlagsAndReportAsync(tenant, 8, "an XLSX import");

        // A correction places the zebra grant; the re-classification job moves others.
        await writes.CorrectAsync(
            "F-1",
            new
            {
                level = "national",
                purpose = "collective",
                reason = "Board papers.",
            }
        );
        await AssertFlagsAndReportAsync(tenant, 8, "a correction");
        await writes.ReclassifyZebraAsync("flags-1");

        await AssertFlagsAndReportAsync(tenant, 8, "a re-classification");
        await writes.DeleteAsync("F-1");
        await AssertFlagsAndReportAsync(tenant, 7, "a delete");

        // Grants stored before migration 0018 (no flags) are checked one by one: the same report.
        var before = await QualityAsync(tenant);
        await writes.ExecuteAsync(
            "UPDATE grants SET quality_flags = NULL WHERE funder_id = @FunderId AND identifier IN ('F-2', 'C-1', 'X-1')"
        );

        Assert.Equal(before, await QualityAsync(tenant));
        await AssertGrantListsAsync(tenant, "clearing some flags");
    }

    private async Task<string> QualityAsync(Tenant tenant) =>
        (
            await HttpAssert.OkJsonAsync(
                await tenant.Client.GetAsync("/api/audit/quality?from=2000-01-01&to=2099-12-31&currency=EUR")
            )
        ).GetRawText();
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteQualityFlagsTests(SqliteApp app) : QualityFlagsTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresQualityFlagsTests(PostgresApp app) : QualityFlagsTests<PostgresApp>(app);

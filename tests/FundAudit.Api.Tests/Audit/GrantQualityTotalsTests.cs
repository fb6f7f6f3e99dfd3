using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FundAudit.Api.Tests.Audit.PortfolioWrites;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The quality report's stored aggregate (grant_quality_totals, migration 0019, kept by triggers and, on SQLite's
/// import path, by the import itself) stays equal to the same figures computed from scratch from the grants and their
/// corrections after every kind of write: the JSON upsert (new, unchanged, changed), the CSV import job (in one batch
/// and in many, and a failed one), corrections (set, changed, removed), the re-classification job, deletes (of a
/// corrected grant too) and a statement deleting all of a funder's grants, as a purge would. After each, the report
/// read from it equals the report that tests every grant one by one.
/// </summary>
public abstract class GrantQualityTotalsTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private sealed record TotalRow(
        DateOnly AwardDate,
        string Currency,
        long Flags,
        DateOnly FarDate,
        string LevelReason,
        string PurposeReason,
        string Source,
        long Grants,
        long Amount
    );

    private sealed class GrantRow
    {
        public DateOnly AwardDate { get; init; }

        public string Currency { get; init; } = "";

        public long? Flags { get; init; }

        public DateOnly? PlannedStart { get; init; }

        public DateOnly? PlannedEnd { get; init; }

        public string Level { get; init; } = "";

        public string Purpose { get; init; } = "";

        public string Source { get; init; } = "";

        public string? LevelEvidence { get; init; }

        public string? PurposeEvidence { get; init; }

        public long Amount { get; init; }
    }

    private sealed class StoredRow
    {
        public DateOnly AwardDate { get; init; }

        public string Currency { get; init; } = "";

        public long Flags { get; init; }

        public DateOnly FarDate { get; init; }

        public string LevelReason { get; init; } = "";

        public string PurposeReason { get; init; } = "";

        public string Source { get; init; } = "";

        public long Grants { get; init; }

        public long Amount { get; init; }
    }

    private async Task<List<TotalRow>> StoredAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var rows = await connection.QueryAsync<StoredRow>(
            """
            SELECT award_date AS AwardDate, currency AS Currency, flags AS Flags, far_date AS FarDate,
                   level_reason AS LevelReason, purpose_reason AS PurposeReason, source AS Source,
                   grant_count AS Grants, amount AS Amount
            FROM grant_quality_totals WHERE funder_id = @FunderId
            """,
            new { FunderId = funderId }
        );
        return Ordered(
            rows.Select(r => new TotalRow(
                r.AwardDate,
                r.Currency,
                r.Flags,
                r.FarDate,
                r.LevelReason,
                r.PurposeReason,
                r.Source,
                r.Grants,
                r.Amount
            ))
        );
    }

    /// <summary>The same figures from scratch: each grant read with its correction, grouped here.</summary>
    private async Task<List<TotalRow>> FromScratchAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var grants = await connection.QueryAsync<GrantRow>(
            """
            SELECT g.award_date AS AwardDate, g.currency AS Currency, g.quality_flags AS Flags,
                   g.planned_start_date AS PlannedStart, g.planned_end_date AS PlannedEnd,
                   COALESCE(c.level, g.level) AS Level, COALESCE(c.purpose, g.purpose) AS Purpose,
                   CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END AS Source,
                   g.level_evidence AS LevelEvidence, g.purpose_evidence AS PurposeEvidence, g.amount_awarded AS Amount
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
            WHERE g.funder_id = @FunderId
            """,
            new { FunderId = funderId }
        );
        return Ordered(
            grants
                .GroupBy(g =>
                    (
                        g.AwardDate,
                        g.Currency,
                        Flags: g.Flags ?? -1,
                        FarDate: FarDate(g),
                        LevelReason: g.Level == "unclassified" ? QualityFlags.ReasonKind(g.LevelEvidence) : "",
                        PurposeReason: g.Purpose == "unclassified" ? QualityFlags.ReasonKind(g.PurposeEvidence) : "",
                        g.Source
                    )
                )
                .Select(x => new TotalRow(
                    x.Key.AwardDate,
                    x.Key.Currency,
                    x.Key.Flags,
                    x.Key.FarDate,
                    x.Key.LevelReason,
                    x.Key.PurposeReason,
                    x.Key.Source,
                    x.LongCount(),
                    x.Sum(g => g.Amount)
                ))
        );
    }

    /// <summary>The later planned date when it is more than 1825 days after the award date, else the award date.
    /// </summary>
    private static DateOnly FarDate(GrantRow g)
    {
        DateOnly?[] planned = [g.PlannedStart, g.PlannedEnd];
        var later = planned.Where(d => d is not null).Max();
        return later is { } d && d.DayNumber - g.AwardDate.DayNumber > 1825 ? d : g.AwardDate;
    }

    private static List<TotalRow> Ordered(IEnumerable<TotalRow> rows) =>
        [
            .. rows.OrderBy(r => r.AwardDate)
                .ThenBy(r => r.Currency, StringComparer.Ordinal)
                .ThenBy(r => r.Flags)
                .ThenBy(r => r.FarDate)
                .ThenBy(r => r.LevelReason, StringComparer.Ordinal)
                .ThenBy(r => r.PurposeReason, StringComparer.Ordinal)
                .ThenBy(r => r.Source, StringComparer.Ordinal),
        ];

    private async Task AssertMatchesGrantsAsync(Tenant tenant, int expectedGrants, string step)
    {
        var scratch = await FromScratchAsync(tenant.FunderId);
        var stored = await StoredAsync(tenant.FunderId);
        Assert.True(
            scratch.SequenceEqual(stored),
            $"After {step}: stored\n{string.Join("\n", stored)}\ndiffers from the grants\n{string.Join("\n", scratch)}"
        );
        Assert.Equal(expectedGrants, stored.Sum(r => r.Grants));
        await AssertReportAsync(tenant, step);
    }

    /// <summary>The report read from the totals (and the next five years' grants) equals the one that tests every
    /// grant one by one, whole and for one source.</summary>
    private async Task AssertReportAsync(Tenant tenant, string step)
    {
        var calculator = app.Services.GetRequiredService<QualityCalculator>();
        foreach (var source in new[] { null, "manual" })
        {
            var query = WholeQualityQuery(calculator, source);
            Assert.True(QualityTotalsStore.Reads(query, null));
            var summed = await calculator.ReportAsync(tenant.FunderId, query, null, CancellationToken.None);
            var oneByOne = await calculator.ComputeAsync(tenant.FunderId, query, null, null, CancellationToken.None);
            Assert.True(
                JsonSerializer.Serialize(GetQuality.ToResponse(oneByOne, ""))
                    == JsonSerializer.Serialize(GetQuality.ToResponse(summed, "")),
                $"After {step} (source {source}): the report from the totals differs from the grants one by one"
            );
        }
    }

    /// <summary>A grant with planned dates (award 2024-05-01 unless given).</summary>
    private static JsonObject Planned(string id, decimal amount, string currency, string start, string end)
    {
        var g = Giving.Grant(id, amount, currency, "2024-05-01");
        g["plannedDates"] = new JsonArray(new JsonObject { ["startDate"] = start, ["endDate"] = end });
        return g;
    }

    private const string Header =
        "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Planned Dates:Start Date,"
        + "Planned Dates:End Date,Recipient Org:Country,Level,Purpose,Flexible\n";

    [Fact]
    public async Task The_stored_quality_totals_equal_the_grants_after_every_kind_of_write()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Giving.Grant("O-1", 70m, "EUR", "2024-05-01")))
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync(
                "/api/audit/rates",
                Csv("date,currency,rate_to_base,base\n2024-05-01,USD,1.1,EUR\n2027-03-01,USD,1.2,EUR\n")
            )
        );

        // JSON upsert: planned end far after the award (stored far date; far-future today, 2026-11-02, or not), a
        // grant awarded in the next five years that ends after them (read from the grants), flags, unclassified.
        var noLocation = Emergency("A-4", 0m, "USD", "2024-05-01");
        noLocation.Remove("beneficiaryLocation");
        var package = Giving.Package(
            Planned("A-1", 100m, "EUR", "2024-06-01", "2033-01-01"),
            Planned("A-2", 250.50m, "EUR", "2024-06-01", "2030-01-01"),
            Planned("A-3", 900m, "USD", "2024-06-01", "2025-01-01"),
            noLocation,
            Zebra("A-5", 12m, "EUR", "2024-05-01"),
            Zebra("A-6", 13m, "USD", "2027-03-01")
        );
        ((JsonObject)package["grants"]![5]!)["plannedDates"] = new JsonArray(
            new JsonObject { ["startDate"] = "2027-04-01", ["endDate"] = "2032-06-01" }
        );
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        await AssertMatchesGrantsAsync(tenant, 6, "a new package");

        var again = await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        Assert.Equal(6, again.GetProperty("unchanged").GetInt32());
        await AssertMatchesGrantsAsync(tenant, 6, "the same package again");

        // Changed grants: planned dates (far date moves), amount (flag goes), day, currency, text (classification).
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(
                    Planned("A-1", 100m, "EUR", "2024-06-01", "2026-01-01"),
                    Planned("A-2", 250.50m, "EUR", "2024-06-01", "2034-01-01"),
                    Emergency("A-4", 40m, "GBP", "2024-05-02"),
                    Giving.Grant("A-5", 12m, "EUR", "2024-05-03")
                )
            )
        );
        await AssertMatchesGrantsAsync(tenant, 6, "a changed package");

        // The CSV import job: two new grants (one far-future, one unclassified), one changed, one unchanged.
        var csv =
            Header
            + "A-3,Security training for defenders,Training,USD,900,2024-05-01,2024-06-01,2040-01-01,HN,,,\n"
            + "C-1,Emergency grant,Relocation,USD,75.25,2024-05-01,2024-05-01,2031-01-01,KE,national,emergency,no\n"
            + "C-2,Zebra,Zebra,EUR,0,2024-07-01,,,,,,\n";
        await writes.ImportAsync(Csv(csv), ImportJobs.Create(app.Services, new GrantImportOptions()));
        await AssertMatchesGrantsAsync(tenant, 8, "a CSV import");

        // Manual corrections: set (places an unclassified grant), changed, removed.
        await writes.CorrectAsync(
            "C-2",
            new
            {
                level = "national",
                purpose = "collective",
                reason = "Board papers.",
            }
        );
        await AssertMatchesGrantsAsync(tenant, 8, "a correction");
        await writes.CorrectAsync("C-2", new { purpose = "campaign", reason = "Second look." });
        await AssertMatchesGrantsAsync(tenant, 8, "a changed correction");
        await writes.CorrectAsync("A-6", new { level = "regional", reason = "Regional network." });
        await writes.RemoveCorrectionAsync("A-6");
        await AssertMatchesGrantsAsync(tenant, 8, "a removed correction");

        // The re-classification job: the funder's own rules place the zebra grants' purpose.
        await writes.ReclassifyZebraAsync("quality-totals-1");

        await AssertMatchesGrantsAsync(tenant, 8, "a re-classification");

        // Deletes: a corrected grant (its correction goes by cascade) and a plain one.
        await writes.DeleteAsync("C-2");
        await AssertMatchesGrantsAsync(tenant, 7, "deleting a corrected grant");
        await writes.DeleteAsync("A-1");
        await AssertMatchesGrantsAsync(tenant, 6, "deleting a grant");

        // Grants stored without flags count as flags -1 and are checked one by one by the report.
        await writes.ExecuteAsync(
            "UPDATE grants SET quality_flags = NULL WHERE funder_id = @FunderId AND identifier IN ('A-2', 'C-1')"
        );

        await AssertMatchesGrantsAsync(tenant, 6, "clearing some flags");

        // Evidence the triggers read as the service does: an "unclassified: " line after others, cut at '(' before
        // ':'; a line that only mentions it; none at all (low confidence).
        await writes.ExecuteAsync(
            """
            UPDATE grants SET level = 'unclassified',
                   level_evidence = CASE identifier
                       WHEN 'A-3' THEN '["rule: x","unclassified: odd reason (margin 2): y","unclassified: z"]'
                       WHEN 'A-4' THEN '["not unclassified: here"]'
                       ELSE NULL END
            WHERE funder_id = @FunderId AND identifier IN ('A-3', 'A-4', 'A-5')
            """
        );

        await AssertMatchesGrantsAsync(tenant, 6, "changing the evidence");
        Assert.Contains(await StoredAsync(tenant.FunderId), r => r.LevelReason == "odd reason");

        // A purge of the funder: one statement deleting all its grants, over several days, leaves no totals.
        await writes.ExecuteAsync("DELETE FROM grants WHERE funder_id = @FunderId");

        await AssertMatchesGrantsAsync(tenant, 0, "deleting all the funder's grants");
        Assert.Empty(await StoredAsync(tenant.FunderId));
        await AssertMatchesGrantsAsync(other, 1, "another funder's writes");
    }

    [Fact]
    public async Task An_import_in_many_batches_adds_its_new_grants_once_and_a_failed_one_adds_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Planned("B-0", 5m, "EUR", "2024-05-01", "2032-01-01")))
        );

        // 120 new grants in batches of 7 (flushed every 3 groups on SQLite), several to a group, far and near
        // planned ends, zero amounts, unclassified and explicit classification, on a day the JSON upsert filled.
        var rows = string.Concat(
            Enumerable
                .Range(1, 120)
                .Select(i =>
                    $"B-{i},{(i % 3 == 0 ? "Zebra" : "Security training for defenders")},D,"
                    + $"{(i % 2 == 0 ? "EUR" : "USD")},{i % 7},2024-05-{1 + (i % 4):00},2024-06-01,"
                    + $"{(i % 5 == 0 ? "2032-01-01" : "2025-01-01")},HN,{(i % 4 == 0 ? "local,prevention,yes" : ",,")}\n"
                )
        );
        var options = new GrantImportOptions
        {
            BatchSize = 7,
            ProgressEveryRows = 50,
            PipelineBatches = 2,
            DayTotalsPerFlush = 3,
        };
        await writes.ImportAsync(Csv(Header + rows), ImportJobs.Create(app.Services, options));
        await AssertMatchesGrantsAsync(tenant, 121, "an import in 18 batches");

        // After it, the insert trigger counts a grant posted as JSON again.
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Giving.Grant("B-900", 7m, "EUR", "2024-05-01")))
        );
        await AssertMatchesGrantsAsync(tenant, 122, "a grant posted after the import");

        // An import stopped after two batches stores nothing, totals included.
        var more = string.Concat(
            Enumerable.Range(1, 40).Select(i => $"D-{i},Zebra,D,EUR,{i},2024-05-02,,2040-01-01,HN,,,\n")
        );
        var failing = await writes.UploadAsync(Csv(Header + more));
        await Assert.ThrowsAsync<IOException>(() =>
            ImportJobs
                .Create(app.Services, options, new ImportFaults(n => throw new IOException($"stopped after {n}")))
                .RunAsync(failing, CancellationToken.None)
        );
        await AssertMatchesGrantsAsync(tenant, 122, "a failed import");
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Giving.Grant("B-901", 9m, "USD", "2024-05-02")))
        );
        await AssertMatchesGrantsAsync(tenant, 123, "a grant posted after the failed import");
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteGrantQualityTotalsTests(SqliteApp app) : GrantQualityTotalsTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresGrantQualityTotalsTests(PostgresApp app) : GrantQualityTotalsTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerGrantQualityTotalsTests(SqlServerApp app)
    : GrantQualityTotalsTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif

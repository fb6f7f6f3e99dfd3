using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FundAudit.Api.Tests.Audit.PortfolioWrites;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The stored aggregate the mix reads (grant_day_totals, migration 0008, kept by triggers) stays equal to a
/// from-scratch GROUP BY over the grants after every kind of write: the JSON upsert (new, unchanged, changed), the
/// CSV import job, manual corrections (set, changed, removed), the re-classification job and deletes (of a
/// corrected grant too, whose correction goes by cascade), and so do the medians of the mix, read from the grants
/// beside those totals. And the mix read from it equals the mix read from the grants themselves.
/// </summary>
public abstract class GrantDayTotalsTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private sealed record TotalRow
    {
        public long FunderId { get; init; }

        public DateOnly AwardDate { get; init; }

        public string Currency { get; init; } = "";

        public string Level { get; init; } = "";

        public string Purpose { get; init; } = "";

        public long Flexible { get; init; }

        public string Source { get; init; } = "";

        public long Grants { get; init; }

        public long Amount { get; init; }
    }

    private string FlexibleCode(string column) =>
        app.Provider == "sqlserver"
            ? $"CASE WHEN {column} = 1 THEN 1 WHEN {column} = 0 THEN 0 ELSE -1 END"
            : $"CASE WHEN {column} IS NULL THEN -1 WHEN {column} THEN 1 ELSE 0 END";

    private async Task<List<TotalRow>> StoredAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return (
            await connection.QueryAsync<TotalRow>(
                """
                SELECT funder_id AS FunderId, award_date AS AwardDate, currency AS Currency, level AS Level, purpose AS Purpose, flexible AS Flexible,
                       source AS Source, grant_count AS Grants, amount AS Amount
                FROM grant_day_totals WHERE funder_id = @FunderId
                ORDER BY award_date, currency, level, purpose, flexible, source
                """,
                new { FunderId = funderId }
            )
        ).ToList();
    }

    /// <summary>The same figures computed from scratch from the grants and their corrections.</summary>
    private async Task<List<TotalRow>> FromScratchAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var flexible = FlexibleCode("COALESCE(c.flexible, g.flexible)");
        var source = "CASE WHEN c.id IS NULL THEN COALESCE(g.purpose_source, '') ELSE 'manual' END";
        return (
            await connection.QueryAsync<TotalRow>(
                $"""
                SELECT g.funder_id AS FunderId, g.award_date AS AwardDate, g.currency AS Currency, COALESCE(c.level, g.level) AS Level,
                       COALESCE(c.purpose, g.purpose) AS Purpose, {flexible} AS Flexible, {source} AS Source,
                       COUNT(*) AS Grants, SUM(g.amount_awarded) AS Amount
                FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
                WHERE g.funder_id = @FunderId
                GROUP BY g.funder_id, g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose), {flexible}, {source}
                ORDER BY 2, 3, 4, 5, 6, 7
                """,
                new { FunderId = funderId }
            )
        ).ToList();
    }

    private async Task AssertMatchesGrantsAsync(Tenant tenant, int expectedGrants, string step)
    {
        var scratch = await FromScratchAsync(tenant.FunderId);
        var stored = await StoredAsync(tenant.FunderId);
        Assert.True(
            scratch.SequenceEqual(stored),
            $"After {step}: stored\n{string.Join("\n", stored)}\ndiffers from the grants\n{string.Join("\n", scratch)}"
        );
        Assert.Equal(expectedGrants, stored.Sum(r => r.Grants));
        if (_withRates.Contains(tenant.FunderId))
        {
            await AssertMediansMatchGrantsAsync(tenant, step);
        }
    }

    /// <summary>The funders given <see cref="Rates"/>, whose medians <see cref="AssertMatchesGrantsAsync"/> checks.</summary>
    private readonly HashSet<long> _withRates = [];

    /// <summary>Loads <see cref="Rates"/> for every day of May and June 2024 and 1 July (the grants' days).</summary>
    private async Task RatesAsync(Tenant tenant)
    {
        var csv = new StringBuilder("date,currency,rate_to_base,base\n");
        for (var day = new DateOnly(2024, 5, 1); day <= new DateOnly(2024, 7, 1); day = day.AddDays(1))
        {
            foreach (var (currency, (rate, _)) in Rates.Where(r => r.Key != "EUR"))
            {
                csv.Append(System.FormattableString.Invariant($"{day:yyyy-MM-dd},{currency},{rate},EUR\n"));
            }
        }

        await HttpAssert.OkJsonAsync(await tenant.Client.PostAsync("/api/audit/rates", Csv(csv.ToString())));
        _withRates.Add(tenant.FunderId);
    }

    /// <summary>The rates of <see cref="The_stored_totals_equal_the_grants_after_every_kind_of_write"/> (EUR base),
    /// with the currency's minor-unit exponent.</summary>
    private static readonly Dictionary<string, (decimal Rate, int Exponent)> Rates = new()
    {
        ["EUR"] = (1m, 2),
        ["USD"] = (1.25m, 2),
        ["GBP"] = (0.85m, 2),
        ["JPY"] = (160m, 0),
    };

    /// <summary>
    /// The medians of the mix (includeMedian=true, by level × purpose and by year: both read the stored totals for
    /// the sums and the grants for the medians) equal each cell's middle grants found here by sorting the grants
    /// and their corrections, each converted to EUR cents and rounded to 6 decimals half away from zero.
    /// </summary>
    private async Task AssertMediansMatchGrantsAsync(Tenant tenant, string step)
    {
        List<(string Level, string Purpose, string Currency, long Amount, DateOnly AwardDate)> grants;
        await using (var connection = await app.Services.GetRequiredService<Db>().OpenAsync())
        {
            grants = (
                await connection.QueryAsync<(string, string, string, long, DateOnly)>(
                    """
                    SELECT COALESCE(c.level, g.level) AS Level, COALESCE(c.purpose, g.purpose) AS Purpose,
                           g.currency AS Currency, g.amount_awarded AS Amount, g.award_date AS AwardDate
                    FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
                    WHERE g.funder_id = @FunderId
                    """,
                    new { FunderId = tenant.FunderId }
                )
            ).ToList();
        }

        static decimal Cents(string currency, long amount)
        {
            var (rate, exponent) = Rates[currency];
            var factor = 100m / (rate * (exponent == 2 ? 100m : 1m));
            return Math.Round(amount * factor, 6, MidpointRounding.AwayFromZero);
        }

        static long Median(IEnumerable<decimal> values)
        {
            var sorted = values.Order().ToList();
            var n = sorted.Count;
            return (long)Math.Round((sorted[(n - 1) / 2] + sorted[n / 2]) / 2m, MidpointRounding.ToEven);
        }

        foreach (
            var (groupBy, keyOf) in new (string, Func<(string, string, string, long, DateOnly), string>)[]
            {
                ("level,purpose", g => $"{g.Item1 ?? "unclassified"}/{g.Item2 ?? "unclassified"}"),
                ("year", g => g.Item5.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            }
        )
        {
            var expected = grants
                .GroupBy(keyOf)
                .ToDictionary(g => g.Key, g => Median(g.Select(x => Cents(x.Item3, x.Item4))));
            var mix = await HttpAssert.OkJsonAsync(
                await tenant.Client.GetAsync(
                    $"/api/audit/mix?from=2024-01-01&to=2024-12-31&currency=EUR&groupBy={groupBy}&includeMedian=true"
                )
            );
            var actual = mix.GetProperty("cells")
                .EnumerateArray()
                .ToDictionary(
                    c =>
                        string.Join(
                            '/',
                            groupBy.Split(',').Select(d => c.GetProperty("key").GetProperty(d).GetString())
                        ),
                    c => c.GetProperty("medianMinor").GetInt64()
                );
            Assert.True(
                expected.OrderBy(kv => kv.Key).SequenceEqual(actual.OrderBy(kv => kv.Key)),
                $"After {step}, by {groupBy}: medians {string.Join(", ", actual)} differ from the grants' {string.Join(", ", expected)}"
            );
        }
    }

    private static JsonObject Grant(
        string id,
        decimal amount,
        string currency,
        string date,
        string title = "Security training for defenders",
        bool core = false
    )
    {
        var g = Giving.Grant(id, amount, currency, date, title);
        if (core)
        {
            g["fundingType"] = new JsonArray(new JsonObject { ["title"] = "Core support" });
        }

        return g;
    }

    [Fact]
    public async Task The_stored_totals_equal_the_grants_after_every_kind_of_write()
    {
        var tenant = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Grant("O-1", 70m, "EUR", "2024-05-01")))
        );
        await RatesAsync(tenant);

        // JSON upsert: new grants, two on one day and cell, several currencies and days.
        var package = Giving.Package(
            Grant("A-1", 100m, "EUR", "2024-05-01"),
            Grant("A-2", 250.50m, "EUR", "2024-05-01"),
            Grant("A-3", 900m, "USD", "2024-05-01", "Emergency relocation after death threats"),
            Grant("A-4", 40m, "GBP", "2024-05-02", "Zebra programme", core: true),
            Grant("A-5", 12m, "JPY", "2024-06-30")
        );
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        await AssertMatchesGrantsAsync(tenant, 5, "a new package");

        // The same package again: nothing changes.
        var again = await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        Assert.Equal(5, again.GetProperty("unchanged").GetInt32());
        await AssertMatchesGrantsAsync(tenant, 5, "the same package again");

        // Changed grants: amount, award day, currency, text (so classification) and funding type (flexible).
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(
                    Grant("A-1", 120m, "EUR", "2024-05-01"),
                    Grant("A-2", 250.50m, "EUR", "2024-05-03"),
                    Grant("A-3", 900m, "GBP", "2024-05-01", "Emergency relocation after death threats"),
                    Grant("A-4", 40m, "GBP", "2024-05-02", "Security training for defenders", core: false),
                    Grant("A-5", 12m, "JPY", "2024-06-30", core: true),
                    Zebra("A-6", 1m, "EUR", "2024-05-01")
                )
            )
        );
        await AssertMatchesGrantsAsync(tenant, 6, "a changed package");

        // The CSV import job: two new grants, one changed, one unchanged (explicit classification columns).
        var csv =
            "Identifier,Title,Description,Currency,Amount,Award Date,Recipient Country,Level,Purpose,Flexible\n"
            + "A-1,Security training for defenders,Training,EUR,130,2024-05-01,HN,local,prevention,yes\n"
            + "C-1,Emergency grant,Relocation,USD,75.25,2024-05-01,KE,national,emergency,no\n"
            + "C-2,Campaign,Advocacy,EUR,10,2024-07-01,GT,global,campaign,\n";
        var import = await writes.ImportAsync(Csv(csv));
        Assert.Equal(2, import.GetProperty("result").GetProperty("created").GetInt32());
        await AssertMatchesGrantsAsync(tenant, 8, "a CSV import");

        // Manual corrections: set, changed, on a second grant of the same day, removed.
        await writes.CorrectAsync(
            "A-2",
            new
            {
                level = "national",
                purpose = "collective",
                flexible = true,
                reason = "Board papers.",
            }
        );
        await AssertMatchesGrantsAsync(tenant, 8, "a correction");
        await writes.CorrectAsync("A-2", new { purpose = "campaign", reason = "Second look." });
        await AssertMatchesGrantsAsync(tenant, 8, "a changed correction");
        await writes.CorrectAsync("A-6", new { level = "regional", reason = "Regional network." });
        await AssertMatchesGrantsAsync(tenant, 8, "a second correction");
        await writes.RemoveCorrectionAsync("A-6");
        await AssertMatchesGrantsAsync(tenant, 8, "a removed correction");

        // The re-classification job: the funder's own rules move the zebra grant's purpose.
        await writes.ReclassifyZebraAsync("totals-1");

        var a6 = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/A-6");
        Assert.Equal(
            "campaign",
            a6.GetProperty("classification").GetProperty("purpose").GetProperty("value").GetString()
        );
        await AssertMatchesGrantsAsync(tenant, 8, "a re-classification");

        // Deletes: a corrected grant (its correction goes by cascade) and a plain one.
        await writes.DeleteAsync("A-2");
        await AssertMatchesGrantsAsync(tenant, 7, "deleting a corrected grant");
        await writes.DeleteAsync("C-2");
        await AssertMatchesGrantsAsync(tenant, 6, "deleting a grant");

        // The other funder's totals were never touched.
        await AssertMatchesGrantsAsync(other, 1, "another funder's writes");
    }

    [Fact]
    public async Task An_import_in_many_batches_adds_its_new_grants_once_and_the_insert_trigger_is_back_after_it_succeeds_or_fails()
    {
        var tenant = await app.CreateTenantAsync();
        var writes = new PortfolioWrites(app, tenant);
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Grant("B-0", 5m, "EUR", "2024-05-01")))
        );
        const string Header =
            "Identifier,Title,Description,Currency,Amount,Award Date,Recipient Country,Level,Purpose,Flexible\n";

        // 250 new grants in batches of 7, several to a day and cell (some with explicit classification), and a day
        // the JSON upsert already filled: the import's own totals (written every 3 groups on SQLite) must add to
        // what is stored, once.
        var rows = string.Concat(
            Enumerable
                .Range(1, 250)
                .Select(i =>
                    $"B-{i},{(i % 3 == 0 ? "Emergency relocation after death threats" : "Security training for defenders")},D,"
                    + $"{(i % 2 == 0 ? "EUR" : "USD")},{i}.{i % 100:00},2024-05-{1 + (i % 4):00},HN,{(i % 5 == 0 ? "local,prevention,yes" : ",,")}\n"
                )
        );
        var options = new GrantImportOptions
        {
            BatchSize = 7,
            ProgressEveryRows = 50,
            PipelineBatches = 2,
            DayTotalsPerFlush = 3,
        };
        var import = await writes.ImportAsync(Csv(Header + rows), Job(options));
        Assert.Equal(250, import.GetProperty("result").GetProperty("created").GetInt32());
        await AssertMatchesGrantsAsync(tenant, 251, "an import in 36 batches");

        // After it, the insert trigger counts a grant posted as JSON again.
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Grant("B-900", 7m, "EUR", "2024-05-01")))
        );
        await AssertMatchesGrantsAsync(tenant, 252, "a grant posted after the import");

        // An import stopped after two batches stores nothing, totals included, and leaves the trigger in force.
        var more = string.Concat(
            Enumerable.Range(1, 40).Select(i => $"D-{i},Security training for defenders,D,EUR,{i},2024-05-02,HN,,,\n")
        );
        var failing = await writes.UploadAsync(Csv(Header + more));
        await Assert.ThrowsAsync<IOException>(() =>
            Job(options, afterBatch: n => throw new IOException($"stopped after batch {n}"))
                .RunAsync(failing, CancellationToken.None)
        );
        await AssertMatchesGrantsAsync(tenant, 252, "a failed import");
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Grant("B-901", 9m, "USD", "2024-05-02")))
        );
        await AssertMatchesGrantsAsync(tenant, 253, "a grant posted after the failed import");
    }

    [Fact]
    public async Task The_dialects_json_upsert_adds_to_stored_totals_and_inserts_new_ones()
    {
        var tenant = await app.CreateTenantAsync();
        var db = app.Services.GetRequiredService<Db>();
        (string, ColumnType)[] columns =
        [
            ("funder_id", ColumnType.Integer),
            ("award_date", ColumnType.Date),
            ("currency", ColumnType.Text),
            ("level", ColumnType.Text),
            ("purpose", ColumnType.Text),
            ("flexible", ColumnType.Integer),
            ("source", ColumnType.Text),
            ("grant_count", ColumnType.Integer),
            ("amount", ColumnType.Integer),
        ];
        string[] keys = ["funder_id", "award_date", "currency", "level", "purpose", "flexible", "source"];
        var target = new JsonTotalsTarget("grant_day_totals", columns, keys, ["grant_count", "amount"]);
        var f = tenant.FunderId;
        var first =
            $"[[{f},\"2024-05-01\",\"EUR\",\"local\",\"prevention\",1,\"engine\",2,500],"
            + $"[{f},\"2024-05-02\",\"USD\",\"global\",\"campaign\",-1,\"\",1,7]]";
        var second =
            $"[[{f},\"2024-05-01\",\"EUR\",\"local\",\"prevention\",1,\"engine\",3,-100],"
            + $"[{f},\"2024-05-01\",\"EUR\",\"local\",\"prevention\",0,\"engine\",1,9]]";
        await using (var connection = await db.OpenAsync())
        {
            await using var tx = await connection.BeginTransactionAsync();
            await db.Engine.AddFromJsonAsync(tx, target, first, CancellationToken.None);
            await db.Engine.AddFromJsonAsync(tx, target, second, CancellationToken.None);
            await tx.CommitAsync();
        }

        var stored = (await StoredAsync(f)).Select(r =>
            (
                r.AwardDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                r.Currency,
                r.Flexible,
                r.Source,
                r.Grants,
                r.Amount
            )
        );
        Assert.Equal(
            [
                ("2024-05-01", "EUR", 0L, "engine", 1L, 9L),
                ("2024-05-01", "EUR", 1L, "engine", 5L, 400L),
                ("2024-05-02", "USD", -1L, "", 1L, 7L),
            ],
            stored
        );
    }

    private GrantImportJob Job(GrantImportOptions options, Action<int>? afterBatch = null) =>
        ImportJobs.Create(app.Services, options, new ImportFaults(afterBatch));

    [Fact]
    public async Task The_mix_read_from_the_stored_totals_equals_the_mix_read_from_the_grants()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync(
                "/api/audit/rates",
                Csv(
                    "date,currency,rate_to_base,base\n2024-05-01,USD,1.1,EUR\n2024-05-01,GBP,0.85,EUR\n2024-05-02,USD,1.3,EUR\n"
                )
            )
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(
                    Grant("M-1", 100.01m, "USD", "2024-05-01"),
                    Grant("M-2", 333.33m, "USD", "2024-05-01"),
                    Grant("M-3", 77.77m, "GBP", "2024-05-01", "Emergency relocation after death threats", core: true),
                    Grant("M-4", 10m, "EUR", "2024-05-02", "Zebra programme"),
                    Grant("M-5", 999.99m, "USD", "2024-05-02", core: true)
                )
            )
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsJsonAsync(
                "/api/grants/M-2/classification",
                new { purpose = "collective", reason = "Board papers." }
            )
        );

        // Without a programme filter the mix reads grant_day_totals; every grant of the test package has the
        // default programme, so filtering on it reads the grants and must give the same figures.
        const string Period = "from=2024-01-01&to=2024-12-31&currency=EUR";
        foreach (var groupBy in new[] { "level,purpose", "flexible", "year,level" })
        {
            const string programme = "Protection";
            var stored = await HttpAssert.OkJsonAsync(
                await tenant.Client.GetAsync($"/api/audit/mix?{Period}&groupBy={groupBy}")
            );
            var scanned = await HttpAssert.OkJsonAsync(
                await tenant.Client.GetAsync(
                    $"/api/audit/mix?{Period}&groupBy={groupBy}&programme={Uri.EscapeDataString(programme)}"
                )
            );
            Assert.Equal(scanned.GetProperty("cells").GetRawText(), stored.GetProperty("cells").GetRawText());
            foreach (var figure in new[] { "totals", "preventionCollective", "flexible", "local", "unclassified" })
            {
                Assert.Equal(scanned.GetProperty(figure).GetRawText(), stored.GetProperty(figure).GetRawText());
            }
        }

        var all = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/audit/mix?{Period}"));
        Assert.Equal(5, all.GetProperty("totals").GetProperty("grants").GetInt64());
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteGrantDayTotalsTests(SqliteApp app) : GrantDayTotalsTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresGrantDayTotalsTests(PostgresApp app) : GrantDayTotalsTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerGrantDayTotalsTests(SqlServerApp app)
    : GrantDayTotalsTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif

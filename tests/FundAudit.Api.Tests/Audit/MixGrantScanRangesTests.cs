using System.Text.Json.Nodes;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The scan that keeps every grant for the medians reads them in two award-date ranges on two connections and puts
/// the later range's texts, groups, sums and grants into the earlier's (<see cref="MixGrantScan"/>): for every
/// grouping and place or programme filter the scan answers, its sums and medians equal those of the same scan read in
/// one range, over grants on both sides of the split day and on the split day itself, in three currencies (the
/// report's, EUR, filed under the period's first day by both ranges), with corrections on each side and on the split
/// day, texts only the later range reads (a country, a programme) and groups both ranges add to.
/// </summary>
public abstract class MixGrantScanRangesTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static readonly AuditPeriod Period = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));

    [Theory]
    [MemberData(nameof(MixGrantScanQueries.All), MemberType = typeof(MixGrantScanQueries))]
    public async Task Two_ranges_answer_as_one(string groupBy, string? region, string? country, string? programme)
    {
        var tenant = await SeedAsync();
        var q = new MixQuery(Period, "EUR", groupBy.Split(','), programme, region, country, null, 1);
        var db = app.Services.GetRequiredService<Db>();
        var (split, splitRows) = await ScanAsync(db, tenant.FunderId, q, twoRanges: true);
        var (whole, wholeRows) = await ScanAsync(db, tenant.FunderId, q, twoRanges: false);

        // MIN 2024-03-01, MAX 2024-03-05: the later range starts on 2024-03-03, which has grants of its own.
        Assert.Equal(new DateOnly(2024, 3, 3), split.SplitDay);
        Assert.Null(whole.SplitDay);
        Assert.NotEmpty(wholeRows);
        Assert.Equal(wholeRows, splitRows);
        var factors = Factors();
        var medians = Describe(whole.Medians(factors));
        Assert.NotEmpty(medians);
        Assert.Equal(medians, Describe(split.Medians(factors)));
    }

    /// <summary>
    /// Without medians, the report-currency statement (<see cref="MixReportCurrency"/>) of an engine that reads a
    /// statement on one thread runs in two ranges, its headline rows and probe each with its range, and so does the
    /// scan of the grants in other currencies: the rows and the headline (summed by class) equal one range's,
    /// with grants in other currencies in both ranges, in none, or only in the later range (whose probe alone then
    /// says the others must be scanned).
    /// </summary>
    [Theory]
    [MemberData(nameof(MixGrantScanQueries.InCurrencies), MemberType = typeof(MixGrantScanQueries))]
    public async Task Report_currency_statement_in_two_ranges_answers_as_one(
        string groupBy,
        string? region,
        string? country,
        string? programme,
        string currencies
    )
    {
        var tenant = await SeedAsync(currencies);
        var q = new MixQuery(Period, "EUR", groupBy.Split(','), programme, region, country, null, 1);
        var db = app.Services.GetRequiredService<Db>();
        var (split, splitRows) = await ScanAsync(db, tenant.FunderId, q, twoRanges: true, keepGrants: false);
        var (whole, wholeRows) = await ScanAsync(db, tenant.FunderId, q, twoRanges: false, keepGrants: false);

        // The grants the statement leaves (another currency; every grant when grouped by year) are scanned in two
        // ranges on an engine that reads a statement on one thread.
        var scans = currencies != "one" || q.GroupBy.Contains("year");
        var splits = !db.Dialect.ParallelQuery && (!q.GroupBy.Contains("year") || scans);
        Assert.Equal(splits ? new DateOnly(2024, 3, 3) : null, split.SplitDay);
        Assert.Null(whole.SplitDay);
        Assert.NotEmpty(wholeRows);
        Assert.Equal(wholeRows, splitRows);
        var headline = Headline(whole.Headline);
        Assert.Equal(MixReportCurrency.Splits(q) && !q.GroupBy.Contains("year"), headline.Count > 0);
        Assert.Equal(headline, Headline(split.Headline));

        // With medians the statement sends each group's amounts (PostgreSQL) and runs in two ranges on every engine
        // (an aggregate of every value runs in one process), but for a programme filter, whose title PostgreSQL reads
        // from the table; the grants of other currencies are scanned in two ranges: the rows, headline and medians
        // equal one range's.
        var (keptSplit, keptSplitRows) = await ScanAsync(db, tenant.FunderId, q, twoRanges: true);
        var (keptWhole, keptWholeRows) = await ScanAsync(db, tenant.FunderId, q, twoRanges: false);
        var oneRange = db.Dialect.ParallelQuery && programme is not null && currencies == "one";
        Assert.Equal(oneRange ? null : new DateOnly(2024, 3, 3), keptSplit.SplitDay);
        Assert.Equal(keptWholeRows, keptSplitRows);
        Assert.Equal(Headline(keptWhole.Headline), Headline(keptSplit.Headline));
        var factors = Factors();
        Assert.Equal(Describe(keptWhole.Medians(factors)), Describe(keptSplit.Medians(factors)));
    }

    /// <summary>The headline's rows summed by class (two ranges read each class once a range).</summary>
    private static List<string> Headline(IEnumerable<MixRow> rows) =>
        [
            .. rows.GroupBy(r => $"{r.AwardDate:yyyy-MM-dd}|{r.Currency}|{r.Level}|{r.Purpose}|{r.Flexible}")
                .Select(g => $"{g.Key}|{g.Sum(r => r.Grants)}|{g.Sum(r => r.Amount)}")
                .Order(StringComparer.Ordinal),
        ];

    private static async Task<(MixGrantScan Scan, List<string> Rows)> ScanAsync(
        Db db,
        long funderId,
        MixQuery q,
        bool twoRanges,
        bool keepGrants = true
    )
    {
        await using var connection = await db.OpenAsync();
        var scan = new MixGrantScan(db, funderId, q, keepGrants, twoRanges);
        return (scan, Describe(await scan.ReadAsync(connection, default)));
    }

    private static List<string> Describe(IEnumerable<MixRow> rows) =>
        [
            .. rows.Select(r =>
                    $"{r.AwardDate:yyyy-MM-dd}|{r.Currency}|{r.Level}|{r.Purpose}|{r.Flexible}|{r.Region}|{r.Country}|"
                    + $"{r.Programme}|{r.CellsOnly}|{r.Grants}|{r.Amount}"
                )
                .Order(StringComparer.Ordinal),
        ];

    private static List<string> Describe(IReadOnlyList<MedianRow> rows) =>
        [
            .. rows.Select(m =>
                    $"{m.Level}|{m.Purpose}|{m.Flexible}|{m.Year}|{m.Region}|{m.Country}|{m.Programme}|{m.X}"
                )
                .Order(StringComparer.Ordinal),
        ];

    /// <summary>A factor for every currency and day of the period, different by day (EUR at 1).</summary>
    private static Dictionary<(string, DateOnly), decimal> Factors()
    {
        var factors = new Dictionary<(string, DateOnly), decimal>();
        for (var (day, i) = (Period.From, 0); day <= Period.To; (day, i) = (day.AddDays(1), i + 1))
        {
            factors[("EUR", day)] = 1m;
            factors[("USD", day)] = 0.9m + (i % 7) / 100m;
            factors[("GBP", day)] = 1.1m + (i % 5) / 100m;
        }

        return factors;
    }

    /// <summary>
    /// Grants from 2024-03-01 to 2024-03-05 in EUR, USD and GBP ("mixed"; all in EUR when "one", USD and GBP only on
    /// and after the split day when "later"), the recipient country spelled several ways, three programmes (one only on
    /// and after the split day) and none, corrected before, on and after the split day.
    /// </summary>
    private async Task<Tenant> SeedAsync(string currencies = "mixed")
    {
        var tenant = await app.CreateTenantAsync();
        (string Id, string Currency, string Day, string? Country, string? Programme)[] grants =
        [
            ("R-1", "EUR", "2024-03-01", "HN", "Protection"),
            ("R-2", "USD", "2024-03-01", "hn", "Shelter"),
            ("R-3", "GBP", "2024-03-02", "KE", null),
            ("R-4", "EUR", "2024-03-02", "Honduras", "Protection"),
            ("R-5", "EUR", "2024-03-03", "HN", "Protection"),
            ("R-6", "USD", "2024-03-03", "GT", "Shelter"),
            ("R-7", "EUR", "2024-03-03", "Atlantis", "Relief"),
            ("R-8", "GBP", "2024-03-04", "kenya", "Shelter"),
            ("R-9", "EUR", "2024-03-05", null, "Protection"),
            ("R-10", "USD", "2024-03-05", "HN", "Shelter"),
            ("R-11", "EUR", "2024-03-01", "KE", "Shelter"),
            ("R-12", "EUR", "2024-03-04", "HN", "Protection"),
            ("R-13", "GBP", "2024-03-01", "GT", "Shelter"),
        ];
        grants =
        [
            .. grants.Select(g =>
                currencies == "one" || (currencies == "later" && string.CompareOrdinal(g.Day, "2024-03-03") < 0)
                    ? g with
                    {
                        Currency = "EUR",
                    }
                    : g
            ),
        ];
        await MixSeed.PostPlacedAsync(app, tenant, grants, i => 100m + (i * 37 % 13) * 2.5m);
        await MixSeed.CorrectAsync(tenant, "R-2", new JsonObject { ["purpose"] = "collective" });
        await MixSeed.CorrectAsync(tenant, "R-5", new JsonObject { ["level"] = "regional", ["flexible"] = true });
        await MixSeed.CorrectAsync(tenant, "R-8", new JsonObject { ["level"] = "global", ["flexible"] = false });
        await MixSeed.CorrectAsync(tenant, "R-10", new JsonObject { ["purpose"] = "collective" });
        return tenant;
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteMixGrantScanRangesTests(SqliteApp app) : MixGrantScanRangesTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresMixGrantScanRangesTests(PostgresApp app) : MixGrantScanRangesTests<PostgresApp>(app);

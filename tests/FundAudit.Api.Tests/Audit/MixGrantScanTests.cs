using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>Each grouping and place or programme filter the scan answers: groupBy, region, country, programme.</summary>
public static class MixGrantScanQueries
{
    public static TheoryData<string, string?, string?, string?> All =>
        new()
        {
            { "region", null, null, null },
            { "country", null, null, null },
            { "programme", null, null, null },
            { "level,country", null, null, null },
            { "region,purpose", null, null, null },
            { "country,programme,flexible", null, null, null },
            { "region,country,programme", null, null, null },
            { "year,country", null, null, null },
            { "level,purpose", "Latin America and the Caribbean", null, null },
            { "level,purpose", null, "HN", null },
            { "level,purpose", null, null, "Shelter" },
            { "flexible", "Africa", null, "Shelter" },
            { "country", "Latin America and the Caribbean", null, null },
            { "region,programme", null, "KE", null },
            // One text kept, so no two texts fall under one place: the groups become rows without the merge.
            { "level,country", null, "GT", null },
            { "region", null, "GT", null },
        };

    /// <summary>
    /// Each of <see cref="All"/> over grants in several currencies in both award-date ranges ("mixed"), in one ("one"),
    /// or in several only in the later range ("later"): see <c>MixGrantScanRangesTests</c>.
    /// </summary>
    public static TheoryData<string, string?, string?, string?, string> InCurrencies
    {
        get
        {
            var data = new TheoryData<string, string?, string?, string?, string>();
            foreach (var currencies in new[] { "mixed", "one", "later" })
            {
                foreach (var row in All)
                {
                    data.Add((string)row[0], (string?)row[1], (string?)row[2], (string?)row[3], currencies);
                }
            }

            return data;
        }
    }
}

/// <summary>
/// The sums of a mix grouped or filtered by region, country or programme, read by one narrow scan of the grants and
/// summed in the service (<see cref="MixGrantScan"/>), equal a from-scratch GROUP BY over the grants with their
/// corrections and country_regions, projected onto the query's grouping and filter: for every such grouping and
/// filter, over grants whose recipient country is spelled several ways (code, lower case, name), unknown or missing,
/// in two programmes, two currencies and two days, with corrections of level, purpose and flexibility. The medians
/// computed from the grants the scan kept equal those of the grants' own read.
/// </summary>
public abstract class MixGrantScanTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private sealed record Detail
    {
        public DateOnly AwardDate { get; init; }

        public string Currency { get; init; } = "";

        public string? Level { get; init; }

        public string? Purpose { get; init; }

        public long Flexible { get; init; }

        public string? Region { get; init; }

        public string? Alpha2 { get; init; }

        public string? Country { get; init; }

        public string? Programme { get; init; }

        public long Grants { get; init; }

        public long Amount { get; init; }
    }

    [Theory]
    [MemberData(nameof(MixGrantScanQueries.All), MemberType = typeof(MixGrantScanQueries))]
    public async Task The_scanned_sums_equal_a_group_by_over_the_grants(
        string groupBy,
        string? region,
        string? country,
        string? programme
    )
    {
        var tenant = await SeedAsync();
        var q = new MixQuery(
            new AuditPeriod(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            "EUR",
            groupBy.Split(','),
            programme,
            region,
            country,
            null,
            1
        );
        Assert.True(MixGrantScan.Serves(q) && !MixFilter.ReadsDayTotals(q));
        var scanned = (await app.Services.GetRequiredService<MixStore>().SumsAsync(tenant.FunderId, q, default))
            .Select(r =>
                (
                    Key(r.AwardDate, r.Currency, r.Level, r.Purpose, r.Flexible, r.Region, r.Country, r.Programme),
                    r.Grants,
                    r.Amount
                )
            )
            .OrderBy(r => r.Item1, StringComparer.Ordinal)
            .ToList();
        var expected = Expected(q, await FromScratchAsync(tenant.FunderId));
        Assert.True(
            expected.SequenceEqual(scanned),
            $"groupBy={groupBy} region={region} country={country} programme={programme}: scanned\n"
                + $"{string.Join("\n", scanned)}\ndiffers from the GROUP BY\n{string.Join("\n", expected)}"
        );
        Assert.NotEmpty(scanned);

        // The medians from the grants the scan kept equal the medians of the grants' own read (MixMedians).
        var store = app.Services.GetRequiredService<MixStore>();
        var (d1, d2) = (new DateOnly(2024, 5, 1), new DateOnly(2024, 5, 2));
        var factors = new Dictionary<(string, DateOnly), decimal>
        {
            [("USD", d1)] = 0.913m,
            [("USD", d2)] = 0.7771m,
            [("GBP", d1)] = 1.17m,
            [("GBP", d2)] = 1.2m,
        };
        var (_, scan) = await store.SumsAsync(tenant.FunderId, q, medians: true, default);
        Assert.NotNull(scan);
        Assert.Equal(
            Describe((await store.ReadMediansAsync(tenant.FunderId, q, default)).Rows(factors)),
            Describe(scan.Medians(factors))
        );
    }

    private static List<string> Describe(IReadOnlyList<MedianRow> rows) =>
        [
            .. rows.Select(m =>
                    $"{m.Level}|{m.Purpose}|{m.Flexible}|{m.Year}|{m.Region}|{m.Country}|{m.Programme}|{m.X}"
                )
                .Order(StringComparer.Ordinal),
        ];

    /// <summary>The from-scratch groups projected onto <paramref name="q"/>: filtered, then summed by its key.</summary>
    private static List<(string, long, long)> Expected(MixQuery q, List<Detail> details) =>
        details
            .Where(d => q.Programme is null || d.Programme == q.Programme)
            .Where(d => q.Region is null || d.Region == q.Region)
            .Where(d => q.Country is null || d.Alpha2 == q.Country)
            .GroupBy(d =>
                Key(
                    d.AwardDate,
                    d.Currency,
                    d.Level ?? "unclassified",
                    d.Purpose ?? "unclassified",
                    d.Flexible switch
                    {
                        1 => true,
                        0 => false,
                        _ => null,
                    },
                    q.GroupBy.Contains("region") ? d.Region : null,
                    q.GroupBy.Contains("country") ? d.Country : null,
                    q.GroupBy.Contains("programme") ? d.Programme : null
                )
            )
            .Select(g => (g.Key, g.Sum(d => d.Grants), g.Sum(d => d.Amount)))
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ToList();

    private static string Key(
        DateOnly day,
        string currency,
        string level,
        string purpose,
        bool? flexible,
        string? region,
        string? country,
        string? programme
    ) => $"{day:yyyy-MM-dd}|{currency}|{level}|{purpose}|{flexible}|{region}|{country}|{programme}";

    private async Task<List<Detail>> FromScratchAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        const string Flexible = "COALESCE(c.flexible, g.flexible)";
        var flexible = $"CASE WHEN {Flexible} IS NULL THEN -1 WHEN {Flexible} THEN 1 ELSE 0 END";
        return (
            await connection.QueryAsync<Detail>(
                $"""
                SELECT g.award_date AS AwardDate, g.currency AS Currency, COALESCE(c.level, g.level) AS Level,
                       COALESCE(c.purpose, g.purpose) AS Purpose, {flexible} AS Flexible, r.region AS Region,
                       r.alpha2 AS Alpha2, COALESCE(r.alpha2, g.recipient_country) AS Country,
                       g.programme_title AS Programme, COUNT(*) AS Grants, SUM(g.amount_awarded) AS Amount
                FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
                LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)
                WHERE g.funder_id = @FunderId
                GROUP BY g.award_date, g.currency, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
                         {flexible}, r.region, r.alpha2, COALESCE(r.alpha2, g.recipient_country), g.programme_title
                """,
                new { FunderId = funderId }
            )
        ).ToList();
    }

    /// <summary>
    /// A funder's grants with the recipient country as stored spelled many ways, two programmes (one missing), two
    /// currencies and days, and corrections that change level, purpose and flexibility.
    /// </summary>
    private async Task<Tenant> SeedAsync()
    {
        var tenant = await app.CreateTenantAsync();
        (string Id, string Currency, string Day, string? Country, string? Programme, bool Core)[] grants =
        [
            ("S-1", "USD", "2024-05-01", "HN", "Protection", false),
            ("S-2", "USD", "2024-05-01", "hn", "Protection", false),
            ("S-3", "USD", "2024-05-01", "Honduras", "Shelter", true),
            ("S-4", "GBP", "2024-05-01", "KE", "Shelter", false),
            ("S-5", "GBP", "2024-05-01", "kenya", null, true),
            ("S-6", "USD", "2024-05-02", "Atlantis", "Protection", false),
            ("S-7", "USD", "2024-05-02", null, "Protection", false),
            ("S-8", "USD", "2024-05-02", "GT", "Shelter", false),
            ("S-9", "USD", "2024-05-02", "HN", "Shelter", true),
        ];
        var package = Giving.Package([
            .. grants.Select(
                (g, i) =>
                {
                    var grant = AuditGrants.Prevention(g.Id, 100m + i, g.Currency, g.Day, g.Core);
                    if (i % 3 == 2)
                    {
                        grant = AuditGrants.Zebra(g.Id, 100m + i, g.Currency, g.Day);
                    }

                    return grant;
                }
            ),
        ]);
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        await MixSeed.PlaceAsync(app, tenant, grants.Select(g => (g.Id, g.Country, g.Programme)));

        await MixSeed.CorrectAsync(tenant, "S-2", new JsonObject { ["purpose"] = "collective" });
        await MixSeed.CorrectAsync(tenant, "S-6", new JsonObject { ["level"] = "regional", ["flexible"] = true });
        await MixSeed.CorrectAsync(tenant, "S-9", new JsonObject { ["level"] = "global", ["flexible"] = false });
        return tenant;
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteMixGrantScanTests(SqliteApp app) : MixGrantScanTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresMixGrantScanTests(PostgresApp app) : MixGrantScanTests<PostgresApp>(app);

/// <summary>The statement resolving recipient countries (sent only when grants are read, so not by the recording
/// SQL Server) parses with SQL Server's own parser, for one country and for a full statement.</summary>
public sealed class MixGrantScanSqlServerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(CountryPlaces.CountriesPerStatement)]
    public void The_country_resolving_statement_parses_for_SQL_Server(int count)
    {
        var sql = CountryPlaces.ResolveSql(count);
        SqlServer.TSql.AssertParses("CountryPlaces.ResolveSql", sql);
    }
}

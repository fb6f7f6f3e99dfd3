using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// A mix grouped by programme, country or region over grants partly in the report's currency (EUR) and partly in
/// others (USD, GBP) on several days with their own rates: its cells and total over HTTP equal a from-scratch
/// computation (the grants grouped by day, currency, level, purpose, flexible and the report's dimensions, each group
/// converted with its day's rate and rounded once, summed by cell), while the report-currency grants reach the
/// service already summed by the report's groups (<see cref="MixReportCurrency"/>), not by day.
/// </summary>
public abstract class MixReportCurrencyTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static readonly Dictionary<string, decimal> UsdGbpBase = new() { ["USD"] = 1.25m, ["GBP"] = 0.85m };

    private sealed record Group
    {
        public DateOnly AwardDate { get; init; }

        public string Currency { get; init; } = "";

        public string Cell { get; init; } = "";

        public long Grants { get; init; }

        public long Amount { get; init; }
    }

    /// <summary>With and without corrections (the report-currency statement joins them only when the period has
    /// any); E-7 shares E-1's place and classes but its level, so a statement that lost the level would merge them.
    /// </summary>
    [Theory]
    [InlineData("programme", true)]
    [InlineData("country", true)]
    [InlineData("level,country", true)]
    [InlineData("region,purpose", true)]
    [InlineData("country,programme,flexible", true)]
    [InlineData("country", false)]
    [InlineData("level,country", false)]
    [InlineData("region,purpose", false)]
    [InlineData("region,flexible", false)]
    public async Task The_mix_equals_a_from_scratch_conversion_by_day(string groupBy, bool corrected)
    {
        var tenant = await SeedAsync(corrected);
        var mix = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/mix?from=2024-01-01&to=2024-12-31&currency=EUR&groupBy={groupBy}")
        );
        var dims = groupBy.Split(',');
        var actual = mix.GetProperty("cells")
            .EnumerateArray()
            .Select(c =>
                (
                    string.Join('/', dims.Select(d => c.GetProperty("key").GetProperty(d).GetString())),
                    c.GetProperty("amountMinor").GetInt64(),
                    c.GetProperty("grants").GetInt64()
                )
            )
            .OrderBy(c => c.Item1, StringComparer.Ordinal)
            .ToList();
        var expected = await FromScratchAsync(tenant.FunderId, dims);
        Assert.True(
            expected.SequenceEqual(actual),
            $"groupBy={groupBy}: cells\n{string.Join("\n", actual)}\ndiffer from scratch\n{string.Join("\n", expected)}"
        );
        Assert.Equal(expected.Sum(c => c.Amount), mix.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        Assert.Equal(13, mix.GetProperty("totals").GetProperty("grants").GetInt64());

        // The EUR grants (three days; E-1 and E-5 in the same group on two days) come summed by the report's
        // groups: one row per group, whatever the day.
        var q = new MixQuery(
            new AuditPeriod(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            "EUR",
            dims,
            null,
            null,
            null,
            null,
            1
        );
        var store = app.Services.GetRequiredService<MixStore>();
        AssertOneRowPerGroup((await store.SumsAsync(tenant.FunderId, q, default)).Where(r => r.Currency == "EUR"));

        // So do they for a report with medians (on SQLite the service's own scan of every grant, which files them
        // under the period's first day; MixMedianTests checks those medians against sorted grants).
        var (rows, _) = await store.SumsAsync(tenant.FunderId, q, medians: true, default);
        AssertOneRowPerGroup(rows.Where(r => r.Currency == "EUR"));
    }

    private static void AssertOneRowPerGroup(IEnumerable<MixRow> rows)
    {
        var eur = rows.ToList();
        Assert.Equal(7, eur.Sum(r => r.Grants));
        Assert.Equal(
            eur.Count,
            eur.Select(r => (r.Level, r.Purpose, r.Flexible, r.Region, r.Country, r.Programme)).Distinct().Count()
        );
    }

    /// <summary>
    /// The cells computed from scratch: the grants with their corrections and country_regions grouped by day,
    /// currency, level, purpose, flexible and the report's place and programme dimensions (the rounding groups of
    /// <c>CurrencyConversion</c>); each group converted to EUR cents with its
    /// day's rate and rounded once (half to even); then summed by the report's cell.
    /// </summary>
    private async Task<List<(string Key, long Amount, long Grants)>> FromScratchAsync(long funderId, string[] dims)
    {
        const string Flexible = "COALESCE(c.flexible, g.flexible)";
        var columns = new Dictionary<string, string>
        {
            ["level"] = "COALESCE(COALESCE(c.level, g.level), 'unclassified')",
            ["purpose"] = "COALESCE(COALESCE(c.purpose, g.purpose), 'unclassified')",
            ["flexible"] =
                $"CASE WHEN {Flexible} IS NULL THEN 'unclassified' WHEN {Flexible} THEN 'true' ELSE 'false' END",
            ["region"] = "COALESCE(r.region, 'unknown')",
            ["country"] = "COALESCE(r.alpha2, g.recipient_country, 'unknown')",
            ["programme"] = "COALESCE(g.programme_title, 'none')",
        };
        var key = string.Join(" || '/' || ", dims.Select(d => columns[d]));
        var group = string.Join(
            ", ",
            columns.Where(c => c.Key is "level" or "purpose" or "flexible" || dims.Contains(c.Key)).Select(c => c.Value)
        );
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var groups = await connection.QueryAsync<Group>(
            $"""
            SELECT g.award_date AS AwardDate, g.currency AS Currency, {key} AS Cell,
                   COUNT(*) AS Grants, SUM(g.amount_awarded) AS Amount
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
            LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)
            WHERE g.funder_id = @FunderId
            GROUP BY g.award_date, g.currency, {group}
            """,
            new { FunderId = funderId }
        );
        return
        [
            .. groups
                .GroupBy(g => g.Cell)
                .Select(cell =>
                    (
                        cell.Key,
                        cell.Sum(g =>
                            g.Currency == "EUR"
                                ? g.Amount
                                : CurrencyConversion.Convert(g.Amount, g.Currency, RateOf(g), "EUR", 1m)
                        ),
                        cell.Sum(g => g.Grants)
                    )
                )
                .OrderBy(c => c.Key, StringComparer.Ordinal),
        ];
    }

    /// <summary>The rate of the group's currency on its day: a different one each day.</summary>
    private static decimal RateOf(Group g) => UsdGbpBase[g.Currency] + (g.AwardDate.Day * 0.0137m);

    /// <summary>
    /// Thirteen grants: seven in EUR and six in USD or GBP over three days, in countries spelled several ways (or
    /// unknown, or missing) and two programmes (one missing), two of them (E-1, E-5) alike but on different days,
    /// with corrections of one EUR and one USD grant when <paramref name="corrected"/>; and the rates of USD and GBP
    /// for each of the three days.
    /// </summary>
    private async Task<Tenant> SeedAsync(bool corrected)
    {
        var tenant = await app.CreateTenantAsync();
        (string Id, string Currency, string Day, string? Country, string? Programme)[] grants =
        [
            ("E-1", "EUR", "2024-05-01", "HN", "Protection"),
            ("E-2", "EUR", "2024-05-02", "hn", "Protection"),
            ("E-3", "EUR", "2024-05-03", "Honduras", "Shelter"),
            ("E-4", "EUR", "2024-05-02", "Atlantis", null),
            ("E-5", "EUR", "2024-05-03", "HN", "Protection"),
            ("E-6", "EUR", "2024-05-01", null, "Protection"),
            ("U-1", "USD", "2024-05-01", "HN", "Protection"),
            ("U-2", "USD", "2024-05-02", "kenya", "Protection"),
            ("U-3", "USD", "2024-05-03", "GT", "Shelter"),
            ("U-4", "USD", "2024-05-01", "HN", "Protection"),
            ("P-1", "GBP", "2024-05-02", "KE", null),
            ("P-2", "GBP", "2024-05-03", "Honduras", "Shelter"),
            ("E-7", "EUR", "2024-05-03", "HN", "Protection"), // E-1's place and classes, national (below)
        ];
        var package = Giving.Package([
            .. grants.Select(
                (g, i) =>
                    i % 3 == 2
                        ? AuditGrants.Zebra(g.Id, 1000.07m + (i * 37.13m), g.Currency, g.Day)
                        : AuditGrants.Prevention(g.Id, 1000.07m + (i * 37.13m), g.Currency, g.Day, core: i % 2 == 0)
            ),
        ]);
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        await MixSeed.PlaceAsync(app, tenant, grants.Select(g => (g.Id, g.Country, g.Programme)));
        await using (var connection = await app.Services.GetRequiredService<Db>().OpenAsync())
        {
            // A second level among grants of one country, purpose and flexibility (re-classification's UPDATE: the
            // triggers keep the daily totals).
            await connection.ExecuteAsync(
                "UPDATE grants SET level = 'national' WHERE funder_id = @FunderId AND identifier = 'E-7'",
                new { tenant.FunderId }
            );
        }

        var csv = new StringBuilder("date,currency,rate_to_base,base\n");
        foreach (var day in new[] { 1, 2, 3 })
        {
            foreach (var currency in UsdGbpBase.Keys)
            {
                var rate = RateOf(new Group { Currency = currency, AwardDate = new DateOnly(2024, 5, day) });
                csv.Append(CultureInfo.InvariantCulture, $"2024-05-0{day},{currency},{rate},EUR\n");
            }
        }

        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/audit/rates", PortfolioWrites.Csv(csv.ToString()))
        );
        if (corrected)
        {
            await MixSeed.CorrectAsync(tenant, "E-2", new JsonObject { ["level"] = "regional", ["flexible"] = true });
            await MixSeed.CorrectAsync(
                tenant,
                "U-1",
                new JsonObject { ["purpose"] = "collective", ["flexible"] = false }
            );
        }

        return tenant;
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteMixReportCurrencyTests(SqliteApp app) : MixReportCurrencyTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresMixReportCurrencyTests(PostgresApp app) : MixReportCurrencyTests<PostgresApp>(app);

/// <summary>The report-currency statement, in every variant, parses with SQL Server's own parser.</summary>
public sealed class MixReportCurrencySqlServerTests
{
    [Theory]
    [InlineData("programme", false)]
    [InlineData("region,country,programme", true)]
    [InlineData("level", true)]
    public void The_report_currency_statement_parses_for_SQL_Server(string groupBy, bool corrections)
    {
        var q = new MixQuery(
            new AuditPeriod(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            "EUR",
            groupBy.Split(','),
            null,
            "Africa",
            null,
            null,
            1
        );
        var (sql, _) = MixReportCurrency.Sql("g.funder_id = @FunderId", q, corrections);
        SqlServer.TSql.AssertParses("MixReportCurrency.Sql", sql);
    }
}

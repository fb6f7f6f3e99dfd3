using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The medians of a funder whose grants are all in the report's currency (EUR), which PostgreSQL sends as one array
/// of amounts per group of the statement summing them for the place and programme groupings and the filters
/// (<see cref="MixReportCurrency"/>, <see cref="MixGrantScan"/>) and the service reads grant by grant for the
/// others and on SQLite: over HTTP, for every grouping and filter, each cell's <c>medianMinor</c> equals a
/// from-scratch median of the cell's grants (sorted; the mean of the two middle ones when the count is even, rounded
/// to a cent half to even), with ties, odd and even cells, a mean on half a cent, corrections, countries spelled
/// several ways (groups of several texts merged into one cell), one resolving to no region and a grant without
/// programme. Then one grant in USD, read by the scan and converted, lands in its cell beside the arrays.
/// </summary>
public abstract class MixOneCurrencyMedianTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "from=2024-01-01&to=2025-12-31&currency=EUR&includeMedian=true";

    private sealed record Grant
    {
        public string? Level { get; init; }

        public string? Purpose { get; init; }

        public string Flexible { get; init; } = "";

        public string? Region { get; init; }

        public string? Country { get; init; }

        public string? Programme { get; init; }

        public DateOnly AwardDate { get; init; }

        public long Amount { get; init; }
    }

    [Theory]
    [InlineData("level", "")]
    [InlineData("purpose", "")]
    [InlineData("level,purpose", "")]
    [InlineData("flexible", "")]
    [InlineData("year", "")]
    [InlineData("programme", "")]
    [InlineData("country", "")]
    [InlineData("region,purpose", "")]
    [InlineData("level,country", "")]
    [InlineData("level,purpose", "&region=Latin%20America%20and%20the%20Caribbean")]
    [InlineData("level", "&country=HN")]
    [InlineData("purpose", "&programme=Protection")]
    public async Task Each_cells_median_equals_a_from_scratch_median(string groupBy, string filter)
    {
        var tenant = await SeedAsync();
        var expected = await FromScratchAsync(tenant.FunderId, groupBy.Split(','), filter);
        Assert.Equal(expected, await CellMediansAsync(tenant, groupBy, filter));
    }

    [Fact]
    public async Task The_seed_has_cells_with_ties_even_counts_and_a_mean_on_half_a_cent()
    {
        var tenant = await SeedAsync();
        var grants = await GrantsAsync(tenant.FunderId);
        var byProgramme = grants.GroupBy(g => g.Programme).ToDictionary(g => g.Key ?? "none", g => g.ToList());
        Assert.Equal(4, byProgramme["Protection"].Count); // even, with a tie in the middle
        Assert.Equal(2, byProgramme["Protection"].Count(g => g.Amount == 10000));
        var shelter = byProgramme["Shelter"].Select(g => g.Amount).Order().ToList();
        Assert.Equal(2, shelter.Count);
        Assert.Equal(1, (shelter[0] + shelter[1]) % 2); // a mean on half a cent
        Assert.Equal(3, byProgramme["none"].Count); // odd
    }

    [Theory]
    [InlineData("programme", "")]
    [InlineData("level,country", "")]
    [InlineData("level", "&country=HN")]
    public async Task A_grant_in_another_currency_lands_in_its_cell_converted(string groupBy, string filter)
    {
        var tenant = await SeedAsync();
        await MixSeed.PostUsdGrantAsync(tenant);
        await MixSeed.PlaceAsync(app, tenant, [("U-1", "HN", "Protection")]);

        // The USD grant (125.00 at 1.25 = 100.00 EUR) converted by the service, among the EUR grants' arrays.
        var expected = await FromScratchAsync(tenant.FunderId, groupBy.Split(','), filter, g => g.Amount == 12500);
        Assert.Equal(expected, await CellMediansAsync(tenant, groupBy, filter));
    }

    /// <summary>The report's cells' <c>medianMinor</c> over HTTP, keyed by their grouped values.</summary>
    private static async Task<Dictionary<string, long>> CellMediansAsync(Tenant tenant, string groupBy, string filter)
    {
        var mix = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/mix?{Period}&groupBy={groupBy}{filter}")
        );
        return mix.GetProperty("cells")
            .EnumerateArray()
            .ToDictionary(
                c => string.Join('/', groupBy.Split(',').Select(d => c.GetProperty("key").GetProperty(d).GetString())),
                c => c.GetProperty("medianMinor").GetInt64()
            );
    }

    private static long MedianOf(IReadOnlyList<decimal> sorted) =>
        (long)Math.Round((sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2m, MidpointRounding.ToEven);

    /// <summary>The cells' medians from scratch: the grants (corrections winning) filtered and keyed as the API keys
    /// its cells, each cell's amounts sorted.</summary>
    private async Task<Dictionary<string, long>> FromScratchAsync(
        long funderId,
        string[] dims,
        string filter,
        Func<Grant, bool>? inUsd = null
    )
    {
        var grants = (await GrantsAsync(funderId)).Where(g =>
            filter switch
            {
                "&region=Latin%20America%20and%20the%20Caribbean" => g.Region == "Latin America and the Caribbean",
                "&country=HN" => g.Country == "HN",
                "&programme=Protection" => g.Programme == "Protection",
                _ => true,
            }
        );
        string Key(Grant g, string dim) =>
            dim switch
            {
                "level" => g.Level ?? "unclassified",
                "purpose" => g.Purpose ?? "unclassified",
                "flexible" => g.Flexible,
                "year" => g.AwardDate.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "region" => g.Region ?? "unknown",
                "country" => g.Country ?? "unknown",
                _ => g.Programme ?? "none",
            };
        return grants
            .GroupBy(g => string.Join('/', dims.Select(d => Key(g, d))))
            .ToDictionary(
                c => c.Key,
                c => MedianOf([.. c.Select(g => inUsd?.Invoke(g) == true ? g.Amount / 1.25m : g.Amount).Order()])
            );
    }

    private async Task<List<Grant>> GrantsAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return
        [
            .. await connection.QueryAsync<Grant>(
                """
                SELECT COALESCE(c.level, g.level) AS Level, COALESCE(c.purpose, g.purpose) AS Purpose,
                       CASE WHEN COALESCE(c.flexible, g.flexible) IS NULL THEN 'unclassified'
                            WHEN COALESCE(c.flexible, g.flexible) THEN 'true' ELSE 'false' END AS Flexible,
                       r.region AS Region,
                       COALESCE(r.alpha2, g.recipient_country) AS Country, g.programme_title AS Programme,
                       g.award_date AS AwardDate, g.amount_awarded AS Amount
                FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
                LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)
                WHERE g.funder_id = @FunderId
                """,
                new { FunderId = funderId }
            ),
        ];
    }

    /// <summary>
    /// Nine grants in EUR over two years: Protection (four, two of them 100.00 in the middle), Shelter (two, whose
    /// mean is 150.005) and three without programme; countries spelled several ways (or unknown, or missing); two
    /// corrections.
    /// </summary>
    private async Task<Tenant> SeedAsync()
    {
        var tenant = await app.CreateTenantAsync();
        (string Id, decimal Amount, string Day, string? Country, string? Programme)[] grants =
        [
            ("E-1", 100.00m, "2024-05-01", "HN", "Protection"),
            ("E-2", 100.00m, "2024-05-02", "hn", "Protection"),
            ("E-3", 250.01m, "2025-05-03", "Honduras", "Protection"),
            ("E-4", 99.99m, "2024-05-02", "KE", "Protection"),
            ("E-5", 100.00m, "2025-05-03", "Atlantis", "Shelter"),
            ("E-6", 200.01m, "2024-05-01", null, "Shelter"),
            ("E-7", 75.50m, "2025-06-01", "kenya", null),
            ("E-8", 75.50m, "2025-06-02", "GT", null),
            ("E-9", 3000.00m, "2024-07-01", "HN", null),
        ];
        var package = Giving.Package([
            .. grants.Select(
                (g, i) =>
                    i % 3 == 2
                        ? AuditGrants.Zebra(g.Id, g.Amount, "EUR", g.Day)
                        : AuditGrants.Prevention(g.Id, g.Amount, "EUR", g.Day, core: i % 2 == 0)
            ),
        ]);
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(package));
        await MixSeed.PlaceAsync(app, tenant, grants.Select(g => (g.Id, g.Country, g.Programme)));
        await MixSeed.CorrectAsync(tenant, "E-2", new JsonObject { ["level"] = "regional", ["flexible"] = true });
        await MixSeed.CorrectAsync(tenant, "E-7", new JsonObject { ["purpose"] = "collective" });
        return tenant;
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteMixOneCurrencyMedianTests(SqliteApp app) : MixOneCurrencyMedianTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresMixOneCurrencyMedianTests(PostgresApp app) : MixOneCurrencyMedianTests<PostgresApp>(app);

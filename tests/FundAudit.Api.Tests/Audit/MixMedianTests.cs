using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The exact medians of <c>GET /api/audit/mix?includeMedian=true</c> (read once from the grants and selected in
/// memory by <see cref="MixMedians"/>): each cell's median, grouped by programme, country, region, year and
/// flexible, equals the one worked out here from the grants by sorting (odd and even cells, a converted
/// currency whose values are not whole cents, a mean of two middle values that lands on half a cent).
/// </summary>
public abstract class MixMedianTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "from=2024-01-01&to=2025-12-31&currency=EUR&includeMedian=true";

    /// <summary>id, amount, currency, date, programme, country; USD converts at 1.25 per EUR (rate of 2025-03-03).</summary>
    private static readonly (
        string Id,
        decimal Amount,
        string Currency,
        string Date,
        string Programme,
        string Country
    )[] Portfolio =
    [
        ("M1", 100.00m, "EUR", "2024-05-01", "Protection", "HN"),
        ("M2", 300.00m, "EUR", "2025-01-10", "Protection", "HN"),
        ("M3", 200.00m, "EUR", "2025-02-10", "Protection", "KE"),
        ("M4", 100.01m, "USD", "2025-03-04", "Protection", "KE"),
        ("M5", 700.00m, "EUR", "2025-04-01", "Second", "HN"),
        ("M6", 50.00m, "EUR", "2025-05-01", "Second", "KE"),
        ("M7", 100.01m, "EUR", "2025-06-01", "Second", "HN"),
        ("M8", 125.00m, "USD", "2025-03-05", "Second", "HN"),
        ("M9", 100.00m, "EUR", "2025-08-01", "Second", "KE"),
    ];

    /// <summary>The grant's amount in EUR cents, unrounded, as the median ranks it.</summary>
    private static decimal Cents((string, decimal Amount, string Currency, string, string, string) g) =>
        g.Currency == "USD" ? g.Amount * 100m / 1.25m : g.Amount * 100m;

    private static long MedianOf(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToList();
        var n = sorted.Count;
        return (long)Math.Round((sorted[(n - 1) / 2] + sorted[n / 2]) / 2m, MidpointRounding.ToEven);
    }

    private async Task<Tenant> PortfolioAsync()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync(
                "/api/audit/rates",
                new StringContent(
                    "date,currency,rate_to_base,base\n2025-03-03,USD,1.25,EUR\n",
                    Encoding.UTF8,
                    "text/csv"
                )
            )
        );
        var grants = Portfolio.Select(p =>
        {
            var g = AuditGrants.Prevention(p.Id, p.Amount, p.Currency, p.Date);
            g["grantProgramme"] = new JsonArray(new JsonObject { ["title"] = p.Programme });
            g["recipientOrganization"]![0]!["addressCountry"] = p.Country;
            g["beneficiaryLocation"]![0]!["countryCode"] = p.Country;
            return g;
        });
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package([.. grants])));
        return tenant;
    }

    private static async Task<Dictionary<string, long>> MediansAsync(Tenant tenant, string groupBy)
    {
        var mix = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/mix?{Period}&groupBy={groupBy}")
        );
        return mix.GetProperty("cells")
            .EnumerateArray()
            .ToDictionary(
                c => string.Join('/', groupBy.Split(',').Select(d => c.GetProperty("key").GetProperty(d).GetString())),
                c => c.GetProperty("medianMinor").GetInt64()
            );
    }

    [Fact]
    public async Task Each_cells_median_equals_the_middle_of_its_sorted_grants_for_every_grouping()
    {
        var tenant = await PortfolioAsync();

        var byProgramme = Portfolio.GroupBy(p => p.Programme).ToDictionary(g => g.Key, g => MedianOf(g.Select(Cents)));
        Assert.Equal(new Dictionary<string, long> { ["Protection"] = 15000, ["Second"] = 10000 }, byProgramme);
        Assert.Equal(byProgramme, await MediansAsync(tenant, "programme"));

        var byCountry = Portfolio.GroupBy(p => p.Country).ToDictionary(g => g.Key, g => MedianOf(g.Select(Cents)));
        Assert.Equal(new Dictionary<string, long> { ["HN"] = 10001, ["KE"] = 9000 }, byCountry); // KE: 8000.8 and 10000
        Assert.Equal(byCountry, await MediansAsync(tenant, "country"));
        Assert.Equal(byCountry.Values.Order().ToList(), (await MediansAsync(tenant, "region")).Values.Order().ToList());

        var byYear = Portfolio.GroupBy(p => p.Date[..4]).ToDictionary(g => g.Key, g => MedianOf(g.Select(Cents)));
        Assert.Equal(new Dictionary<string, long> { ["2024"] = 10000, ["2025"] = 10000 }, byYear); // 10000.5, to even
        Assert.Equal(byYear, await MediansAsync(tenant, "year"));

        var byBoth = Portfolio
            .GroupBy(p => p.Programme + "/" + p.Country)
            .ToDictionary(g => g.Key, g => MedianOf(g.Select(Cents)));
        Assert.Equal(7500, byBoth["Second/KE"]);
        Assert.Equal(byBoth, await MediansAsync(tenant, "programme,country"));

        var all = MedianOf(Portfolio.Select(Cents));
        Assert.Equal(10000, all);
        Assert.Equal(all, Assert.Single(await MediansAsync(tenant, "flexible")).Value); // every grant alike
    }

    [Fact]
    public void Selection_puts_the_kth_value_where_a_sort_would()
    {
        var random = new Random(18);
        foreach (var n in new[] { 1, 2, 3, 10, 101, 1000, 5000 })
        {
            foreach (var spread in new[] { 1, 3, 1_000_000 })
            {
                var values = Enumerable.Range(0, n).Select(_ => (decimal)random.Next(spread) / 7m).ToArray();
                var sorted = values.Order().ToArray();
                foreach (var k in new[] { 0, (n - 1) / 2, n / 2, n - 1 })
                {
                    var copy = values.ToArray();
                    MixMedians.Select(copy, k);
                    Assert.Equal(sorted[k], copy[k]);
                    Assert.All(copy[..k], v => Assert.True(v <= copy[k]));
                    Assert.All(copy[(k + 1)..], v => Assert.True(v >= copy[k]));
                }
            }
        }

        var ascending = Enumerable.Range(0, 10_000).Select(i => (decimal)i).ToArray();
        MixMedians.Select(ascending, 4_999);
        Assert.Equal(4_999m, ascending[4_999]);
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteMixMedianTests(SqliteApp app) : MixMedianTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresMixMedianTests(PostgresApp app) : MixMedianTests<PostgresApp>(app);

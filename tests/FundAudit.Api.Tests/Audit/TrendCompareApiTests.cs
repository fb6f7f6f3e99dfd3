using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using FundAudit.Api.Tests.Infrastructure;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The audit's hand-worked portfolio (see AuditApiTests) plus one 2026 grant whose purpose is stated as `other`, for the
/// trend, the comparison of two periods and the target edits (API and console tests).
/// </summary>
internal static class HandWorkedPortfolio
{
    private const string Rates = "date,currency,rate_to_base,base\n2025-03-03,USD,1.25,EUR\n2025-03-03,GBP,0.8,EUR\n";

    /// <summary>
    /// 2024 (EUR 4,000.00): local 100 %, prevention 75 %, emergency 25 %. 2025 (EUR 5,250.08 in 4 grants): local
    /// 80.95 %, prevention+collective 38.09 %, flexible 19.05 %, unclassified 23.81 %. 2026: one EUR 500.00 grant whose
    /// purpose is stated as other (other 100 %).
    /// </summary>
    /// <param name="app">The app the funder is created in.</param>
    /// <param name="withOther">False: without the 2026 grant (the audit's portfolio as AuditApiTests works it).</param>
    public static async Task<Tenant> CreateAsync(FundAuditApp app, bool withOther = true)
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/audit/rates", new StringContent(Rates, Encoding.UTF8, "text/csv"))
        );
        var other = Prevention("O1", 500m, "EUR", "2026-02-01");
        other["explicitClassification"] = new JsonObject { ["purpose"] = "other" };
        JsonObject[] grants =
        [
            Prevention("B1", 3000m, "EUR", "2024-05-01"),
            Emergency("B2", 1000m, "EUR", "2024-06-01"),
            Prevention("G1", 1000m, "EUR", "2025-02-10", core: true),
            Emergency("G2", 2500m, "USD", "2025-03-04"),
            Zebra("G3", 800m, "GBP", "2025-03-05"),
            Zebra("G4", 1000.06m, "GBP", "2025-03-07"),
        ];
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(withOther ? grants.Append(other).ToArray() : grants))
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsJsonAsync(
                "/api/grants/by-id/G3/classification",
                new
                {
                    level = "national",
                    purpose = "collective",
                    reason = "A national network's collective protection plan.",
                }
            )
        );
        return tenant;
    }

    public static async Task<long> BaselineAsync(Tenant tenant, string name = "FY2024")
    {
        var baseline = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/baselines",
                new
                {
                    name,
                    fiscalYear = 2024,
                    currency = "EUR",
                }
            ),
            HttpStatusCode.Created
        );
        return baseline.GetProperty("id").GetInt64();
    }
}

/// <summary>The trend by year, the comparison of two periods and the target edits over the API.</summary>
public abstract class TrendCompareApiTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static object Target(long baselineId, decimal percent, string metric = "local") =>
        new
        {
            metric,
            direction = "at_least",
            targetPercent = percent,
            by = "2027-12-31",
            baselineId,
        };

    [Fact]
    public async Task The_trend_gives_each_years_mix_and_headline_shares_as_worked_out_by_hand()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);

        var trend = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/trend?from=2023-01-01&to=2026-12-31&currency=EUR")
        );

        Assert.Equal("calendar", trend.GetProperty("years").GetString());
        var years = trend.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([2023, 2024, 2025, 2026], years.Select(y => y.GetProperty("year").GetInt32()));
        decimal Share(JsonElement y, string name) => y.GetProperty(name).GetProperty("share").GetDecimal();
        Assert.Equal(0, years[0].GetProperty("totals").GetProperty("amountMinor").GetInt64()); // an empty year stays
        Assert.Equal(400000, years[1].GetProperty("totals").GetProperty("amountMinor").GetInt64());
        Assert.Equal(
            (75m, 0m, 100m, 0m),
            (
                Share(years[1], "preventionCollective"),
                Share(years[1], "flexible"),
                Share(years[1], "local"),
                Share(years[1], "other")
            )
        );
        Assert.Equal(525008, years[2].GetProperty("totals").GetProperty("amountMinor").GetInt64());
        Assert.Equal(4, years[2].GetProperty("totals").GetProperty("grants").GetInt64());
        Assert.Equal(
            (38.09m, 19.05m, 80.95m, 0m, 23.81m),
            (
                Share(years[2], "preventionCollective"),
                Share(years[2], "flexible"),
                Share(years[2], "local"),
                Share(years[2], "other"),
                Share(years[2], "unclassified")
            )
        );
        Assert.Equal(100m, Share(years[3], "other"));
        Assert.Equal(50000, years[3].GetProperty("totals").GetProperty("amountMinor").GetInt64());
        var emergency2025 = years[2]
            .GetProperty("cells")
            .EnumerateArray()
            .Single(c =>
                c.GetProperty("key").GetProperty("level").GetString() == "local"
                && c.GetProperty("key").GetProperty("purpose").GetString() == "emergency"
            );
        Assert.Equal(
            (200000L, 38.09m),
            (emergency2025.GetProperty("amountMinor").GetInt64(), emergency2025.GetProperty("share").GetDecimal())
        );
        Assert.Equal(975008, trend.GetProperty("totals").GetProperty("amountMinor").GetInt64());

        // The year equals the mix of that year (one code path).
        var mix = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/mix?fiscalYear=2025&currency=EUR")
        );
        Assert.Equal(mix.GetProperty("local").GetProperty("share").GetDecimal(), Share(years[2], "local"));

        // Fiscal years (Audit:FiscalYearStartMonth is 1 here): named and cut as the mix's fiscalYear.
        var fiscal = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/trend?from=2024-06-01&to=2025-12-31&currency=EUR&years=fiscal")
        );
        Assert.Equal("fiscal", fiscal.GetProperty("years").GetString());
        var first = fiscal.GetProperty("items")[0];
        Assert.Equal("2024-06-01", first.GetProperty("period").GetProperty("from").GetString()); // cut to the period
        Assert.Equal(100000, first.GetProperty("totals").GetProperty("amountMinor").GetInt64()); // B2 only

        var csv = await tenant.Client.GetStringAsync("/api/audit/trend.csv?from=2024-01-01&to=2025-12-31&currency=EUR");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("year,from,to,currency,amount,grants,prevention_amount", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("2025,2025-01-01,2025-12-31,EUR,5250.08,4,", lines[2]);
        Assert.EndsWith(",38.09,19.05,80.95,23.81", lines[2].TrimEnd('\r'));

        var svg = await tenant.Client.GetAsync("/api/audit/trend.svg?from=2024-01-01&to=2026-12-31&currency=EUR");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        var doc = XDocument.Parse(await svg.Content.ReadAsStringAsync());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Contains("by year", doc.Root!.Element(ns + "title")!.Value);
        Assert.Contains("2025: 38.09%, 19.05%, 80.95%, 0%", doc.Root.Element(ns + "desc")!.Value);
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "2026");
    }

    [Fact]
    public async Task The_trend_csv_names_each_column_once_and_each_share_is_the_jsons()
    {
        // Found following the README: the purposes' "other" and "unclassified" shares and the headline ones were
        // written under the same two column names, and the headline "unclassified" (level or purpose) is not the
        // purpose's.
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        const string Query = "?from=2024-01-01&to=2025-12-31&currency=EUR";
        var trend = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/audit/trend" + Query));
        var csv = await tenant.Client.GetStringAsync("/api/audit/trend.csv" + Query);

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var header = lines[0].Split(',');
        Assert.Equal(header.Length, header.Distinct(StringComparer.Ordinal).Count());
        var row = header
            .Zip(lines[2].Split(','))
            .Skip(4) // year, from, to, currency
            .ToDictionary(c => c.First, c => decimal.Parse(c.Second, CultureInfo.InvariantCulture));
        var year = trend.GetProperty("items")[1];
        foreach (var purpose in year.GetProperty("purposes").EnumerateArray())
        {
            var name = purpose.GetProperty("purpose").GetString();
            Assert.Equal(purpose.GetProperty("share").GetDecimal(), row[name + "_share_percent"]);
        }

        decimal Share(string name) => year.GetProperty(name).GetProperty("share").GetDecimal();
        Assert.Equal(Share("preventionCollective"), row["prevention_collective_share_percent"]);
        Assert.Equal(Share("flexible"), row["flexible_share_percent"]);
        Assert.Equal(Share("local"), row["local_share_percent"]);
        Assert.Equal(Share("other"), row["other_share_percent"]);
        Assert.Equal(Share("unclassified"), row["unclassified_level_or_purpose_share_percent"]);
    }

    [Fact]
    public async Task Two_periods_compare_side_by_side_as_a_baseline_does()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        var baselineId = await HandWorkedPortfolio.BaselineAsync(tenant);
        const string Query = "thenFrom=2024-01-01&thenTo=2024-12-31&nowFrom=2025-01-01&nowTo=2025-12-31&currency=EUR";

        var periods = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/audit/compare?" + Query));
        var baseline = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/baselines/{baselineId}/compare?fiscalYear=2025")
        );

        foreach (var name in new[] { "levels", "purposes" })
        {
            Assert.Equal(baseline.GetProperty(name).ToString(), periods.GetProperty(name).ToString());
        }

        foreach (var name in new[] { "preventionCollective", "flexible", "local", "unclassified" })
        {
            Assert.Equal(baseline.GetProperty(name).ToString(), periods.GetProperty(name).ToString());
        }

        Assert.Equal(-19.05m, periods.GetProperty("local").GetProperty("shift").GetDecimal());
        Assert.Equal("2024-01-01", periods.GetProperty("then").GetProperty("from").GetString());
        Assert.Equal(
            (400000L, 525008L),
            (periods.GetProperty("totalThenMinor").GetInt64(), periods.GetProperty("totalNowMinor").GetInt64())
        );

        var csv = await tenant.Client.GetStringAsync("/api/audit/compare.csv?" + Query);
        Assert.Contains("level,local,100,80.95,'-19.05,2024-01-01 to 2024-12-31,2025-01-01 to 2025-12-31,EUR", csv);
        var svg = XDocument.Parse(await tenant.Client.GetStringAsync("/api/audit/compare.svg?" + Query));
        Assert.Contains("2024-01-01 to 2024-12-31 beside 2025-01-01 to 2025-12-31", svg.Root!.Value);
    }

    [Fact]
    public async Task A_target_is_changed_and_removed_and_a_bad_change_stores_nothing()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        var baselineId = await HandWorkedPortfolio.BaselineAsync(tenant);
        var created = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsJsonAsync("/api/audit/targets", Target(baselineId, 30m)),
            HttpStatusCode.Created
        );
        var id = created.GetProperty("id").GetInt64();

        var changed = await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsJsonAsync($"/api/audit/targets/{id}", Target(baselineId, 45.5m, "flexible"))
        );
        Assert.Equal(
            ("flexible", 45.5m),
            (changed.GetProperty("metric").GetString(), changed.GetProperty("targetPercent").GetDecimal())
        );

        var bad = await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsJsonAsync($"/api/audit/targets/{id}", Target(baselineId, 120m, "planets")),
            HttpStatusCode.BadRequest
        );
        Assert.True(bad.GetProperty("errors").TryGetProperty("metric", out _), bad.ToString());
        Assert.True(bad.GetProperty("errors").TryGetProperty("targetPercent", out _), bad.ToString());
        await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsJsonAsync($"/api/audit/targets/{id}", Target(baselineId + 999, 10m)),
            HttpStatusCode.NotFound
        );
        var stored = Assert.Single(
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/audit/targets")).EnumerateArray()
        );
        Assert.Equal(
            ("flexible", 45.5m, baselineId),
            (
                stored.GetProperty("metric").GetString(),
                stored.GetProperty("targetPercent").GetDecimal(),
                stored.GetProperty("baselineId").GetInt64()
            )
        );

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await tenant.Client.DeleteAsync($"/api/audit/targets/{id}")).StatusCode
        );
        await HttpAssert.ProblemAsync(
            await tenant.Client.DeleteAsync($"/api/audit/targets/{id}"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsJsonAsync($"/api/audit/targets/{id}", Target(baselineId, 10m)),
            HttpStatusCode.NotFound
        );
        Assert.Empty((await tenant.Client.GetFromJsonAsync<JsonElement>("/api/audit/targets")).EnumerateArray());
    }

    [Fact]
    public async Task One_funder_cannot_see_anothers_trend_or_comparison_nor_change_its_targets()
    {
        var owner = await HandWorkedPortfolio.CreateAsync(app);
        var baselineId = await HandWorkedPortfolio.BaselineAsync(owner);
        var targetId = (
            await HttpAssert.OkJsonAsync(
                await owner.Client.PostAsJsonAsync("/api/audit/targets", Target(baselineId, 30m)),
                HttpStatusCode.Created
            )
        )
            .GetProperty("id")
            .GetInt64();
        var other = await app.CreateTenantAsync();
        var otherBaseline = await HandWorkedPortfolio.BaselineAsync(other, "theirs"); // an empty mix of their own

        var trend = await HttpAssert.OkJsonAsync(
            await other.Client.GetAsync("/api/audit/trend?from=2024-01-01&to=2026-12-31&currency=EUR")
        );
        Assert.Equal(0, trend.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        Assert.All(trend.GetProperty("items").EnumerateArray(), y =>
            Assert.Equal(0, y.GetProperty("totals").GetProperty("grants").GetInt64())
        );
        var compare = await HttpAssert.OkJsonAsync(
            await other.Client.GetAsync(
                "/api/audit/compare?thenFrom=2024-01-01&thenTo=2024-12-31&nowFrom=2025-01-01&nowTo=2025-12-31&currency=EUR"
            )
        );
        Assert.Equal(
            (0L, 0L),
            (compare.GetProperty("totalThenMinor").GetInt64(), compare.GetProperty("totalNowMinor").GetInt64())
        );

        await HttpAssert.ProblemAsync(
            await other.Client.PutAsJsonAsync($"/api/audit/targets/{targetId}", Target(otherBaseline, 99m)),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Client.DeleteAsync($"/api/audit/targets/{targetId}"),
            HttpStatusCode.NotFound
        );
        var kept = Assert.Single(
            (await owner.Client.GetFromJsonAsync<JsonElement>("/api/audit/targets")).EnumerateArray()
        );
        Assert.Equal(30m, kept.GetProperty("targetPercent").GetDecimal());
    }

    [Theory]
    [InlineData("/api/audit/trend?to=2025-12-31&currency=EUR", "from")]
    [InlineData("/api/audit/trend?from=2025-12-31&to=2025-01-01&currency=EUR", "to")]
    [InlineData("/api/audit/trend.csv?from=2025-01-01&to=2025-12-31&currency=EUR&years=lunar", "years")]
    [InlineData("/api/audit/trend.svg?from=2025-01-01&to=2025-12-31", "currency")]
    [InlineData("/api/audit/trend?from=9999-01-01&to=9999-12-31&currency=EUR", "from")] // was a 500 (fiscal year 10000)
    [InlineData("/api/audit/compare?thenFrom=2024-01-01&nowFrom=2025-01-01&nowTo=2025-12-31&currency=EUR", "thenTo")]
    [InlineData(
        "/api/audit/compare.csv?thenFrom=2024-01-01&thenTo=2023-01-01&nowFrom=2025-01-01&nowTo=2025-12-31&currency=EUR",
        "thenTo"
    )]
    public async Task Bad_trend_and_comparison_requests_name_the_field(string url, string field)
    {
        var tenant = await app.CreateTenantAsync();
        var problem = await HttpAssert.ProblemAsync(await tenant.Client.GetAsync(url), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task An_officer_reads_the_trend_but_cannot_change_a_target()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        var baselineId = await HandWorkedPortfolio.BaselineAsync(tenant);
        var id = (
            await HttpAssert.OkJsonAsync(
                await tenant.Client.PostAsJsonAsync("/api/audit/targets", Target(baselineId, 30m)),
                HttpStatusCode.Created
            )
        )
            .GetProperty("id")
            .GetInt64();
        var officer = (await app.AddKeyAsync(tenant, "officer")).Client;

        await HttpAssert.OkJsonAsync(
            await officer.GetAsync("/api/audit/trend?from=2025-01-01&to=2025-12-31&currency=EUR")
        );
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.DeleteAsync($"/api/audit/targets/{id}")).StatusCode);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await officer.PutAsJsonAsync($"/api/audit/targets/{id}", Target(baselineId, 1m))).StatusCode
        );
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteTrendCompareApiTests(SqliteApp app) : TrendCompareApiTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresTrendCompareApiTests(PostgresApp app) : TrendCompareApiTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerTrendCompareApiTests(SqlServerApp app)
    : TrendCompareApiTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif

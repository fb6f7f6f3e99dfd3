using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Geography;
using Microsoft.Extensions.DependencyInjection;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Audit;

/// <summary>The audit through the API: rates, mix, baselines, comparison, targets, exports, charts and the field view.</summary>
public abstract class AuditApiTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string PortfolioRates =
        "date,currency,rate_to_base,base\n2025-03-03,USD,1.25,EUR\n2025-03-03,GBP,0.8,EUR\n";

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    /// <summary>
    /// The hand-worked portfolio. Rates (base EUR): 2025-03-03 USD 1.25, GBP 0.8.
    /// 2024 (the baseline, all EUR): B1 3,000.00 local/prevention; B2 1,000.00 local/emergency. Total 4,000.00:
    ///   local 100%, prevention 75%, emergency 25%, prevention+collective 75%, flexible 0%, unclassified 0%.
    /// 2025 (current):
    ///   G1 1,000.00 EUR 2025-02-10 local/prevention, core support (flexible) → 100000 cents.
    ///   G2 2,500.00 USD 2025-03-04 local/emergency → rate of 03-03: 250000 / 1.25 = 200000 cents.
    ///   G3   800.00 GBP 2025-03-05 unclassified, corrected by hand to national/collective → 80000 / 0.8 = 100000 cents.
    ///   G4 1,000.06 GBP 2025-03-07 local/unclassified → 100006 × 1.25 = 125007.5 → half to even → 125008 cents.
    ///   Total 525008. Shares (half to even, 2 dp): 100000/525008 = 19.047…% → 19.05; 200000/525008 = 38.094…% → 38.09;
    ///   125008/525008 = 23.810…% → 23.81; local 425008/525008 = 80.952…% → 80.95; prevention+collective 200000 → 38.09;
    ///   flexible 100000 → 19.05; unclassified 125008 (1 grant) → 23.81.
    /// </summary>
    private Task<Tenant> HandWorkedPortfolioAsync() => HandWorkedPortfolio.CreateAsync(app, withOther: false);

    private static JsonElement CellOf(JsonElement mix, string level, string purpose) =>
        mix.GetProperty("cells")
            .EnumerateArray()
            .Single(c =>
                c.GetProperty("key").GetProperty("level").GetString() == level
                && c.GetProperty("key").GetProperty("purpose").GetString() == purpose
            );

    [Fact]
    public async Task The_mix_of_the_hand_worked_portfolio_matches_the_figures_worked_out_by_hand()
    {
        var tenant = await HandWorkedPortfolioAsync();

        var mix = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync(
                "/api/audit/mix?from=2025-01-01&to=2025-12-31&currency=EUR&groupBy=level,purpose&includeMedian=true"
            )
        );

        Assert.Equal(4, mix.GetProperty("cells").GetArrayLength());
        Assert.Equal(525008, mix.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        Assert.Equal(5250.08m, mix.GetProperty("totals").GetProperty("amount").GetDecimal());
        Assert.Equal(4, mix.GetProperty("totals").GetProperty("grants").GetInt64());
        var lp = CellOf(mix, "local", "prevention");
        Assert.Equal(
            (100000, 1, 19.05m, 100000),
            (
                lp.GetProperty("amountMinor").GetInt64(),
                lp.GetProperty("grants").GetInt64(),
                lp.GetProperty("share").GetDecimal(),
                lp.GetProperty("medianMinor").GetInt64()
            )
        );
        var le = CellOf(mix, "local", "emergency");
        Assert.Equal(
            (200000, 38.09m, 200000),
            (
                le.GetProperty("amountMinor").GetInt64(),
                le.GetProperty("share").GetDecimal(),
                le.GetProperty("medianMinor").GetInt64()
            )
        );
        var nc = CellOf(mix, "national", "collective"); // the manual correction wins
        Assert.Equal(
            (100000, 19.05m),
            (nc.GetProperty("amountMinor").GetInt64(), nc.GetProperty("share").GetDecimal())
        );
        var lu = CellOf(mix, "local", "unclassified"); // 125007.5 rounded half to even
        Assert.Equal(
            (125008, 23.81m, 125008),
            (
                lu.GetProperty("amountMinor").GetInt64(),
                lu.GetProperty("share").GetDecimal(),
                lu.GetProperty("medianMinor").GetInt64()
            )
        );
        Assert.Equal(
            (200000, 38.09m),
            (
                mix.GetProperty("preventionCollective").GetProperty("amountMinor").GetInt64(),
                mix.GetProperty("preventionCollective").GetProperty("share").GetDecimal()
            )
        );
        Assert.Equal(
            (100000, 19.05m),
            (
                mix.GetProperty("flexible").GetProperty("amountMinor").GetInt64(),
                mix.GetProperty("flexible").GetProperty("share").GetDecimal()
            )
        );
        Assert.Equal(
            (425008, 80.95m),
            (
                mix.GetProperty("local").GetProperty("amountMinor").GetInt64(),
                mix.GetProperty("local").GetProperty("share").GetDecimal()
            )
        );
        Assert.Equal(
            (125008, 23.81m, 1),
            (
                mix.GetProperty("unclassified").GetProperty("amountMinor").GetInt64(),
                mix.GetProperty("unclassified").GetProperty("share").GetDecimal(),
                mix.GetProperty("unclassified").GetProperty("grants").GetInt64()
            )
        );

        // Grouped by year and flexible over both years (fiscal year = calendar year by default): 2024 4000.00 not flexible;
        // 2025 1000.00 flexible and 4250.08 not; the same 2025 total by another grouping.
        var byYear = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/mix?fiscalYear=2025&currency=EUR&groupBy=year,flexible")
        );
        Assert.Equal(525008, byYear.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        var cells = byYear
            .GetProperty("cells")
            .EnumerateArray()
            .ToDictionary(
                c =>
                    c.GetProperty("key").GetProperty("year").GetString()
                    + "/"
                    + c.GetProperty("key").GetProperty("flexible").GetString(),
                c => c.GetProperty("amountMinor").GetInt64()
            );
        Assert.Equal(new Dictionary<string, long> { ["2025/true"] = 100000, ["2025/false"] = 425008 }, cells);

        // A filter: only the corrected grant is 'manual'; region and country come from the recipient (HN).
        var manual = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync(
                "/api/audit/mix?fiscalYear=2025&currency=EUR&source=manual&groupBy=region,country"
            )
        );
        Assert.Equal(100000, manual.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        var region = manual.GetProperty("cells")[0].GetProperty("key");
        Assert.Equal(
            ("Latin America and the Caribbean", "HN"),
            (region.GetProperty("region").GetString(), region.GetProperty("country").GetString())
        );
        var africa = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/mix?fiscalYear=2025&currency=EUR&region=Africa")
        );
        Assert.Equal(0, africa.GetProperty("totals").GetProperty("amountMinor").GetInt64());
    }

    [Fact]
    public async Task A_baseline_comparison_and_targets_match_the_hand_worked_figures()
    {
        var tenant = await HandWorkedPortfolioAsync();
        var baseline = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/baselines",
                new
                {
                    name = "FY2024",
                    fiscalYear = 2024,
                    currency = "EUR",
                }
            ),
            HttpStatusCode.Created
        );
        var id = baseline.GetProperty("id").GetInt64();
        Assert.Equal(400000, baseline.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        Assert.Equal(75m, baseline.GetProperty("preventionCollective").GetProperty("share").GetDecimal());
        Assert.Equal(100m, baseline.GetProperty("local").GetProperty("share").GetDecimal());
        Assert.Single((await tenant.Client.GetFromJsonAsync<JsonElement>("/api/audit/baselines")).EnumerateArray());
        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/baselines",
                new
                {
                    name = "FY2024",
                    fiscalYear = 2025,
                    currency = "EUR",
                }
            ),
            HttpStatusCode.Conflict
        );

        // Shift = exact share now − exact share then, rounded half to even:
        // local 80.952…−100 = −19.05; national 19.047…−0 = 19.05; prevention 19.047…−75 = −55.95; collective +19.05;
        // emergency 38.094…−25 = 13.09; unclassified +23.81; prevention+collective 38.094…−75 = −36.91; flexible +19.05.
        var compare = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/baselines/{id}/compare?fiscalYear=2025")
        );
        Dictionary<string, (decimal, decimal, decimal)> Lines(string name) =>
            compare
                .GetProperty(name)
                .EnumerateArray()
                .ToDictionary(
                    l => l.GetProperty("name").GetString()!,
                    l =>
                        (
                            l.GetProperty("then").GetDecimal(),
                            l.GetProperty("now").GetDecimal(),
                            l.GetProperty("shift").GetDecimal()
                        )
                );
        (decimal, decimal, decimal) Line(string name) =>
            (
                compare.GetProperty(name).GetProperty("then").GetDecimal(),
                compare.GetProperty(name).GetProperty("now").GetDecimal(),
                compare.GetProperty(name).GetProperty("shift").GetDecimal()
            );
        var levels = Lines("levels");
        Assert.Equal((100m, 80.95m, -19.05m), levels["local"]);
        Assert.Equal((0m, 19.05m, 19.05m), levels["national"]);
        Assert.Equal((0m, 0m, 0m), levels["global"]);
        var purposes = Lines("purposes");
        Assert.Equal((75m, 19.05m, -55.95m), purposes["prevention"]);
        Assert.Equal((0m, 19.05m, 19.05m), purposes["collective"]);
        Assert.Equal((25m, 38.09m, 13.09m), purposes["emergency"]);
        Assert.Equal((0m, 23.81m, 23.81m), purposes["unclassified"]);
        Assert.Equal((75m, 38.09m, -36.91m), Line("preventionCollective"));
        Assert.Equal((0m, 19.05m, 19.05m), Line("flexible"));
        Assert.Equal((100m, 80.95m, -19.05m), Line("local"));
        Assert.False(compare.GetProperty("ruleSetDiffers").GetBoolean());

        // Targets, measured on fiscal year 2025 from the baseline's end (2024-12-31); today is 2026-11-02 (671 of 730 days to 2026-12-31).
        // flexible ≥ 40: baseline 0, now 19.047…% → progress 19.047…/40 = 47.62%; expected 40 × 671/730 = 36.77 → behind.
        // prevention_collective ≥ 50: the baseline (75) met it, now 38.09 → not met, progress 0, expected 50.
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/targets",
                new
                {
                    metric = "flexible",
                    direction = "at_least",
                    targetPercent = 40,
                    by = "2026-12-31",
                    baselineId = id,
                }
            ),
            HttpStatusCode.Created
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/targets",
                new
                {
                    metric = "prevention_collective",
                    direction = "at_least",
                    targetPercent = 50,
                    by = "2026-12-31",
                    baselineId = id,
                }
            ),
            HttpStatusCode.Created
        );
        var targets = (await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/audit/targets?fiscalYear=2025")))
            .EnumerateArray()
            .ToList();
        Assert.Equal(2, targets.Count);
        var flexible = targets[0];
        Assert.Equal(
            (0m, 19.05m, 47.62m, 36.77m, false, false),
            (
                flexible.GetProperty("baselineValue").GetDecimal(),
                flexible.GetProperty("currentValue").GetDecimal(),
                flexible.GetProperty("progress").GetDecimal(),
                flexible.GetProperty("expected").GetDecimal(),
                flexible.GetProperty("met").GetBoolean(),
                flexible.GetProperty("onTrack").GetBoolean()
            )
        );
        var pc = targets[1];
        Assert.Equal(
            (75m, 38.09m, 0m, 50m, false),
            (
                pc.GetProperty("baselineValue").GetDecimal(),
                pc.GetProperty("currentValue").GetDecimal(),
                pc.GetProperty("progress").GetDecimal(),
                pc.GetProperty("expected").GetDecimal(),
                pc.GetProperty("onTrack").GetBoolean()
            )
        );
    }

    [Fact]
    public async Task A_report_some_grants_cannot_be_converted_to_is_a_422_naming_the_currencies_and_dates()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostAsync("/api/audit/rates", Csv(PortfolioRates)));
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(
                    Prevention("M1", 100m, "USD", "2025-03-04"),
                    Prevention("M2", 100m, "USD", "2025-04-20"),
                    Prevention("M3", 100m, "CHF", "2025-03-04")
                )
            )
        );

        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.GetAsync("/api/audit/mix?fiscalYear=2025&currency=EUR"),
            HttpStatusCode.UnprocessableEntity
        );

        var missing = problem
            .GetProperty("missing")
            .EnumerateArray()
            .ToDictionary(
                m => m.GetProperty("currency").GetString()!,
                m => m.GetProperty("dates").EnumerateArray().Select(d => d.GetString()).ToList()
            );
        Assert.Equal(["2025-03-04"], missing["CHF"]);
        Assert.Equal(["2025-04-20"], missing["USD"]); // 48 days after the last USD rate: outside the window
        Assert.Contains("CHF", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(
            await tenant.Client.GetAsync("/api/audit/mix.csv?fiscalYear=2025&currency=EUR"),
            HttpStatusCode.UnprocessableEntity
        );
        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/baselines",
                new
                {
                    name = "partial",
                    fiscalYear = 2025,
                    currency = "EUR",
                }
            ),
            HttpStatusCode.UnprocessableEntity
        );
        Assert.Empty((await tenant.Client.GetFromJsonAsync<JsonElement>("/api/audit/baselines")).EnumerateArray());
    }

    [Fact]
    public async Task A_frozen_baseline_is_unchanged_by_reclassification_and_the_comparison_says_the_rule_set_differs()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Zebra("R-1", 500m, "EUR", "2024-02-02")))
        );
        var id = await HandWorkedPortfolio.BaselineAsync(tenant, "before");

        var rules = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        rules["version"] = "audit-1";
        rules["purpose"]!["terms"]!["campaign"]!["zebra"] = 10;
        var revision = (
            await HttpAssert.OkJsonAsync(
                await tenant.Client.PutAsync("/api/classification/rules", Giving.Json(rules)),
                HttpStatusCode.Accepted
            )
        )
            .GetProperty("revision")
            .GetInt64();
        using (var scope = app.Services.CreateScope())
        {
            await scope
                .ServiceProvider.GetRequiredService<ReclassifyPortfolioJob>()
                .RunAsync(tenant.FunderId, revision, CancellationToken.None);
        }

        var frozen = await tenant.Client.GetFromJsonAsync<JsonElement>($"/api/audit/baselines/{id}");
        Assert.Equal(100m, frozen.GetProperty("unclassified").GetProperty("share").GetDecimal());
        Assert.Equal(
            "unclassified",
            frozen.GetProperty("cells")[0].GetProperty("key").GetProperty("purpose").GetString()
        );
        var compare = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/audit/baselines/{id}/compare?fiscalYear=2024")
        );
        Assert.True(compare.GetProperty("ruleSetDiffers").GetBoolean());
        Assert.Equal(["audit-1"], compare.GetProperty("ruleSetVersions").EnumerateArray().Select(v => v.GetString()));
        var campaign = compare
            .GetProperty("purposes")
            .EnumerateArray()
            .Single(l => l.GetProperty("name").GetString() == "campaign");
        Assert.Equal(
            (0m, 100m, 100m),
            (
                campaign.GetProperty("then").GetDecimal(),
                campaign.GetProperty("now").GetDecimal(),
                campaign.GetProperty("shift").GetDecimal()
            )
        );
    }

    [Fact]
    public async Task The_field_view_shows_a_cell_only_when_it_combines_at_least_three_funders()
    {
        var funders = new List<Tenant>();
        for (var i = 0; i < 3; i++)
        {
            var t = await app.CreateTenantAsync();
            await HttpAssert.OkJsonAsync(
                await t.Client.PostPackageAsync(
                    Giving.Package(Prevention($"F-{i}", 100m * (i + 1), "EUR", "2019-05-05"))
                )
            );
            funders.Add(t);
        }

        await HttpAssert.OkJsonAsync(
            await funders[0].Client.PostPackageAsync(Giving.Package(Emergency("F-alone", 999m, "EUR", "2019-06-06")))
        );
        await HttpAssert.ProblemAsync(
            await funders[0].Client.GetAsync("/api/audit/field?fiscalYear=2019&currency=EUR"),
            HttpStatusCode.Forbidden
        );
        foreach (var t in funders.Take(2))
        {
            await HttpAssert.OkJsonAsync(
                await t.Client.PutAsJsonAsync("/api/audit/field/participation", new { optIn = true })
            );
        }

        var two = await HttpAssert.OkJsonAsync(
            await funders[0].Client.GetAsync("/api/audit/field?fiscalYear=2019&currency=EUR")
        );
        Assert.Empty(two.GetProperty("cells").EnumerateArray());
        Assert.Equal(0, two.GetProperty("shownTotal").GetProperty("amountMinor").GetInt64()); // no total to subtract from
        Assert.Equal(2, two.GetProperty("suppressedCells").GetInt32());

        await HttpAssert.OkJsonAsync(
            await funders[2].Client.PutAsJsonAsync("/api/audit/field/participation", new { optIn = true })
        );
        var three = await HttpAssert.OkJsonAsync(
            await funders[1].Client.GetAsync("/api/audit/field?fiscalYear=2019&currency=EUR")
        );
        var cell = Assert.Single(three.GetProperty("cells").EnumerateArray());
        Assert.Equal(
            ("local", "prevention", 60000, 3),
            (
                cell.GetProperty("level").GetString(),
                cell.GetProperty("purpose").GetString(),
                cell.GetProperty("amountMinor").GetInt64(),
                cell.GetProperty("funders").GetInt32()
            )
        );
        Assert.Equal(60000, three.GetProperty("shownTotal").GetProperty("amountMinor").GetInt64()); // funder 0's lone emergency grant stays hidden
        Assert.Equal(0, three.GetProperty("levels").GetProperty("local").GetProperty("amountMinor").GetInt64() - 60000);
        Assert.DoesNotContain("99900", three.ToString(), StringComparison.Ordinal);

        foreach (var t in funders)
        {
            await HttpAssert.OkJsonAsync(
                await t.Client.PutAsJsonAsync("/api/audit/field/participation", new { optIn = false })
            );
        }
    }

    [Fact]
    public async Task The_field_view_converts_each_funders_grants_with_its_own_rates_and_leaves_out_one_without_them()
    {
        var funders = new List<Tenant>();
        for (var i = 0; i < 4; i++)
        {
            var t = await app.CreateTenantAsync();
            var grants = Giving.Package(
                Prevention($"R-{i}", 100.01m * (i + 1), "EUR", "2018-05-05"),
                Prevention($"R-{i}-usd", 33.33m, "USD", "2018-05-05")
            );
            await HttpAssert.OkJsonAsync(await t.Client.PostPackageAsync(grants));
            if (i < 3)
            {
                // 1 EUR = 1.10, 1.11, 1.12 USD: 33.33 USD is 30.30, 30.03 (30.027…), 29.76 (29.758…) EUR.
                var rates = $"date,currency,rate_to_base,base\n2018-05-05,USD,1.1{i},EUR\n";
                await HttpAssert.OkJsonAsync(await t.Client.PostAsync("/api/audit/rates", Csv(rates)));
            }

            await HttpAssert.OkJsonAsync(
                await t.Client.PutAsJsonAsync("/api/audit/field/participation", new { optIn = true })
            );
            funders.Add(t);
        }

        var field = await HttpAssert.OkJsonAsync(
            await funders[3].Client.GetAsync("/api/audit/field?fiscalYear=2018&currency=EUR")
        );
        var own = 0L;
        foreach (var t in funders.Take(3))
        {
            var mix = await HttpAssert.OkJsonAsync(
                await t.Client.GetAsync("/api/audit/mix?fiscalYear=2018&currency=EUR&groupBy=level,purpose")
            );
            own += mix.GetProperty("cells").EnumerateArray().Sum(c => c.GetProperty("amountMinor").GetInt64());
        }

        Assert.Equal(
            (3, 1, 60006 + 3030 + 3003 + 2976, 60006 + 3030 + 3003 + 2976),
            (
                field.GetProperty("fundersIncluded").GetInt32(),
                field.GetProperty("fundersWithoutRates").GetInt32(),
                field.GetProperty("shownTotal").GetProperty("amountMinor").GetInt64(),
                own
            )
        );
        foreach (var t in funders)
        {
            await HttpAssert.OkJsonAsync(
                await t.Client.PutAsJsonAsync("/api/audit/field/participation", new { optIn = false })
            );
        }
    }

    [Fact]
    public async Task One_funder_cannot_read_anothers_mix_baselines_or_targets()
    {
        var owner = await HandWorkedPortfolioAsync();
        var id = await HandWorkedPortfolio.BaselineAsync(owner, "mine");
        await HttpAssert.OkJsonAsync(
            await owner.Client.PostAsJsonAsync(
                "/api/audit/targets",
                new
                {
                    metric = "local",
                    direction = "at_least",
                    targetPercent = 30,
                    by = "2027-01-01",
                    baselineId = id,
                }
            ),
            HttpStatusCode.Created
        );
        var other = await app.CreateTenantAsync();

        var mix = await HttpAssert.OkJsonAsync(
            await other.Client.GetAsync("/api/audit/mix?fiscalYear=2025&currency=EUR")
        );
        Assert.Empty(mix.GetProperty("cells").EnumerateArray());
        Assert.Equal(0, mix.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        Assert.Empty((await other.Client.GetFromJsonAsync<JsonElement>("/api/audit/baselines")).EnumerateArray());
        await HttpAssert.ProblemAsync(
            await other.Client.GetAsync($"/api/audit/baselines/{id}"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Client.GetAsync($"/api/audit/baselines/{id}/compare?fiscalYear=2025"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Client.GetAsync($"/api/audit/baselines/{id}/compare.svg?fiscalYear=2025"),
            HttpStatusCode.NotFound
        );
        Assert.Empty((await other.Client.GetFromJsonAsync<JsonElement>("/api/audit/targets")).EnumerateArray());
        Assert.Empty((await other.Client.GetFromJsonAsync<JsonElement>("/api/audit/rates")).EnumerateArray());
        await HttpAssert.ProblemAsync(
            await other.Client.PostAsJsonAsync(
                "/api/audit/targets",
                new
                {
                    metric = "local",
                    direction = "at_least",
                    targetPercent = 30,
                    by = "2027-01-01",
                    baselineId = id,
                }
            ),
            HttpStatusCode.NotFound
        );
        Assert.Equal("id,title", (await other.Client.GetStringAsync("/api/grants/export.csv"))[..8]);
        Assert.Single(
            (await other.Client.GetStringAsync("/api/grants/export.csv")).Split(
                "\r\n",
                StringSplitOptions.RemoveEmptyEntries
            )
        );

        var officer = await app.AddKeyAsync(owner, FundAudit.Api.Infrastructure.Auth.Roles.Officer);
        await HttpAssert.OkJsonAsync(await officer.Client.GetAsync("/api/audit/mix?fiscalYear=2025&currency=EUR"));
        await HttpAssert.ProblemAsync(
            await officer.Client.PostAsJsonAsync(
                "/api/audit/baselines",
                new
                {
                    name = "officer",
                    fiscalYear = 2024,
                    currency = "EUR",
                }
            ),
            HttpStatusCode.Forbidden
        );
        await HttpAssert.ProblemAsync(
            await officer.Client.PostAsync("/api/audit/rates", Csv(PortfolioRates)),
            HttpStatusCode.Forbidden
        );
    }

    [Fact]
    public async Task Csv_exports_keep_formula_cells_inert()
    {
        var tenant = await app.CreateTenantAsync();
        var evil = Giving.Grant(
            "@SUM(1+1)",
            100m,
            "EUR",
            "2025-05-05",
            "=HYPERLINK(\"http://evil.example\",\"click\")"
        );
        evil["recipientOrganization"]![0]!["name"] = "+cmd|' /C calc'!A0";
        evil["grantProgramme"] = new JsonArray(new JsonObject { ["title"] = "-2+3" });
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(evil)));

        var grants = await tenant.Client.GetAsync("/api/grants/export.csv?from=2025-01-01");
        Assert.Equal("text/csv", grants.Content.Headers.ContentType?.MediaType);
        var mix = await tenant.Client.GetStringAsync(
            "/api/audit/mix.csv?fiscalYear=2025&currency=EUR&groupBy=programme,level"
        );
        foreach (var csv in new[] { await grants.Content.ReadAsStringAsync(), mix })
        {
            foreach (var cell in ParseCsv(csv))
            {
                Assert.False(
                    cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r',
                    $"live formula cell: {cell}"
                );
            }
        }

        var cells = ParseCsv(await grants.Content.ReadAsStringAsync());
        Assert.Contains("'=HYPERLINK(\"http://evil.example\",\"click\")", cells);
        Assert.Contains("'@SUM(1+1)", cells);
        Assert.Contains("'+cmd|' /C calc'!A0", cells);
        Assert.Contains("'-2+3", cells);
        Assert.Contains("'-2+3", ParseCsv(mix));
    }

    [Fact]
    public async Task The_charts_are_valid_svg_with_a_title_a_legend_and_values()
    {
        var tenant = await HandWorkedPortfolioAsync();
        var id = await HandWorkedPortfolio.BaselineAsync(tenant, "chart");

        foreach (
            var url in new[]
            {
                "/api/audit/mix.svg?fiscalYear=2025&currency=EUR",
                $"/api/audit/baselines/{id}/compare.svg?fiscalYear=2025",
            }
        )
        {
            var response = await tenant.Client.GetAsync(url);
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
            var doc = XDocument.Parse(await response.Content.ReadAsStringAsync());
            XNamespace svg = "http://www.w3.org/2000/svg";
            Assert.Equal(svg + "svg", doc.Root!.Name);
            Assert.False(string.IsNullOrWhiteSpace(doc.Root.Element(svg + "title")?.Value));
            Assert.False(string.IsNullOrWhiteSpace(doc.Root.Element(svg + "desc")?.Value));
            var legend = doc.Descendants(svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
            Assert.Contains(legend.Elements(svg + "text"), t => t.Value == "prevention");
            Assert.Contains(doc.Descendants(svg + "text"), t => t.Value == "38.09"); // local/emergency's share is written on its bar
            Assert.DoesNotContain("href", doc.ToString(), StringComparison.Ordinal); // nothing external
        }
    }

    [Theory]
    [InlineData("/api/audit/mix?from=2025-13-01&to=2025-12-31&currency=EUR", null)]
    [InlineData("/api/audit/mix?from=2025-12-31&to=2025-01-01&currency=EUR", "to")]
    [InlineData("/api/audit/mix?fiscalYear=2025&currency=EUR&groupBy=planet", "groupBy")]
    [InlineData("/api/audit/mix?fiscalYear=2025&currency=XYZ", "currency")]
    [InlineData("/api/audit/mix?fiscalYear=2025", "currency")]
    [InlineData("/api/audit/mix?currency=EUR", "from")]
    [InlineData("/api/audit/mix?fiscalYear=2025&currency=EUR&region=Atlantis", "region")]
    [InlineData("/api/audit/mix.svg?fiscalYear=2025&currency=EUR&source=guess", "source")]
    [InlineData("/api/audit/field?fiscalYear=abc&currency=EUR", null)]
    public async Task Bad_report_requests_are_problem_details(string url, string? field)
    {
        var tenant = await app.CreateTenantAsync();
        var problem = await HttpAssert.ProblemAsync(await tenant.Client.GetAsync(url), HttpStatusCode.BadRequest);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task Bad_rates_files_name_the_row_and_column_and_store_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync(
                "/api/audit/rates",
                Csv(
                    "date,currency,rate_to_base,base\n2025-03-03,USD,1.25,EUR\n2025-03-04,USD,one,EUR\n2025-02-30,GBP,0.8,EUR\n"
                )
            ),
            HttpStatusCode.BadRequest
        );
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("row 3, column rate_to_base", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("row 4, column date", out _), errors.ToString());
        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/audit/rates", Csv("when,what\n1,2\n")),
            HttpStatusCode.BadRequest
        );
        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/audit/rates", Csv("Date,USD,\n2025-01-02,-3,\n")),
            HttpStatusCode.BadRequest
        );

        var oversized = new StringBuilder("date,currency,rate_to_base,base\n");
        while (oversized.Length <= 9 * 1024 * 1024)
        {
            oversized.Append("2025-03-03,USD,1.25,EUR\n");
        }

        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/audit/rates", Csv(oversized.ToString())),
            HttpStatusCode.RequestEntityTooLarge
        );
        Assert.Empty((await tenant.Client.GetFromJsonAsync<JsonElement>("/api/audit/rates")).EnumerateArray());

        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/baselines",
                new
                {
                    name = "",
                    fiscalYear = 2025,
                    currency = "EUR",
                }
            ),
            HttpStatusCode.BadRequest
        );
        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/targets",
                new
                {
                    metric = "happiness",
                    direction = "at_least",
                    targetPercent = 130,
                    by = "2027-01-01",
                    baselineId = 1,
                }
            ),
            HttpStatusCode.BadRequest
        );
        Assert.Empty((await tenant.Client.GetFromJsonAsync<JsonElement>("/api/audit/baselines")).EnumerateArray());
        Assert.Empty((await tenant.Client.GetFromJsonAsync<JsonElement>("/api/audit/targets")).EnumerateArray());
    }

    [Fact]
    public async Task The_published_ecb_history_loads_as_it_is_and_converts_a_grant()
    {
        var path = Path.Combine(RepoPaths.SharedData, "fx", "ecb-eurofxref-hist.csv");
        var tenant = await app.CreateTenantAsync();
        var loaded = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/audit/rates", Csv(await File.ReadAllTextAsync(path)))
        );
        Assert.Equal("ecb", loaded.GetProperty("layout").GetString());
        Assert.True(loaded.GetProperty("loaded").GetInt32() > 100_000);

        // 2025-05-10 is a Saturday: Friday 2025-05-09's rates (USD 1.1252, GBP 0.8477) apply.
        // 1,000.00 USD → GBP: 100000 × 0.8477 / 1.1252 = 75337.717… → 75338 pence.
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Prevention("ECB-1", 1000m, "USD", "2025-05-10")))
        );
        var mix = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/mix?from=2025-05-01&to=2025-05-31&currency=GBP")
        );
        Assert.Equal(75338, mix.GetProperty("totals").GetProperty("amountMinor").GetInt64());
    }

    [Fact]
    public async Task Rates_loaded_again_over_the_same_dates_replace_the_first_ones()
    {
        var tenant = await app.CreateTenantAsync();
        // 250 working days of USD and GBP: more rates than one insert statement takes, so several statements run.
        static string Rates(decimal usd)
        {
            var text = new StringBuilder("Date,USD,GBP,\n");
            for (var day = new DateOnly(2025, 1, 1); day <= new DateOnly(2025, 12, 31); day = day.AddDays(1))
            {
                if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                {
                    text.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{usd},0.8,\n");
                }
            }

            return text.ToString();
        }

        var first = await HttpAssert.OkJsonAsync(await tenant.Client.PostAsync("/api/audit/rates", Csv(Rates(1.25m))));
        var again = await HttpAssert.OkJsonAsync(await tenant.Client.PostAsync("/api/audit/rates", Csv(Rates(2m))));
        Assert.Equal(first.GetProperty("loaded").GetInt32(), again.GetProperty("loaded").GetInt32());
        var series = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/audit/rates");
        Assert.Equal(
            [("GBP", 261L), ("USD", 261L)],
            series
                .EnumerateArray()
                .Select(s => (s.GetProperty("currency").GetString(), s.GetProperty("rates").GetInt64()))
        );

        // 1,000.00 USD on 2025-05-09 at the second load's 2 USD a euro: 500.00 EUR.
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Prevention("RELOAD-1", 1000m, "USD", "2025-05-09")))
        );
        var mix = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/mix?from=2025-05-01&to=2025-05-31&currency=EUR")
        );
        Assert.Equal(50000, mix.GetProperty("totals").GetProperty("amountMinor").GetInt64());
    }

    [Fact]
    public async Task The_country_region_table_of_the_migration_agrees_with_the_core_country_table()
    {
        var db = app.Services.GetRequiredService<FundAudit.Api.Infrastructure.Data.Db>();
        await using var connection = await db.OpenAsync();
        var stored = (
            await Dapper.SqlMapper.QueryAsync<(string Key, string Alpha2, string Region)>(
                connection,
                "SELECT country_key, alpha2, region FROM country_regions"
            )
        ).ToDictionary(r => r.Key, r => (r.Alpha2, r.Region));
        foreach (var country in FundAudit.Core.Geography.Countries.All.Where(c => c.Region is not null))
        {
            Assert.Equal((country.Alpha2, country.Region!.Value.DisplayName()), stored[country.Alpha2]);
            Assert.Equal((country.Alpha2, country.Region!.Value.DisplayName()), stored[country.Alpha3]);
        }
    }

    [Fact]
    public async Task Every_name_of_the_core_country_table_finds_its_country_as_this_engine_upper_cases_it()
    {
        // The place reports join country_regions on upper(recipient_country): "UK", "England", "The Netherlands" or
        // "Côte d'Ivoire" as published must find their country and region, whatever this engine's upper() does
        // with letters outside a-z (SQLite's changes only a-z).
        var db = app.Services.GetRequiredService<FundAudit.Api.Infrastructure.Data.Db>();
        await using var connection = await db.OpenAsync();
        var missed = new List<string>();
        foreach (var country in FundAudit.Core.Geography.Countries.All.Where(c => c.Region is not null))
        {
            foreach (var name in country.Aliases.Prepend(country.Name))
            {
                var found = await Dapper.SqlMapper.QueryAsync<(string Alpha2, string Region)>(
                    connection,
                    "SELECT alpha2, region FROM country_regions WHERE country_key = upper(@Name)",
                    new { Name = name }
                );
                if (found.SingleOrDefault() != (country.Alpha2, country.Region!.Value.DisplayName()))
                {
                    missed.Add($"{name} ({country.Alpha2}): {string.Join(", ", found)}");
                }
            }
        }

        Assert.Empty(missed);
    }

    [Fact]
    public async Task A_recipient_country_published_as_a_name_counts_in_its_country_and_region()
    {
        var tenant = await app.CreateTenantAsync();
        var grants = new[] { ("N-1", "UK"), ("N-2", "England"), ("N-3", "Côte d'Ivoire"), ("N-4", "Atlantis") }
            .Select(g =>
            {
                var grant = Giving.Grant(g.Item1, 100m, "EUR", "2024-05-01");
                grant["recipientOrganization"]![0]!["addressCountry"] = g.Item2;
                return grant;
            })
            .ToArray();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(grants)));
        const string Period = "/api/audit/mix?from=2024-01-01&to=2024-12-31&currency=EUR";
        var byCountry = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync(Period + "&groupBy=region,country"));
        var cells = byCountry
            .GetProperty("cells")
            .EnumerateArray()
            .Select(c =>
                (
                    c.GetProperty("key").GetProperty("region").GetString(),
                    c.GetProperty("key").GetProperty("country").GetString(),
                    c.GetProperty("amountMinor").GetInt64()
                )
            )
            .ToList();
        Assert.Equal(
            [("Africa", "CI", 10000L), ("Europe", "GB", 20000L)],
            cells.Where(c => c.Item2 != "Atlantis").Order()
        );
        Assert.Equal(10000L, cells.Single(c => c.Item2 == "Atlantis").Item3); // no country of that name: its own text
        foreach (
            var (filter, minor) in new[] { ("region=Europe", 20000L), ("country=GB", 20000L), ("country=CI", 10000L) }
        )
        {
            var filtered = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"{Period}&{filter}"));
            Assert.Equal(minor, filtered.GetProperty("totals").GetProperty("amountMinor").GetInt64());
        }
    }

    /// <summary>A small RFC 4180 reader: every cell of every row.</summary>
    private static List<string> ParseCsv(string text)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch is ',' or '\n')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (ch != '\r')
            {
                cell.Append(ch);
            }
        }

        return cells;
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteAuditApiTests(SqliteApp app) : AuditApiTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresAuditApiTests(PostgresApp app) : AuditApiTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerAuditApiTests(SqlServerApp app)
    : AuditApiTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif

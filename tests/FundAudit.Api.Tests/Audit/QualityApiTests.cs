using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Tests.Infrastructure;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Audit;

/// <summary>The data-quality checks (GET /api/audit/quality, .csv, /quality/{code}/grants) over real HTTP.</summary>
public abstract class QualityApiTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "from=2020-01-01&to=2099-12-31&currency=EUR";

    /// <summary>
    /// The hand-worked portfolio (report EUR; rate 2025-03-03 USD 1.25 base EUR; no GBP rate):
    ///   Q1 1,000.00 EUR 2025-03-04: clean (GB-CHC recipient in GB, location with a geoCode) → 100000 cents.
    ///   Q2 2,500.00 USD 2025-03-04: no beneficiary location; recipient XI-EXAMPLE-1 (no such org-id list)
    ///      → 250000 / 1.25 = 200000 cents.
    ///   Q3     0.00 EUR 2025-05-01: zero amount; Zebra text (purpose unclassified); location name without code;
    ///      recipient XI-EXAMPLE-1.
    ///   Q4   300.00 GBP 2025-06-01: no GBP rate (unconverted); title = description (case aside); recipient
    ///      "GB-CHC 1122057" (a space: unexpected character, and so no recognised prefix) with no country; location
    ///      name without code.
    ///   Q5   400.00 EUR 2090-01-01: award date far in the future; planned 1850-01-01 to 1849-01-01 (end before
    ///      start, before 1900); recipient without identifier, in "Hondura" (no country); location name without code
    ///      → 40000 cents.
    /// Converted total 340000 cents over 5 grants, 1 unconverted. Money shares (half to even): 200000/340000 = 58.82;
    /// 40000/340000 = 11.76. Grant shares: 1/5 = 20, 3/5 = 60.
    /// </summary>
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
        var q1 = Prevention("Q1", 1000m, "EUR", "2025-03-04");
        q1["recipientOrganization"] = Recipient("GB-CHC-1122057", "GB");
        q1["beneficiaryLocation"] = new JsonArray(
            new JsonObject
            {
                ["name"] = "Atlántida",
                ["countryCode"] = "HN",
                ["geoCode"] = "HN-AT",
            }
        );
        var q2 = Emergency("Q2", 2500m, "USD", "2025-03-04");
        q2.Remove("beneficiaryLocation");
        var q4 = Prevention("Q4", 300m, "GBP", "2025-06-01");
        q4["description"] = " SECURITY TRAINING FOR DEFENDERS";
        q4["recipientOrganization"] = Recipient("GB-CHC 1122057", null);
        var q5 = Prevention("Q5", 400m, "EUR", "2090-01-01");
        q5["recipientOrganization"] = Recipient(null, "Hondura");
        q5["plannedDates"] = new JsonArray(new JsonObject { ["startDate"] = "1850-01-01", ["endDate"] = "1849-01-01" });
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(q1, q2, Zebra("Q3", 0m, "EUR", "2025-05-01"), q4, q5))
        );
        return tenant;
    }

    private static JsonArray Recipient(string? id, string? country)
    {
        var o = new JsonObject { ["name"] = "Colectivo de Defensores" };
        if (id is not null)
        {
            o["id"] = id;
        }

        if (country is not null)
        {
            o["addressCountry"] = country;
        }

        return new JsonArray(o);
    }

    private static JsonElement CheckOf(JsonElement report, string code) =>
        report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("code").GetString() == code);

    private static (long Grants, decimal Share, long AmountMinor, decimal MoneyShare, long Unconverted) Figures(
        JsonElement report,
        string code
    )
    {
        var c = CheckOf(report, code);
        return (
            c.GetProperty("grants").GetInt64(),
            c.GetProperty("share").GetDecimal(),
            c.GetProperty("amountMinor").GetInt64(),
            c.GetProperty("moneyShare").GetDecimal(),
            c.GetProperty("unconvertedGrants").GetInt64()
        );
    }

    [Fact]
    public async Task Each_check_counts_the_grants_and_money_worked_out_by_hand()
    {
        var tenant = await PortfolioAsync();
        var other = await app.CreateTenantAsync(); // another funder's bad grants are never counted
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Zebra("Q9", 0m, "EUR", "2025-05-01")))
        );

        var r = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/audit/quality?" + Period));

        Assert.Equal(
            (5, 340000, 1),
            (
                r.GetProperty("grants").GetInt64(),
                r.GetProperty("amountMinor").GetInt64(),
                r.GetProperty("unconvertedGrants").GetInt64()
            )
        );
        Assert.Equal(
            [
                "no_beneficiary_location",
                "location_name_without_code",
                "recipient_without_country",
                "unknown_recipient_country",
                "recipient_without_identifier",
                "zero_or_negative_amount",
                "impossible_dates",
                "far_future_dates",
                "nonexistent_planned_dates",
                "far_past_dates",
                "title_equals_description",
                "unexpected_identifier_characters",
                "unknown_org_id_prefix",
                "looks_like_email",
                "no_exchange_rate",
                "unclassified",
                "same_id_in_two_imports",
            ],
            r.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToArray()
        );
        Assert.Equal((1L, 20m, 200000L, 58.82m, 0L), Figures(r, "no_beneficiary_location"));
        Assert.Equal((3L, 60m, 40000L, 11.76m, 1L), Figures(r, "location_name_without_code"));
        Assert.Equal((1L, 20m, 0L, 0m, 1L), Figures(r, "recipient_without_country"));
        Assert.Equal((1L, 20m, 40000L, 11.76m, 0L), Figures(r, "unknown_recipient_country"));
        Assert.Equal((1L, 20m, 40000L, 11.76m, 0L), Figures(r, "recipient_without_identifier"));
        Assert.Equal((1L, 20m, 0L, 0m, 0L), Figures(r, "zero_or_negative_amount"));
        Assert.Equal((1L, 20m, 40000L, 11.76m, 0L), Figures(r, "impossible_dates"));
        Assert.Equal((1L, 20m, 40000L, 11.76m, 0L), Figures(r, "far_future_dates"));
        Assert.Equal((1L, 20m, 40000L, 11.76m, 0L), Figures(r, "far_past_dates"));
        Assert.Equal((1L, 20m, 0L, 0m, 1L), Figures(r, "title_equals_description"));
        Assert.Equal((1L, 20m, 0L, 0m, 1L), Figures(r, "unexpected_identifier_characters"));
        Assert.Equal((3L, 60m, 200000L, 58.82m, 1L), Figures(r, "unknown_org_id_prefix"));
        Assert.Equal((1L, 20m, 0L, 0m, 1L), Figures(r, "no_exchange_rate"));
        Assert.Equal((0L, 0m, 0L, 0m, 0L), Figures(r, "same_id_in_two_imports")); // JSON API grants only
        var unclassified = CheckOf(r, "unclassified");
        Assert.Equal(1, unclassified.GetProperty("grants").GetInt64());
        Assert.Equal(
            "purpose: no activity words",
            unclassified.GetProperty("reasons")[0].GetProperty("reason").GetString()
        );
        Assert.Equal(
            "/api/audit/quality/zero_or_negative_amount/grants?" + Period,
            CheckOf(r, "zero_or_negative_amount").GetProperty("grantsLink").GetString()
        );
    }

    /// <summary>
    /// The Joseph Rowntree Charitable Trust's published 2017 file, posted as it is. Counted independently with
    /// python over the JSON: 31 grants, all awarded 2017-03-18; none has a beneficiaryLocation and no recipient an
    /// addressCountry; every recipient has an id (11 are 360G-JRCT-…, the others GB-CHC, GB-SC, GB-NIC, GB-REV,
    /// BE-BCE_KBO and CH-FDJP, all in the org-id register); 29 GBP grants sum to 2,067,876.00, one EUR 150,000 and one
    /// CHF 175,290 have no rate (none loaded), so 2 grants are unconverted and the converted money is the GBP sum.
    /// </summary>
    [Fact]
    public async Task A_real_360Giving_file_gives_the_counts_worked_out_from_its_JSON()
    {
        var tenant = await app.CreateTenantAsync();
        var path = Path.Combine(RepoPaths.SharedData, "360giving", "360g-joseph-rowntree-ct-2017.json");
        var json = await File.ReadAllTextAsync(path);
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants", new StringContent(json, Encoding.UTF8, "application/json"))
        );

        var r = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/quality?from=2017-01-01&to=2017-12-31&currency=GBP")
        );

        Assert.Equal(
            (31, 206787600, 2),
            (
                r.GetProperty("grants").GetInt64(),
                r.GetProperty("amountMinor").GetInt64(),
                r.GetProperty("unconvertedGrants").GetInt64()
            )
        );
        Assert.Equal((31L, 100m, 206787600L, 100m, 2L), Figures(r, "no_beneficiary_location"));
        // 11 recipients have a 360G-JRCT-ORG: id, which names no country (all GBP: 766,570.00); the others' register
        // prefixes (GB-CHC, GB-SC, …, BE-BCE_KBO, CH-FDJP) say where they are based.
        Assert.Equal((11L, 35.48m, 76657000L, 37.07m, 0L), Figures(r, "recipient_without_country"));
        Assert.Equal(0, CheckOf(r, "unknown_recipient_country").GetProperty("grants").GetInt64()); // none given
        Assert.Equal(0, CheckOf(r, "recipient_without_identifier").GetProperty("grants").GetInt64());
        Assert.Equal(0, CheckOf(r, "unknown_org_id_prefix").GetProperty("grants").GetInt64());
        Assert.Equal(0, CheckOf(r, "zero_or_negative_amount").GetProperty("grants").GetInt64());
        Assert.Equal(0, CheckOf(r, "title_equals_description").GetProperty("grants").GetInt64());
        Assert.Equal((2L, 6.45m, 0L, 0m, 2L), Figures(r, "no_exchange_rate"));
    }

    [Fact]
    public async Task The_grants_of_a_check_come_a_keyset_page_at_a_time_and_only_the_funders_own()
    {
        var tenant = await PortfolioAsync();
        var other = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Zebra("Q9", 0m, "EUR", "2025-05-01")))
        );
        var link = "/api/audit/quality/location_name_without_code/grants?" + Period;

        var first = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync(link + "&limit=2"));
        var second = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync(link + "&limit=2&cursor=" + first.GetProperty("next").GetInt64())
        );

        string[] Ids(JsonElement page) =>
            [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
        Assert.Equal(["Q3", "Q4"], Ids(first));
        Assert.Equal(["Q5"], Ids(second));
        Assert.False(second.TryGetProperty("next", out var next) && next.ValueKind != JsonValueKind.Null);
        Assert.Equal("Atlántida", first.GetProperty("items")[0].GetProperty("detail").GetString());
        var zero = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/quality/zero_or_negative_amount/grants?" + Period)
        );
        Assert.Equal(["Q3"], Ids(zero));
        var theirs = await HttpAssert.OkJsonAsync(
            await other.Client.GetAsync("/api/audit/quality/zero_or_negative_amount/grants?" + Period)
        );
        Assert.Equal(["Q9"], Ids(theirs));
    }

    [Fact]
    public async Task The_csv_export_lists_every_check_with_the_same_figures()
    {
        var tenant = await PortfolioAsync();

        var response = await tenant.Client.GetAsync("/api/audit/quality.csv?" + Period);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(18, lines.Length); // the header and the 17 checks
        Assert.StartsWith("code,title,grants,share_percent,currency,amount,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("no_beneficiary_location,", lines[1], StringComparison.Ordinal);
        Assert.Contains(
            ",1,20,EUR,2000,58.82,0,/api/audit/quality/no_beneficiary_location/grants?",
            lines[1],
            StringComparison.Ordinal
        );
        Assert.StartsWith("unknown_recipient_country,", lines[4], StringComparison.Ordinal);
        Assert.Contains(
            ",1,20,EUR,400,11.76,0,/api/audit/quality/unknown_recipient_country/grants?",
            lines[4],
            StringComparison.Ordinal
        );
    }

    [Theory]
    [InlineData("/api/audit/quality?from=2020-01-01&to=2099-12-31&currency=XXX", "currency")]
    [InlineData("/api/audit/quality?currency=EUR", "from")]
    [InlineData("/api/audit/quality.csv?" + Period + "&region=Atlantis", "region")]
    [InlineData("/api/audit/quality?" + Period + "&source=guess", "source")]
    [InlineData("/api/audit/quality/zero_or_negative_amount/grants?from=2020-01-01&to=2099-12-31", "currency")]
    [InlineData("/api/audit/quality/zero_or_negative_amount/grants?" + Period + "&limit=0", "limit")]
    public async Task A_bad_filter_is_a_problem_naming_the_parameter(string url, string field)
    {
        var tenant = await app.CreateTenantAsync();

        var problem = await HttpAssert.ProblemAsync(await tenant.Client.GetAsync(url), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task An_unknown_check_is_a_404_listing_the_checks()
    {
        var tenant = await app.CreateTenantAsync();

        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.GetAsync("/api/audit/quality/nonsense/grants?" + Period),
            HttpStatusCode.NotFound
        );

        Assert.Contains("no_beneficiary_location", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteQualityApiTests(SqliteApp app) : QualityApiTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresQualityApiTests(PostgresApp app) : QualityApiTests<PostgresApp>(app);

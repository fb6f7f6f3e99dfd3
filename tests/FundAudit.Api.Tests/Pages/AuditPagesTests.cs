using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Audit;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console's baselines and targets, comparison, trend and downloads pages over HTTP, signed in through the
/// sign-in page, on the hand-worked portfolio: the forms store what the API stores and refuse what it refuses, beside
/// the field; another funder sees and changes nothing.
/// </summary>
public abstract class AuditPagesTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static Dictionary<string, string> Form(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    private static string Text(string html) => WebUtility.HtmlDecode(html);

    private static string Between(string html, string start, string end)
    {
        var from = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not in the page");
        var to = html.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        return html[from..(to < 0 ? html.Length : to)];
    }

    private static (string, string)[] Target(string percent, long baselineId, string metric = "local") =>
        [
            ("metric", metric),
            ("direction", "at_least"),
            ("targetpercent", percent),
            ("by", "2027-12-31"),
            ("baselineid", baselineId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];

    private static async Task<JsonElement> ApiAsync(Tenant tenant, string path) =>
        await tenant.Client.GetFromJsonAsync<JsonElement>(path);

    [Fact]
    public async Task An_analyst_freezes_a_baseline_sets_changes_and_removes_a_target_from_the_console()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        var empty = Text(await analyst.GetPageAsync("/app/audit"));
        Assert.Contains("No baseline has been frozen yet.", empty);
        Assert.Contains("value=\"2025-01-01\"", Between(empty, "data-form=\"baseline\"", "</form>")); // last year

        var (status, html) = await analyst.PostPageAsync(
            "/app/audit/baselines",
            Form(("name", "FY2024"), ("from", "2024-01-01"), ("to", "2024-12-31"), ("currency", "eur"))
        );
        Assert.Equal(HttpStatusCode.OK, status);
        var page = Text(html);
        Assert.Contains("Frozen: baseline 'FY2024', 2024-01-01 to 2024-12-31, 4,000.00 EUR in 2 grants.", page);
        var baseline = Assert.Single((await ApiAsync(tenant, "/api/audit/baselines")).EnumerateArray());
        var baselineId = baseline.GetProperty("id").GetInt64();
        var row = Between(page, $"data-baseline=\"{baselineId}\"", "</tr>");
        Assert.Contains("75.00 %", row); // prevention + collective
        Assert.Contains("100.00 %", row); // local

        (status, html) = await analyst.PostPageAsync("/app/audit/targets", Form(Target("30", baselineId)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Target set.", Text(html));
        var target = Assert.Single((await ApiAsync(tenant, "/api/audit/targets")).EnumerateArray());
        var targetId = target.GetProperty("id").GetInt64();
        Assert.Contains("local at least 30.00 %", Text(Between(html, $"data-target=\"{targetId}\"", "</th>")));

        (status, html) = await analyst.PostPageAsync(
            $"/app/audit/targets/{targetId}",
            Form(Target("42,5", baselineId, "prevention_collective"))
        );
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Target {targetId} changed.", Text(html));
        target = Assert.Single((await ApiAsync(tenant, "/api/audit/targets")).EnumerateArray());
        Assert.Equal(
            ("prevention_collective", 42.5m),
            (target.GetProperty("metric").GetString(), target.GetProperty("targetPercent").GetDecimal())
        );

        // A refused change: the problem beside its field, the form open with what was typed, nothing stored.
        (status, html) = await analyst.PostPageAsync($"/app/audit/targets/{targetId}", Form(Target("120", baselineId)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var form = Text(Between(html, $"data-form=\"target-{targetId}\"", "</form>"));
        Assert.Contains($"id=\"targetpercent-{targetId}-error\"", form);
        Assert.Contains("100", Between(form, $"id=\"targetpercent-{targetId}-error\"", "</span>"));
        Assert.Contains("value=\"120\"", form);
        Assert.Contains("<details open", Text(html));
        Assert.Equal(
            42.5m,
            (await ApiAsync(tenant, "/api/audit/targets"))[0].GetProperty("targetPercent").GetDecimal()
        );

        (status, html) = await analyst.PostPageAsync($"/app/audit/targets/{targetId}/delete", Form());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Target {targetId} was removed.", Text(html));
        Assert.Empty((await ApiAsync(tenant, "/api/audit/targets")).EnumerateArray());
    }

    [Theory]
    [InlineData("", "2024-01-01", "2024-12-31", "EUR", "name")]
    [InlineData("Bad period", "2024-12-31", "2024-01-01", "EUR", "to")]
    [InlineData("Bad date", "31/12/2024", "2024-12-31", "EUR", "from")]
    [InlineData("Bad currency", "2024-01-01", "2024-12-31", "XYZ", "currency")]
    public async Task A_refused_baseline_says_what_to_fix_beside_the_field_and_stores_nothing(
        string name,
        string from,
        string to,
        string currency,
        string field
    )
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/audit");

        var (status, html) = await analyst.PostPageAsync(
            "/app/audit/baselines",
            Form(("name", name), ("from", from), ("to", to), ("currency", currency))
        );

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var form = Text(Between(html, "data-form=\"baseline\"", "</form>"));
        Assert.Contains($"id=\"{field}-error\"", form);
        Assert.Contains($"aria-describedby=\"{field}-error\"", form);
        Assert.Contains($"value=\"{from}\"", form); // what was typed stays
        Assert.Empty((await ApiAsync(tenant, "/api/audit/baselines")).EnumerateArray());
    }

    [Fact]
    public async Task A_baseline_name_in_use_is_refused_beside_the_name()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        await HandWorkedPortfolio.BaselineAsync(tenant);
        using var admin = await ConsoleClient.SignInAsync(app, tenant.Key);
        await admin.GetPageAsync("/app/audit");

        var (status, html) = await admin.PostPageAsync(
            "/app/audit/baselines",
            Form(("name", "FY2024"), ("from", "2025-01-01"), ("to", "2025-12-31"), ("currency", "EUR"))
        );

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("A baseline named 'FY2024' exists", Text(Between(html, "id=\"name-error\"", "</span>")));
        Assert.Single((await ApiAsync(tenant, "/api/audit/baselines")).EnumerateArray());
    }

    [Fact]
    public async Task The_trend_page_shows_each_years_shares_with_its_chart_and_downloads()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);

        var page = Text(await officer.GetPageAsync("/app/trend?from=2024-01-01&to=2026-12-31&currency=EUR"));

        var y2025 = Between(page, "data-year=\"2025\"", "</tr>");
        Assert.Contains("5,250.08", y2025);
        Assert.Contains("38.09 %", Between(y2025, "data-share=\"prevention-collective\"", "</td>"));
        Assert.Contains("19.05 %", Between(y2025, "data-share=\"flexible\"", "</td>"));
        Assert.Contains("80.95 %", Between(y2025, "data-share=\"local\"", "</td>"));
        Assert.Contains("23.81 %", Between(y2025, "data-share=\"unclassified\"", "</td>"));
        Assert.Contains(
            "100.00 %",
            Between(Between(page, "data-year=\"2026\"", "</tr>"), "data-share=\"other\"", "</td>")
        );
        Assert.Contains("id=\"trend-title\"", page);
        Assert.Contains("id=\"trend-desc\"", page);

        var csv = await officer.GetAsync("/app/downloads/trend.csv?from=2024-01-01&to=2026-12-31&currency=EUR");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains("2025,2025-01-01,2025-12-31,EUR,5250.08,4,", await csv.Content.ReadAsStringAsync());

        var bad = Text(
            await officer.GetPageAsync(
                "/app/trend?from=2026-12-31&to=2024-01-01&currency=EUR",
                HttpStatusCode.BadRequest
            )
        );
        Assert.Contains("'to' is before 'from'.", Between(bad, "id=\"to-error\"", "</span>"));

        // Days DateOnly's arithmetic cannot take a year from (downloads) or a fiscal year after (trend) were 500s.
        foreach (var url in new[] { "/app/trend?from=9999-01-01&to=9999-12-31", "/app/downloads?from=0001-01-01" })
        {
            var far = Text(await officer.GetPageAsync(url + "&currency=EUR", HttpStatusCode.BadRequest));
            Assert.Contains("A day from 1900-01-01 to 2200-12-31.", far, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_compare_page_sets_two_periods_or_a_baseline_and_a_period_side_by_side()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        var baselineId = await HandWorkedPortfolio.BaselineAsync(tenant);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var periods = Text(
            await analyst.GetPageAsync(
                "/app/compare?thenfrom=2024-01-01&thento=2024-12-31&nowfrom=2025-01-01&nowto=2025-12-31&currency=EUR"
            )
        );
        var local = Between(periods, "data-line=\"local\"", "</tr>");
        Assert.Contains("100.00 %", local);
        Assert.Contains("80.95 %", local);
        Assert.Contains("−19.05 pp", local);
        Assert.Contains("−36.91 pp", Between(periods, "data-line=\"prevention+collective\"", "</tr>"));
        Assert.Contains("id=\"compare-title\"", periods);

        var withBaseline = Text(
            await analyst.GetPageAsync($"/app/compare?baseline={baselineId}&nowfrom=2025-01-01&nowto=2025-12-31")
        );
        Assert.Contains("FY2024 (2024-01-01 to 2024-12-31) beside 2025-01-01 to 2025-12-31", withBaseline);
        Assert.Contains("−19.05 pp", Between(withBaseline, "data-line=\"local\"", "</tr>"));
        var svg = await analyst.GetAsync(
            $"/app/downloads/baselines/{baselineId}/compare.svg?from=2025-01-01&to=2025-12-31"
        );
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);

        var bad = Text(
            await analyst.GetPageAsync(
                "/app/compare?thenfrom=2024-01-01&thento=nonsense&nowfrom=2025-01-01&nowto=2025-12-31&currency=EUR",
                HttpStatusCode.BadRequest
            )
        );
        Assert.Contains("Give a date as YYYY-MM-DD.", Between(bad, "id=\"thento-error\"", "</span>"));
    }

    [Fact]
    public async Task The_downloads_page_links_every_export_and_each_link_opens_with_the_session()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        await HandWorkedPortfolio.BaselineAsync(tenant);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var page = await analyst.GetPageAsync("/app/downloads?from=2025-01-01&to=2025-12-31&currency=EUR");

        var links = System
            .Text.RegularExpressions.Regex.Matches(page, "href=\"(/app/downloads/[^\"]+)\"")
            .Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))
            .ToList();
        foreach (
            var export in new[]
            {
                "grants.csv",
                "mix.csv",
                "mix.svg",
                "quality.csv",
                "trend.csv",
                "trend.svg",
                "compare.csv",
                "compare.svg",
                "/compare.csv",
                "/compare.svg",
            }
        )
        {
            Assert.Contains(links, l => l.Contains(export, StringComparison.Ordinal));
        }

        Assert.Equal(10, links.Count);
        foreach (var link in links)
        {
            var response = await analyst.GetAsync(link);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{link}: {(int)response.StatusCode}");
            Assert.Equal(
                link.Contains(".svg", StringComparison.Ordinal) ? "image/svg+xml" : "text/csv",
                response.Content.Headers.ContentType?.MediaType
            );
        }

        Assert.Contains(
            "G1",
            await (
                await analyst.GetAsync(links.Single(l => l.Contains("grants.csv", StringComparison.Ordinal)))
            ).Content.ReadAsStringAsync()
        );

        // An API key opens no page, and the page links are not the API.
        var withKey = await tenant.Client.GetAsync(links[0]); // the API client follows the redirect to the sign-in page
        Assert.Equal("/app/sign-in", withKey.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("text/html", withKey.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task One_funders_session_sees_nothing_of_anothers_baselines_targets_or_trend_and_changes_nothing()
    {
        var owner = await HandWorkedPortfolio.CreateAsync(app);
        var baselineId = await HandWorkedPortfolio.BaselineAsync(owner);
        var target = await HttpAssert.OkJsonAsync(
            await owner.Client.PostAsJsonAsync(
                "/api/audit/targets",
                new
                {
                    metric = "local",
                    direction = "at_least",
                    targetPercent = 30,
                    by = "2027-12-31",
                    baselineId,
                }
            ),
            HttpStatusCode.Created
        );
        var targetId = target.GetProperty("id").GetInt64();
        var other = await app.CreateTenantAsync();
        var theirs = await HandWorkedPortfolio.BaselineAsync(other, "Theirs");
        using var console = await ConsoleClient.SignInAsync(app, other.Key);

        var audit = Text(await console.GetPageAsync("/app/audit"));
        Assert.DoesNotContain("FY2024", audit);
        Assert.DoesNotContain($"data-target=\"{targetId}\"", audit);
        Assert.Contains("No target yet.", audit);

        var (status, _) = await console.PostPageAsync($"/app/audit/targets/{targetId}", Form(Target("99", theirs)));
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, _) = await console.PostPageAsync($"/app/audit/targets/{targetId}/delete", Form());
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, var html) = await console.PostPageAsync("/app/audit/targets", Form(Target("10", baselineId)));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(
            $"There is no baseline {baselineId}.",
            Text(Between(html, "id=\"baselineid-new-error\"", "</span>"))
        );
        var kept = Assert.Single((await ApiAsync(owner, "/api/audit/targets")).EnumerateArray());
        Assert.Equal(30m, kept.GetProperty("targetPercent").GetDecimal());
        Assert.Empty((await ApiAsync(other, "/api/audit/targets")).EnumerateArray());

        var trend = Text(await console.GetPageAsync("/app/trend?from=2024-01-01&to=2026-12-31&currency=EUR"));
        Assert.Contains("0.00", Between(trend, "data-year=\"2025\"", "</tr>"));
        Assert.DoesNotContain("5,250.08", trend);
        var probe = Text(
            await console.GetPageAsync(
                $"/app/compare?baseline={baselineId}&nowfrom=2025-01-01&nowto=2025-12-31",
                HttpStatusCode.BadRequest
            )
        );
        Assert.Contains($"There is no baseline {baselineId} in your portfolio.", probe);
        var download = await console.GetAsync(
            $"/app/downloads/baselines/{baselineId}/compare.csv?from=2025-01-01&to=2025-12-31"
        );
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.DoesNotContain(
            "G1",
            await (await console.GetAsync("/app/downloads/grants.csv")).Content.ReadAsStringAsync()
        );
    }

    [Fact]
    public async Task An_officer_reads_the_audit_pages_but_cannot_freeze_or_set()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);

        var page = await officer.GetPageAsync("/app/audit");
        Assert.Contains("data-read-only", page);
        Assert.DoesNotContain("data-form=\"baseline\"", page);
        Assert.Contains("href=\"/app/trend\"", page); // the navigation
        Assert.Contains("href=\"/app/downloads\"", page);

        var response = await officer.PostFormAsync(
            "/app/audit/baselines",
            Form(("name", "Officer's"), ("from", "2024-01-01"), ("to", "2024-12-31"), ("currency", "EUR"))
        );
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/app/forbidden", response.Headers.Location?.OriginalString);
        Assert.Empty((await ApiAsync(tenant, "/api/audit/baselines")).EnumerateArray());
    }

    [Fact]
    public async Task The_audit_pages_answer_with_the_page_headers_and_no_script_or_inline_style()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        var baselineId = await HandWorkedPortfolio.BaselineAsync(tenant);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        var responses = new List<(string, HttpResponseMessage)>();
        foreach (
            var path in new[]
            {
                "/app/audit",
                "/app/trend",
                "/app/trend?from=x",
                "/app/compare",
                $"/app/compare?baseline={baselineId}",
                "/app/downloads",
                "/app/downloads?to=2000-01-01",
            }
        )
        {
            responses.Add((path, await analyst.GetAsync(path)));
        }

        await analyst.GetPageAsync("/app/audit");
        responses.Add(("POST refused", await analyst.PostFormAsync("/app/audit/baselines", Form(("name", "")))));
        foreach (var (what, response) in responses)
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(
                "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
                response.Headers.GetValues("Content-Security-Policy").Single()
            );
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch("<[^>]+\\son[a-z]+=", html);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, what);
        }
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteAuditPagesTests(SqliteApp app) : AuditPagesTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresAuditPagesTests(PostgresApp app) : AuditPagesTests<PostgresApp>(app);

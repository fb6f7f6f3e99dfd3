using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console's portfolio pages over HTTP, signed in through the sign-in page: the mix beside its baseline with the
/// targets, the review queue and its corrections, the imports and their errors; isolation between funders; page headers.
/// </summary>
public abstract class PortfolioPagesTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static Dictionary<string, string> Form(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    /// <summary>The page as text, entities decoded, so that assertions read like the page does.</summary>
    private static string Text(string html) => WebUtility.HtmlDecode(html);

    /// <summary>
    /// The audit's hand-worked portfolio (see AuditApiTests). 2025 in EUR: total 5,250.08 in 4 grants; local/prevention
    /// 1,000.00 (19.05%, flexible), local/emergency 2,000.00 (38.09%), national/collective 1,000.00 (19.05%, corrected by
    /// hand), local/unclassified 1,250.08 (23.81%); prevention+collective 38.09%, flexible 19.05%, local 80.95%. Baseline
    /// FY2024 (EUR 4,000.00): local 100%, prevention 75%, emergency 25%.
    /// </summary>
    private async Task<(Tenant Tenant, long BaselineId)> HandWorkedPortfolioAsync()
    {
        var tenant = await Audit.HandWorkedPortfolio.CreateAsync(app, withOther: false);
        var id = await Audit.HandWorkedPortfolio.BaselineAsync(tenant);
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsJsonAsync(
                "/api/audit/targets",
                new
                {
                    metric = "prevention_collective",
                    direction = "at_least",
                    targetPercent = 80m,
                    by = "2027-12-31",
                    baselineId = id,
                }
            ),
            HttpStatusCode.Created
        );
        return (tenant, id);
    }

    private static string Between(string html, string start, string end)
    {
        var from = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not in the page");
        var to = html.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        return html[from..(to < 0 ? html.Length : to)];
    }

    [Fact]
    public async Task The_portfolio_page_shows_the_hand_checked_mix_with_the_baseline_and_targets_beside_it()
    {
        var (tenant, baselineId) = await HandWorkedPortfolioAsync();
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);

        var page = Text(await officer.GetPageAsync("/app/portfolio?from=2025-01-01&to=2025-12-31&currency=EUR"));

        Assert.Contains("5,250.08 EUR in 4 grants", Between(page, "data-figure=\"total\"", "</dd>"));
        Assert.Contains("38.09 %", Between(page, "data-figure=\"prevention-collective\"", "</dd>"));
        Assert.Contains("19.05 %", Between(page, "data-figure=\"flexible\"", "</dd>"));
        Assert.Contains("80.95 %", Between(page, "data-figure=\"local\"", "</dd>"));
        Assert.Contains("1,250.08 EUR in 1 grant (23.81 %)", Between(page, "data-figure=\"unclassified\"", "</dd>"));
        var lp = Between(page, "data-cell=\"local/prevention\"", "</td>");
        Assert.Contains("1,000.00", lp);
        Assert.Contains("19.05 %", lp);
        var le = Between(page, "data-cell=\"local/emergency\"", "</td>");
        Assert.Contains("2,000.00", le);
        Assert.Contains("38.09 %", le);
        Assert.Contains("1,000.00", Between(page, "data-cell=\"national/collective\"", "</td>")); // the manual correction counts
        Assert.Contains("1,250.08", Between(page, "data-cell=\"local/unclassified\"", "</td>"));
        Assert.Contains("4,250.08", Between(page, "data-cell=\"local/*\"", "</td>"));
        Assert.Contains("id=\"mix-title\"", page); // the audit's level × purpose chart, inline

        // The latest baseline beside it: shares then, now and the shift, and the audit's comparison chart.
        Assert.Contains($"data-baseline=\"{baselineId}\"", page);
        Assert.Contains("<option value=\"" + baselineId + "\" selected", page);
        var local = Between(page, "data-line=\"local\"", "</tr>");
        Assert.Contains("100.00 %", local);
        Assert.Contains("80.95 %", local);
        Assert.Contains("−19.05 pp", local);
        Assert.Contains("−55.95 pp", Between(page, "data-line=\"prevention\"", "</tr>"));
        Assert.Contains("−36.91 pp", Between(page, "data-line=\"prevention+collective\"", "</tr>"));
        Assert.Contains("+19.05 pp", Between(page, "data-line=\"flexible\"", "</tr>"));
        Assert.Contains("id=\"compare-title\"", page);

        // The target: baseline value 75, current 38.09, not met and behind the line.
        var target = Between(page, "data-target=", "</tr>");
        Assert.Contains("prevention + collective at least 80.00 %", target);
        Assert.Contains("75.00 %", target);
        Assert.Contains("38.09 %", target);
        Assert.Contains("Behind", target);

        // Without a query: the current calendar year (the test clock says 2026) in the funder's most used currency (EUR: 3 grants).
        var defaults = await officer.GetPageAsync("/app/portfolio");
        Assert.Contains("value=\"2026-01-01\"", defaults);
        Assert.Contains("value=\"2026-12-31\"", defaults);
        Assert.Contains("value=\"EUR\"", Between(defaults, "id=\"currency\"", ">"));
        Assert.Contains("0.00 EUR in 0 grants", Text(defaults));
    }

    [Fact]
    public async Task A_missing_exchange_rate_is_said_on_the_portfolio_page_not_as_an_error_page()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(Prevention("M1", 100m, "EUR", "2025-02-10"), Emergency("M2", 2500m, "USD", "2025-03-04"))
            )
        );
        using var admin = await ConsoleClient.SignInAsync(app, tenant.Key);

        var response = await admin.GetAsync("/app/portfolio?from=2025-01-01&to=2025-12-31&currency=EUR");
        var page = Text(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var problem = Between(page, "data-problem=\"mix\"", "</p>");
        Assert.Contains("cannot be converted to EUR", problem);
        Assert.Contains("USD on 2025-03-04", problem);
        Assert.Contains("<h1>Portfolio</h1>", page); // the console's page with its form, to choose another currency
        Assert.Contains("name=\"currency\"", page);
        Assert.DoesNotContain("data-figure=\"total\"", page);
    }

    [Fact]
    public async Task An_analyst_corrects_a_grant_from_the_review_queue_and_it_leaves_the_queue()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(Zebra("Z-1"), Zebra("Z/2", title: "Zebra herd")))
        );
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var queue = await analyst.GetPageAsync("/app/review");
        Assert.Contains("data-grant=\"Z-1\"", queue);
        Assert.Contains("data-grant=\"Z/2\"", queue);
        Assert.Contains("action=\"/app/review/Z%2F2\"", queue);
        Assert.Contains("<option value=\"collective\">collective</option>", queue);

        var (status, html) = await analyst.PostPageAsync(
            "/app/review/Z%2F2",
            Form(("level", ""), ("purpose", "collective"), ("reason", "Board papers: a collective protection network."))
        );

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(
            "Saved: grant Z/2 is now purpose collective (a manual correction). It has left the review queue.",
            Text(html)
        );
        Assert.DoesNotContain("data-grant=\"Z/2\"", html);
        Assert.Contains("data-grant=\"Z-1\"", html);
        var purpose = (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/" + Uri.EscapeDataString("Z/2")))
            .GetProperty("classification")
            .GetProperty("purpose");
        Assert.Equal(
            ("collective", "manual"),
            (purpose.GetProperty("value").GetString(), purpose.GetProperty("source").GetString())
        );
        Assert.DoesNotContain(
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/classification/review"))
                .GetProperty("items")
                .EnumerateArray(),
            i => i.GetProperty("id").GetString() == "Z/2"
        );
    }

    [Fact]
    public async Task A_refused_correction_says_what_to_fix_beside_the_form_and_keeps_what_was_typed()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(Zebra("V-1"))));
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/review");

        var (noChoice, html) = await analyst.PostPageAsync(
            "/app/review/V-1",
            Form(("level", ""), ("purpose", ""), ("reason", "Because."))
        );
        Assert.Equal(HttpStatusCode.BadRequest, noChoice);
        var form = Between(Text(html), "data-correct=\"V-1\"", "</form>");
        Assert.Contains("Give at least one of level, purpose or flexible.", form);
        Assert.Contains("value=\"Because.\"", form);

        var (noReason, html2) = await analyst.PostPageAsync(
            "/app/review/V-1",
            Form(("level", "regional"), ("purpose", "prevention"), ("reason", "  "))
        );
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        var form2 = Between(Text(html2), "data-correct=\"V-1\"", "</form>");
        Assert.Contains("Say why, for the next person who reads this grant.", form2);
        Assert.Contains("<option value=\"regional\" selected", form2);
        Assert.Contains("<option value=\"prevention\" selected", form2);

        var grant = (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/V-1")).GetProperty(
            "classification"
        );
        Assert.Equal("unclassified", grant.GetProperty("purpose").GetProperty("value").GetString());
        Assert.NotEqual("manual", grant.GetProperty("level").GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_officer_reads_the_queue_but_cannot_post_a_correction()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(Zebra("O-1"))));
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);

        var queue = await officer.GetPageAsync("/app/review");
        Assert.Contains("data-grant=\"O-1\"", queue);
        Assert.Contains("data-read-only", queue);
        Assert.DoesNotContain("data-correct=", queue);

        var response = await officer.PostFormAsync(
            "/app/review/O-1",
            Form(("purpose", "campaign"), ("reason", "An officer's guess."))
        );
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/app/forbidden", response.Headers.Location?.OriginalString);
        Assert.Equal(
            "unclassified",
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/O-1"))
                .GetProperty("classification")
                .GetProperty("purpose")
                .GetProperty("value")
                .GetString()
        );
    }

    [Fact]
    public async Task A_correction_posted_without_the_antiforgery_token_is_refused_and_nothing_is_stored()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(Zebra("F-1"))));
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/review");

        var (status, html) = await analyst.PostPageAsync(
            "/app/review/F-1",
            Form(("purpose", "campaign"), ("reason", "Forged.")),
            withToken: false
        );
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("The form has expired", html);
        var (forged, _) = await analyst.PostPageAsync(
            "/app/review/F-1",
            Form(("purpose", "campaign"), ("reason", "Forged."), ("_form", "CfDJ8forged")),
            withToken: false
        );
        Assert.Equal(HttpStatusCode.BadRequest, forged);

        Assert.Equal(
            "unclassified",
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/F-1"))
                .GetProperty("classification")
                .GetProperty("purpose")
                .GetProperty("value")
                .GetString()
        );
    }

    [Fact]
    public async Task The_imports_pages_list_an_import_and_show_its_rejected_rows()
    {
        var tenant = await app.CreateTenantAsync();
        var id = await ImportAsync(
            tenant,
            "Identifier,Title,Description,Currency,Amount Awarded,Award Date\n"
                + "R-1,Good,D,GBP,10,2024-01-01\nR-2,Bad amount,D,GBP,12.345,2024-01-01\nR-3,Good,D,GBP,20,2024-01-02\n"
        );
        var apiErrors = (await tenant.Client.GetFromJsonAsync<JsonElement>($"/api/grants/imports/{id}/errors"))
            .GetProperty("errors")
            .EnumerateArray()
            .ToList();
        var error = Assert.Single(apiErrors);
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);

        var list = Text(await officer.GetPageAsync("/app/imports"));
        var row = Between(list, $"data-import=\"{id}\"", "</tr>");
        Assert.Contains($"href=\"/app/imports/{id}\"", row);
        Assert.Contains("succeeded", row);
        Assert.Contains("2 created, 0 updated, 0 unchanged", row);

        var page = Text(await officer.GetPageAsync($"/app/imports/{id}"));
        Assert.Contains("data-status=\"succeeded\"", page);
        Assert.Contains("3 in the file", page);
        Assert.Contains("1 rejected", page);
        var errorRow = Between(page, $"data-row=\"{error.GetProperty("row").GetInt64()}\"", "</tr>");
        Assert.Contains(error.GetProperty("message").GetString()!, errorRow);
        Assert.Contains(error.GetProperty("code").GetString()!, errorRow);
        if (error.TryGetProperty("column", out var column) && column.ValueKind == JsonValueKind.String)
        {
            Assert.Contains(column.GetString()!, errorRow);
        }

        Assert.DoesNotContain("12.345", page); // the errors never echo a cell
        await officer.GetPageAsync($"/app/imports/{id + 100000}", HttpStatusCode.NotFound);
        Assert.Contains(
            "No import with this number",
            await officer.GetPageAsync("/app/imports/not-a-number", HttpStatusCode.NotFound)
        );
    }

    [Fact]
    public async Task One_funders_session_sees_nothing_of_anothers_grants_imports_baselines_or_mix()
    {
        var (owner, baselineId) = await HandWorkedPortfolioAsync();
        await HttpAssert.OkJsonAsync(
            await owner.Client.PostPackageAsync(Giving.Package(Zebra("SECRET-1", title: "Secret programme")))
        );
        var importId = await ImportAsync(
            owner,
            "Identifier,Title,Description,Currency,Amount Awarded,Award Date\nI-1,Owner import,D,GBP,12.345,2024-01-01\n"
        );

        var other = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Prevention("OTHER-1", 50m, "USD", "2026-02-01")))
        );
        using var console = await ConsoleClient.SignInAsync(app, other.Key);

        var review = await console.GetPageAsync("/app/review");
        Assert.DoesNotContain("SECRET-1", review);
        Assert.DoesNotContain("data-grant=\"G4\"", review);

        var imports = await console.GetPageAsync("/app/imports");
        Assert.DoesNotContain($"data-import=\"{importId}\"", imports);
        Assert.Contains("No import yet.", imports);
        await console.GetPageAsync($"/app/imports/{importId}", HttpStatusCode.NotFound);

        // The other funder's own default: its only currency, its own (empty) baselines; the owner's baseline is not found.
        var portfolio = Text(await console.GetPageAsync("/app/portfolio"));
        Assert.Contains("value=\"USD\"", Between(portfolio, "id=\"currency\"", ">"));
        Assert.Contains("50.00 USD in 1 grant", portfolio);
        Assert.DoesNotContain("FY2024", portfolio);
        Assert.Contains("No baseline has been frozen yet", portfolio);
        var probe = Text(
            await console.GetPageAsync(
                $"/app/portfolio?from=2025-01-01&to=2025-12-31&currency=EUR&baseline={baselineId}",
                HttpStatusCode.BadRequest
            )
        );
        Assert.Contains($"There is no baseline {baselineId} in your portfolio.", probe);
        var mix = Text(await console.GetPageAsync("/app/portfolio?from=2025-01-01&to=2025-12-31&currency=EUR"));
        Assert.Contains("0.00 EUR in 0 grants", mix);

        // A correction aimed at the owner's grant finds nothing and changes nothing.
        var (status, html) = await console.PostPageAsync(
            "/app/review/SECRET-1",
            Form(("purpose", "campaign"), ("reason", "Hostile."))
        );
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("No grant with this identifier in your portfolio.", Text(html));
        Assert.Equal(
            "unclassified",
            (await owner.Client.GetFromJsonAsync<JsonElement>("/api/grants/SECRET-1"))
                .GetProperty("classification")
                .GetProperty("purpose")
                .GetProperty("value")
                .GetString()
        );
    }

    [Fact]
    public async Task Every_portfolio_page_answers_with_the_page_headers_and_no_inline_script_or_style()
    {
        var (tenant, _) = await HandWorkedPortfolioAsync();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(Zebra("H-1"))));
        var importId = await ImportAsync(
            tenant,
            "Identifier,Title,Description,Currency,Amount Awarded,Award Date\nH-2,Bad,D,GBP,1.234,2024-01-01\n"
        );

        using (var anonymous = ConsoleClient.Anonymous(app))
        {
            var signedOut = await anonymous.GetAsync("/app/portfolio");
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            Assert.StartsWith("/app/sign-in", signedOut.Headers.Location?.OriginalString);
            Assert.Contains("default-src 'self'", signedOut.Headers.GetValues("Content-Security-Policy").Single());
        }

        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        var responses = new List<(string What, HttpResponseMessage Response)>();
        foreach (
            var path in new[]
            {
                "/app/portfolio",
                "/app/portfolio?from=2025-01-01&to=2025-12-31&currency=EUR",
                "/app/portfolio?from=2025-01-01&to=2025-12-31&currency=JPY",
                "/app/portfolio?from=nonsense",
                "/app/review",
                "/app/imports",
                $"/app/imports/{importId}",
                "/app/imports/999999999",
            }
        )
        {
            responses.Add((path, await analyst.GetAsync(path)));
        }

        await analyst.GetPageAsync("/app/review");
        responses.Add(
            (
                "POST correction",
                await analyst.PostFormAsync("/app/review/H-1", Form(("purpose", "campaign"), ("reason", "Media work.")))
            )
        );
        responses.Add(
            ("POST refused", await analyst.PostFormAsync("/app/review/H-1", Form(("reason", "Nothing chosen."))))
        );
        responses.Add(
            (
                "POST without token",
                await analyst.PostFormAsync("/app/review/H-1", Form(("purpose", "campaign")), withToken: false)
            )
        );

        foreach (var (what, response) in responses)
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), what + ": no CSP");
            Assert.Equal(
                "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
                csp!.Single()
            );
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch("<[^>]+\\son[a-z]+=", html); // no event handler attributes
        }
    }

    private async Task<long> ImportAsync(Tenant tenant, string csv)
    {
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", new StringContent(csv, Encoding.UTF8, "text/csv")),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        return id;
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqlitePortfolioPagesTests(SqliteApp app) : PortfolioPagesTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresPortfolioPagesTests(PostgresApp app) : PortfolioPagesTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerPortfolioPagesTests(SqlServerApp app)
    : PortfolioPagesTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif

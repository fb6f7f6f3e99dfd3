using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Audit;
using Microsoft.Playwright;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console's audit pages in a real browser (system Chromium through Playwright; JavaScript on only for axe, the
/// pages have none): an analyst freezes a baseline, sets a target, tries and saves a rule set and reads the trend, with axe on
/// every page on the way.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditBrowserTests(KestrelSqliteApp app, ChromiumFixture chromium)
{
    [Fact]
    public async Task An_analyst_freezes_a_baseline_sets_a_target_tries_a_rule_set_and_reads_the_trend()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        var analyst = await app.AddKeyAsync(tenant, Roles.Analyst, "ana");
        await using var context = await chromium.Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                JavaScriptEnabled = true, // for axe; the pages have no script
                Locale = "en-GB",
                BaseURL = app.BaseUrl,
                ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            }
        );
        var requests = new List<string>();
        context.Request += (_, r) =>
        {
            lock (requests)
            {
                requests.Add(r.Url);
            }
        };
        var page = await context.NewPageAsync();
        var checkedPages = new List<string>();
        async Task CheckAsync(string name)
        {
            var result = await page.RunAxe();
            Assert.NotEmpty(result.Passes);
            var bad = result
                .Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{name}: {v.Id} ({v.Impact}) {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
                .ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad));
            checkedPages.Add(name);
        }

        await page.GotoAsync("/app/audit");
        var person = await TestPeople.ForKeyAsync(app, analyst.Key); // the person who owns the analyst's key
        await page.GetByLabel("Email").FillAsync(person.Email);
        await page.GetByLabel("Password").FillAsync(person.Password);
        await page.GetByLabel("Code", new() { Exact = false }).FillAsync(person.TakeRecoveryCode());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.EndsWith("/app/audit", page.Url, StringComparison.Ordinal);
        await CheckAsync("baselines and targets");

        // A mistake first: no name. The page says so beside the field.
        var baselineForm = page.Locator("[data-form=\"baseline\"]");
        await baselineForm.GetByLabel("From").FillAsync("2024-01-01");
        await baselineForm.GetByLabel("To").FillAsync("2024-12-31");
        await baselineForm.GetByRole(AriaRole.Button, new() { Name = "Freeze the baseline" }).ClickAsync();
        Assert.True(await page.Locator("#name-error").IsVisibleAsync());
        await CheckAsync("baseline refused");
        await page.Locator("[data-form=\"baseline\"]").GetByLabel("Name").FillAsync("FY2024");
        await page.Locator("[data-form=\"baseline\"]")
            .GetByRole(AriaRole.Button, new() { Name = "Freeze the baseline" })
            .ClickAsync();
        Assert.Contains("Frozen: baseline 'FY2024'", await page.Locator("main").InnerTextAsync());

        var targetForm = page.Locator("[data-form=\"target\"]");
        await targetForm.GetByLabel("Metric").SelectOptionAsync("prevention_collective");
        await targetForm.GetByLabel("Share (%)").FillAsync("80");
        await targetForm.GetByRole(AriaRole.Button, new() { Name = "Set the target" }).ClickAsync();
        Assert.Contains(
            "prevention + collective at least 80.00 %",
            await page.Locator("[data-table=\"targets\"]").InnerTextAsync()
        );
        await CheckAsync("target set");

        await page.GetByRole(AriaRole.Link, new() { Name = "Rule set" }).ClickAsync();
        await CheckAsync("rule set");
        var rules = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        rules["version"] = "browser-1";
        rules["purpose"]!["terms"]!["campaign"]!["zebra"] = 10;
        await page.GetByLabel("The rule set (JSON)").FillAsync(rules.ToJsonString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Try it (dry run)" }).ClickAsync();
        Assert.Contains("would change level or purpose", await page.Locator("[data-dry-run]").InnerTextAsync());
        await CheckAsync("rule set dry run");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and classify again" }).ClickAsync();
        Assert.Contains("Saved: rule set browser-1", await page.Locator("main").InnerTextAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Trend" }).ClickAsync();
        await page.GotoAsync("/app/trend?from=2024-01-01&to=2026-12-31&currency=EUR");
        Assert.Contains("38.09 %", await page.Locator("[data-year=\"2025\"]").InnerTextAsync());
        await CheckAsync("trend");
        await page.GotoAsync("/app/compare?thenfrom=2024-01-01&thento=2024-12-31&nowfrom=2025-01-01&nowto=2025-12-31");
        await CheckAsync("compare");
        await page.GetByRole(AriaRole.Link, new() { Name = "Downloads" }).ClickAsync();
        await CheckAsync("downloads");
        Assert.Equal(8, checkedPages.Count);
        Assert.All(requests, url => Assert.StartsWith(app.BaseUrl + "/", url, StringComparison.Ordinal));
    }
}

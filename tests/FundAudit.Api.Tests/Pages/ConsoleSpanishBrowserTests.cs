using Deque.AxeCore.Playwright;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Audit;
using Microsoft.Playwright;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console in Spanish in a real browser (system Chromium, its language Spanish, so Accept-Language: es): an
/// analyst signs in with the Spanish form and reads the portfolio's pages, axe clean on every one; a language link
/// then switches to French and the next pages keep it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleSpanishBrowserTests(KestrelSqliteApp app, ChromiumFixture chromium)
{
    private static string Es(string key) => ConsoleText.Get(key, "es")!;

    [Fact]
    public async Task An_analyst_reads_the_console_in_spanish_axe_clean_and_switches_to_french()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        var analyst = await app.AddKeyAsync(tenant, Roles.Analyst, "ana");
        await using var context = await chromium.Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                JavaScriptEnabled = true, // for axe; the pages have no script
                Locale = "es-ES",
                BaseURL = app.BaseUrl,
                ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            }
        );
        var page = await context.NewPageAsync();
        async Task CheckAsync(string name)
        {
            Assert.Equal("es", await page.Locator("html").GetAttributeAsync("lang"));
            var result = await page.RunAxe();
            Assert.NotEmpty(result.Passes);
            var bad = result
                .Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{name}: {v.Id} ({v.Impact}) {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
                .ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad));
        }

        await page.GotoAsync("/app/portfolio?from=2024-01-01&to=2025-12-31&currency=EUR");
        Assert.Equal(Es("SignIn_Title"), await page.Locator("h1").InnerTextAsync());
        await CheckAsync("sign-in");
        var person = await TestPeople.ForKeyAsync(app, analyst.Key);
        await page.GetByLabel(Es("Field_Email")).FillAsync(person.Email);
        await page.GetByLabel(Es("Field_Password")).FillAsync(person.Password);
        await page.GetByLabel(Es("Field_Code"), new() { Exact = false }).FillAsync(person.TakeRecoveryCode());
        await page.GetByRole(AriaRole.Button, new() { Name = Es("SignIn_Submit") }).ClickAsync();

        Assert.Equal(Es("Portfolio_Title"), await page.Locator("h1").InnerTextAsync());
        // Amounts in the Spanish way: a comma before the cents.
        Assert.Matches(@"\d,\d\d EUR", await page.Locator("[data-figure=\"total\"]").InnerTextAsync());
        await CheckAsync("portfolio");
        foreach (
            var (path, title) in new[]
            {
                ("/app/audit", "Audit_Title"),
                ("/app/trend?from=2024-01-01&to=2025-12-31&currency=EUR", "Trend_Title"),
                ("/app/rules", "Rules_Title"),
                ("/app/imports", "Imports_Title"),
                ("/app/quality", "Quality_Title"),
                ("/app/review", "Review_Title"),
                ("/app/downloads", "Downloads_Title"),
            }
        )
        {
            await page.GotoAsync(path);
            Assert.Equal(Es(title), await page.Locator("h1").InnerTextAsync());
            await CheckAsync(path);
        }

        // The shell's language links keep the page; the chosen language then stays on the next pages.
        await page.GetByRole(AriaRole.Link, new() { Name = "Français" }).ClickAsync();
        Assert.EndsWith("/app/downloads?lang=fr", page.Url, StringComparison.Ordinal);
        Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
        await page.GetByRole(AriaRole.Link, new() { Name = ConsoleText.Get("Nav_Portfolio", "fr")! }).ClickAsync();
        Assert.Equal(ConsoleText.Get("Portfolio_Title", "fr"), await page.Locator("h1").InnerTextAsync());
    }
}

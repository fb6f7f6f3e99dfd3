using Deque.AxeCore.Playwright;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Classification.RealData;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// Issue 14's walk-through in a real browser (system Chromium, axe on every page): an analyst uploads a published
/// 360Giving workbook (A B Charitable Trust, ../shared/data) from the console's imports page, watches the import page
/// (which refreshes itself) until the import ends with its 783 grants, then reads the data-quality page; the same pages
/// in Spanish. The import job is the service's own, run here when the page says the import is queued (the test host
/// runs no Hangfire server).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportBrowserTests(KestrelSqliteApp app, ChromiumFixture chromium)
{
    [Fact]
    public async Task An_analyst_uploads_a_published_workbook_watches_it_finish_and_reads_the_quality_page()
    {
        var data = RealGrantSources.FindDataFolder()
            ?? throw new DirectoryNotFoundException("../shared/data (the published files) was not found");
        var workbook = Path.Combine(data, "360giving", "360g-ab-charitable-trust-2013-2020.xlsx");
        var tenant = await app.CreateTenantAsync();
        var analyst = await app.AddKeyAsync(tenant, Roles.Analyst, "ana");
        await using var context = await chromium.Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                JavaScriptEnabled = true, // for axe; the pages have no script
                BaseURL = app.BaseUrl,
                ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            }
        );
        var page = await context.NewPageAsync();
        async Task CheckAsync(string name, params string[] allowedRules)
        {
            var result = await page.RunAxe();
            Assert.NotEmpty(result.Passes);
            var bad = result
                .Violations.Where(v => v.Impact is "serious" or "critical" && !allowedRules.Contains(v.Id))
                .Select(v => $"{name}: {v.Id} ({v.Impact}) {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
                .ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad));
        }

        string En(string key) => ConsoleText.Get(key, "en")!;
        await page.GotoAsync("/app/imports?lang=en");
        var person = await TestPeople.ForKeyAsync(app, analyst.Key);
        await page.GetByLabel(En("Field_Email")).FillAsync(person.Email);
        await page.GetByLabel(En("Field_Password")).FillAsync(person.Password);
        await page.GetByLabel(En("Field_Code"), new() { Exact = false }).FillAsync(person.TakeRecoveryCode());
        await page.GetByRole(AriaRole.Button, new() { Name = En("SignIn_Submit") }).ClickAsync();
        Assert.Equal(En("Imports_Title"), await page.Locator("h1").InnerTextAsync());
        await CheckAsync("imports");

        await page.GetByLabel(En("Upload_File")).SetInputFilesAsync(workbook);
        await page.GetByRole(AriaRole.Button, new() { Name = En("Upload_Submit") }).ClickAsync();
        Assert.Matches(@"/app/imports/\d+$", page.Url);
        Assert.Equal("queued", await page.Locator("[data-status]").GetAttributeAsync("data-status"));
        Assert.Equal(1, await page.Locator("[data-notice=\"refreshing\"]").CountAsync()); // it refreshes itself
        Assert.Equal(1, await page.Locator("meta[http-equiv=\"refresh\"]").CountAsync());
        // axe's meta-refresh rule fails any self-refresh; WCAG 2.2.1 is met by the "stop refreshing" link the page
        // offers before the first reload (G198), checked next: the page without refresh is clean of every rule.
        await CheckAsync("import queued, refreshing", "meta-refresh");
        await page.GetByRole(AriaRole.Link, new() { Name = En("Import_RefreshOff") }).ClickAsync();
        Assert.EndsWith("?refresh=off", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("meta[http-equiv=\"refresh\"]").CountAsync());
        Assert.Equal("queued", await page.Locator("[data-status]").GetAttributeAsync("data-status"));
        await CheckAsync("import queued, not refreshing");

        var id = long.Parse(
            page.Url[(page.Url.LastIndexOf('/') + 1)..].Split('?')[0],
            System.Globalization.CultureInfo.InvariantCulture
        );
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        await page.ReloadAsync();
        Assert.Equal("succeeded", await page.Locator("[data-status]").GetAttributeAsync("data-status"));
        Assert.Contains("783 accepted, 0 rejected", await page.Locator("main").InnerTextAsync());
        Assert.Equal(0, await page.Locator("[data-notice=\"refreshing\"]").CountAsync());
        Assert.Equal(783, await tenant.Client.CountGrantsAsync());
        await CheckAsync("import done");

        await page.GotoAsync("/app/quality?from=2000-01-01&to=2030-12-31&currency=GBP");
        Assert.Equal(En("Quality_Title"), await page.Locator("h1").InnerTextAsync());
        // The workbook's 783 grants and GBP 12,785,625, as its JSON twin has them (issue 14).
        Assert.Contains("783 grants, 12,785,625.00 GBP", await page.Locator("main").InnerTextAsync());
        await CheckAsync("quality");

        foreach (
            var (path, title) in new[] { ($"/app/imports/{id}", "Imports_Title"), ("/app/quality", "Quality_Title") }
        )
        {
            await page.GotoAsync(path + (path.Contains('?') ? "&" : "?") + "lang=es");
            Assert.Equal("es", await page.Locator("html").GetAttributeAsync("lang"));
            if (title == "Quality_Title")
            {
                Assert.Equal(ConsoleText.Get(title, "es"), await page.Locator("h1").InnerTextAsync());
            }
            else
            {
                Assert.Contains(
                    ConsoleText.Get("ImportStatus_succeeded", "es")!,
                    await page.Locator("main").InnerTextAsync()
                );
            }

            await CheckAsync(path + " (es)");
        }
    }
}

using Deque.AxeCore.Playwright;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Http;
using Microsoft.Playwright;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The admins' funds pages in a real browser (system Chromium): an admin signs in, lists the funds, creates one, has
/// a bad field shown beside it (described by it, marked invalid), saves, edits the fund, then switches to Spanish and
/// sees the validator's problem in Spanish beside its field; axe clean on every page, in both languages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FundsBrowserTests(KestrelSqliteApp app, ChromiumFixture chromium)
{
    private static string Text(string key, string lang) => ConsoleText.Get(key, lang)!;

    [Fact]
    public async Task An_admin_creates_and_edits_a_fund_in_english_and_spanish_with_problems_beside_fields_axe_clean()
    {
        var tenant = await app.CreateTenantAsync(Roles.Admin);
        var admin = await app.AddKeyAsync(tenant, Roles.Admin, "adm");
        await using var context = await chromium.Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                JavaScriptEnabled = true, // for axe; the pages have no script
                Locale = "en-GB",
                BaseURL = app.BaseUrl,
                ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            }
        );
        var page = await context.NewPageAsync();
        async Task CheckAsync(string name, string lang)
        {
            Assert.Equal(lang, await page.Locator("html").GetAttributeAsync("lang"));
            var result = await page.RunAxe();
            Assert.NotEmpty(result.Passes);
            var bad = result
                .Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{name}: {v.Id} ({v.Impact}) {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
                .ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad));
        }

        async Task ProblemBesideAsync(string field, string message)
        {
            Assert.Equal(message, (await page.Locator($"#{field}-error").InnerTextAsync()).Trim());
            var input = page.Locator($"#{field}");
            Assert.Equal("true", await input.GetAttributeAsync("aria-invalid"));
            Assert.Equal($"{field}-error", await input.GetAttributeAsync("aria-describedby"));
        }

        await page.GotoAsync("/app/funds");
        var person = await TestPeople.ForKeyAsync(app, admin.Key);
        await page.GetByLabel(Text("Field_Email", "en")).FillAsync(person.Email);
        await page.GetByLabel(Text("Field_Password", "en")).FillAsync(person.Password);
        await page.GetByLabel(Text("Field_Code", "en"), new() { Exact = false }).FillAsync(person.TakeRecoveryCode());
        await page.GetByRole(AriaRole.Button, new() { Name = Text("SignIn_Submit", "en") }).ClickAsync();
        Assert.Equal(Text("Funds_Title", "en"), await page.Locator("h1").InnerTextAsync());
        await CheckAsync("funds", "en");

        await page.GetByRole(AriaRole.Link, new() { Name = Text("Funds_New", "en") }).ClickAsync();
        Assert.Equal(Text("Funds_New", "en"), await page.Locator("h1").InnerTextAsync());
        await CheckAsync("new fund", "en");
        var slug = "br-" + Guid.NewGuid().ToString("N")[..10];
        await page.GetByLabel(Text("Fund_Slug", "en"), new() { Exact = true }).FillAsync(slug);
        await page.GetByLabel(Text("Fund_Name", "en"), new() { Exact = true }).FillAsync("Browser Fund");
        await page.GetByLabel(Text("Fund_Currency", "en"), new() { Exact = true }).FillAsync("XYZ");
        await page.GetByLabel(Text("Fund_MaxAmount", "en"), new() { Exact = true }).FillAsync("5000");
        await page.GetByRole(AriaRole.Button, new() { Name = Text("Save", "en"), Exact = true }).ClickAsync();
        await ProblemBesideAsync("currency", ProblemText.Get("Currency_Unknown", "en")!);
        await CheckAsync("new fund with a problem", "en");

        await page.Locator("#currency").FillAsync("USD");
        await page.GetByRole(AriaRole.Button, new() { Name = Text("Save", "en"), Exact = true }).ClickAsync();
        Assert.Equal(1, await page.Locator($"[data-fund-saved=\"{slug}\"]").CountAsync());
        await CheckAsync("fund saved", "en");

        await page.GotoAsync($"/app/funds/{slug}");
        Assert.Equal(
            Text("Fund_Heading", "en").Replace("{0}", "Browser Fund", StringComparison.Ordinal),
            await page.Locator("h1").InnerTextAsync()
        );
        await CheckAsync("fund", "en");

        // The shell's language link: the same fund in Spanish, and the validator's problem in Spanish beside its field.
        await page.GetByRole(AriaRole.Link, new() { Name = ConsoleText.NativeName("es") }).ClickAsync();
        Assert.Equal(
            Text("Fund_Heading", "es").Replace("{0}", "Browser Fund", StringComparison.Ordinal),
            await page.Locator("h1").InnerTextAsync()
        );
        await CheckAsync("fund (es)", "es");
        await page.GetByLabel(Text("Fund_MaxAmount", "es"), new() { Exact = true }).FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = Text("Save", "es"), Exact = true }).ClickAsync();
        await ProblemBesideAsync("maxamount", ProblemText.Get("Fund_MaxAmountPositive", "es")!);
        await CheckAsync("fund with a problem (es)", "es");

        await page.GotoAsync("/app/funds");
        Assert.Equal(Text("Funds_Title", "es"), await page.Locator("h1").InnerTextAsync());
        Assert.Contains("5.000,00 USD", await page.Locator($"[data-fund=\"{slug}\"]").InnerTextAsync());
        await CheckAsync("funds (es)", "es");
    }
}

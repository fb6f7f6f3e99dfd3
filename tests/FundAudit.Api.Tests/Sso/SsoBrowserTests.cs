using FundAudit.Api.Tests.Pages;
using Microsoft.Playwright;

namespace FundAudit.Api.Tests.Sso;

/// <summary>
/// Single sign-on in a real browser (Chromium, JavaScript off): the service on Kestrel at http://localhost:{port}, the
/// funder's provider at http://127.0.0.1:{port} (another site), every redirect and cookie as a browser handles them.
/// </summary>
[Collection(BrowserAloneCollection.Name)]
public sealed class SsoBrowserTests(KestrelSqliteApp app, ChromiumFixture chromium, TestOidcProviderFixture idp)
    : IClassFixture<TestOidcProviderFixture>
{
    [Fact]
    public async Task Sign_in_through_the_funders_provider_opens_the_console_with_mfa_and_is_refused_without()
    {
        var sso = new SsoHarness(app, idp.Provider, app.BaseUrl);
        var email = "olga." + Guid.NewGuid().ToString("N")[..8] + "@fund.example";
        var funder = await sso.FunderAsync(c => c with { Email = email, Amr = ["pwd", "mfa"] });
        await sso.InviteAsync(funder.Admin.FunderId, email, "officer");

        await using (var context = await NewContextAsync())
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(funder.SignInPath);
            await page.WaitForURLAsync(app.BaseUrl + "/app"); // the signed-in page moved on by itself
            Assert.Contains("(officer)", await page.Locator("header").InnerTextAsync(), StringComparison.Ordinal);
            await page.ScreenshotAsync(
                new PageScreenshotOptions
                {
                    Path = Path.Combine(ChromiumFixture.ScreenshotFolder, "console-sso-signed-in.png"),
                    FullPage = true,
                }
            );
        }

        // The same person, now without a second factor at the provider: a clear refusal, no session.
        sso.Provide(funder.Client with { Amr = ["pwd"] });
        await using (var context = await NewContextAsync())
        {
            var page = await context.NewPageAsync();
            var answer = await page.GotoAsync(funder.SignInPath);
            Assert.Equal(403, answer!.Status);
            Assert.Equal("A second factor is required", (await page.Locator("h1").InnerTextAsync()).Trim());
            await page.ScreenshotAsync(
                new PageScreenshotOptions
                {
                    Path = Path.Combine(ChromiumFixture.ScreenshotFolder, "console-sso-refused.png"),
                    FullPage = true,
                }
            );
            await page.GotoAsync("/app");
            Assert.StartsWith(app.BaseUrl + "/app/sign-in", page.Url, StringComparison.Ordinal);
        }
    }

    private Task<IBrowserContext> NewContextAsync() =>
        chromium.Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                JavaScriptEnabled = false,
                BaseURL = app.BaseUrl,
                Locale = "en-GB",
            }
        );
}

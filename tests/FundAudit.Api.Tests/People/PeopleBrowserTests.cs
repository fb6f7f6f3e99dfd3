using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.Playwright;
using OtpNet;

namespace FundAudit.Api.Tests.People;

/// <summary>
/// A person's whole way in, in Chromium (issue 16): the invitation link, a password, TOTP enrolment (the test reads
/// the key the page shows and computes the codes with Otp.NET, as an authenticator app would), the recovery codes,
/// signing out and in again with a fresh code, and the step-up the console asks for before an approval.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PeopleBrowserTests(KestrelSqliteApp app, ChromiumFixture chromium)
{
    [Fact]
    public async Task Invitation_password_TOTP_enrolment_sign_in_and_step_up_before_an_approval()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "people-browser-" + Guid.NewGuid().ToString("N")[..8];
        var fund = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Rapid Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 2000,
            ["languages"] = new JsonArray("en"),
        };
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(fund)),
            HttpStatusCode.Created
        );
        var reference = await EmergencyForms.SubmitAsync(app.CreateClient(), slug);
        var email = $"olga-{Guid.NewGuid():N}@example.org";
        var invited = await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync(
                "/api/people",
                JsonContent.Create(
                    new
                    {
                        email,
                        displayName = "Olga Officer",
                        roles = new[] { "officer" },
                    }
                )
            ),
            HttpStatusCode.Created
        );
        var path = new Uri(invited.GetProperty("invitationUrl").GetString()!).AbsolutePath;
        var personId = invited.GetProperty("person").GetProperty("id").GetInt64();
        await HttpAssert.OkJsonAsync(await admin.Client.PutAsync($"/api/funds/{slug}/members/{personId}", null)); // need-to-know

        await using var context = await chromium.Browser.NewContextAsync(
            new BrowserNewContextOptions { JavaScriptEnabled = false, BaseURL = app.BaseUrl }
        );
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        Assert.Equal("Choose your password", await page.Locator("h1").InnerTextAsync());
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("password1234");
        await page.GetByLabel("The same password again").FillAsync("password1234");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set the password" }).ClickAsync();
        Assert.Contains(
            "common passwords",
            await page.Locator("[role=alert]").InnerTextAsync(),
            StringComparison.Ordinal
        );

        const string Password = "a river of seven quiet stones";
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("The same password again").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set the password" }).ClickAsync();
        Assert.Equal("Add your second factor", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(1, await page.Locator("[data-totp-qr] svg").CountAsync()); // drawn by the server, no script
        var secret = (await page.Locator("[data-totp-secret]").InnerTextAsync()).Trim();
        await page.GetByLabel("The 6-digit code the app shows now").FillAsync(Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        Assert.Equal("Your recovery codes", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(10, await page.Locator("[data-recovery-codes] li").CountAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue to the console" }).ClickAsync();
        Assert.Equal("Response times", await page.Locator("h1").InnerTextAsync());

        // Out, and in again with the next code (the enrolment's code is never accepted twice).
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByLabel("Code", new() { Exact = false }).FillAsync(Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Equal("Response times", await page.Locator("h1").InnerTextAsync());

        await page.GotoAsync($"/app/requests/{reference}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        Assert.Equal("acknowledged", await page.Locator("[data-state]").GetAttributeAsync("data-state"));

        // Eleven minutes later the approval needs the second factor again; the console asks, then approves.
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await page.GetByLabel("Amount in USD", new() { Exact = false }).FillAsync("750");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        Assert.Equal("Confirm it is you", await page.Locator("h1").InnerTextAsync());
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(Code(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and continue" }).ClickAsync();
        Assert.Equal("approved", await page.Locator("[data-state]").GetAttributeAsync("data-state"));
    }

    private string Code(string secret) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
}

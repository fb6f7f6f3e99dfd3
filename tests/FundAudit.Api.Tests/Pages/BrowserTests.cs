using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The pages in a real browser (system Chromium through Playwright) against the app on Kestrel: what a defender and
/// program officers do, that nothing is fetched from another host, and an accessibility check with axe.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserTests(KestrelSqliteApp app, ChromiumFixture chromium)
{
    private sealed record Staff(Tenant Admin, Tenant Officer, Tenant Finance, string Slug);

    private async Task<Staff> StaffAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "browser-" + Guid.NewGuid().ToString("N")[..8];
        var body = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Fondo de Respuesta Rápida",
            ["currency"] = "USD",
            ["maxAmount"] = 3000,
            ["languages"] = new JsonArray("es", "en"),
        };
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(body)),
            HttpStatusCode.Created
        );
        return new Staff(
            admin,
            await app.AddKeyAsync(admin, Roles.Officer, "olga"),
            await app.AddKeyAsync(admin, Roles.Finance, "fatima"),
            slug
        );
    }

    /// <summary>A browser context that records every request it makes, so a test can prove nothing left for another host.</summary>
    private async Task<(IBrowserContext Context, List<string> Requests)> ContextAsync(
        bool javaScript = true,
        string locale = "en-GB"
    )
    {
        var context = await chromium.Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                JavaScriptEnabled = javaScript,
                Locale = locale,
                BaseURL = app.BaseUrl,
                ViewportSize = new ViewportSize { Width = 1100, Height = 900 },
            }
        );
        var requests = new List<string>();
        context.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request.Url);
            }
        };
        return (context, requests);
    }

    private static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(
            new PageScreenshotOptions
            {
                Path = Path.Combine(ChromiumFixture.ScreenshotFolder, name + ".png"),
                FullPage = true,
            }
        );

    private void AssertOnlyTheService(List<string> requests)
    {
        Assert.NotEmpty(requests);
        Assert.All(requests, url => Assert.StartsWith(app.BaseUrl + "/", url, StringComparison.Ordinal));
    }

    private static string T(string key) => PageText.Get(key, "es")!;

    private static string T(string key, string lang) => PageText.Get(key, lang)!;

    /// <summary>A fund whose form offers <paramref name="languages"/>, with an officer.</summary>
    private async Task<(Tenant Officer, string Slug)> FundAsync(params string[] languages)
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "browser-" + Guid.NewGuid().ToString("N")[..8];
        var body = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Rapid Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 3000,
            ["languages"] = new JsonArray(languages.Select(l => (JsonNode?)l).ToArray()),
        };
        var created = await admin.Client.PostAsync("/api/funds", Giving.Json(body));
        await HttpAssert.OkJsonAsync(created, HttpStatusCode.Created);
        return (await app.AddKeyAsync(admin, Roles.Officer, "olga"), slug);
    }

    /// <summary>The newest request of the fund as officers list it.</summary>
    private static async Task<System.Text.Json.JsonElement> NewestRequestAsync(Tenant officer, string slug) =>
        (await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests?fund={slug}"))).GetProperty(
            "items"
        )[0];

    /// <summary>The officer acknowledges the request and asks the applicant <paramref name="question"/>.</summary>
    private static async Task AskAsync(Tenant officer, string reference, string question)
    {
        var client = officer.Client;
        await HttpAssert.OkJsonAsync(
            await client.PostAsJsonAsync($"/api/requests/{reference}/acknowledge", new { version = 1 })
        );
        await HttpAssert.OkJsonAsync(
            await client.PostAsJsonAsync($"/api/requests/{reference}/questions", new { version = 2, question })
        );
    }

    private static async Task<(string? Lang, string? Dir)> LangDirAsync(IPage page) =>
        (await page.Locator("html").GetAttributeAsync("lang"), await page.Locator("html").GetAttributeAsync("dir"));

    private static Task<IReadOnlyList<string>> LanguageLinksAsync(IPage page) =>
        page.Locator("header nav a[hreflang]").AllInnerTextsAsync();

    /// <summary>A field found by its label (and hint) in <paramref name="lang"/>.</summary>
    private static ILocator Field(IPage page, string key, string lang) =>
        page.GetByLabel(T(key, lang), new() { Exact = false });

    /// <summary>Signs in on the sign-in page the browser is on, as the person behind a key (enrolled by
    /// <see cref="TestPeople"/>; a recovery code as the second factor, since the enrolment used this time step's TOTP
    /// code).</summary>
    private async Task SignInAsync(IPage page, string key)
    {
        var person = await TestPeople.ForKeyAsync(app, key);
        await page.GetByLabel("Email").FillAsync(person.Email);
        await page.GetByLabel("Password").FillAsync(person.Password);
        await page.GetByLabel("Code", new() { Exact = false }).FillAsync(person.TakeRecoveryCode());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Fills the form in <paramref name="lang"/>: every field found by its label in that language.</summary>
    private static async Task FillFormAsync(
        IPage page,
        string lang,
        string alias,
        string country,
        string situation,
        string amount
    )
    {
        await Field(page, "Field_Alias", lang).FillAsync(alias);
        await page.GetByLabel(T("Channel_signal", lang)).CheckAsync();
        await page.GetByLabel(T("Field_ContactHandle", lang)).FillAsync("+249 900 000 000");
        await Field(page, "Field_Country", lang).FillAsync(country);
        await page.GetByLabel(T("Urgency_high", lang)).CheckAsync();
        await page.GetByLabel(T("Field_Situation", lang)).FillAsync(situation);
        await page.GetByLabel(T("Field_Need", lang)).SelectOptionAsync("relocation");
        await Field(page, "Field_Amount", lang).FillAsync(amount);
    }

    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator) =>
        await locator.BoundingBoxAsync() ?? throw new InvalidOperationException("not on screen");

    /// <summary>Bytes on the wire (headers and bodies of every response) for what <paramref name="navigate"/> loads.</summary>
    private static async Task<long> WireBytesAsync(IPage page, Func<Task> navigate)
    {
        var finished = new List<IRequest>();
        void Record(object? sender, IRequest request)
        {
            lock (finished)
            {
                finished.Add(request);
            }
        }

        page.RequestFinished += Record;
        await navigate();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        page.RequestFinished -= Record;
        long total = 0;
        foreach (var request in finished.ToList())
        {
            var sizes = await request.SizesAsync();
            total += sizes.ResponseHeadersSize + sizes.ResponseBodySize;
        }

        Assert.NotEqual(0, total);
        return total;
    }

    [Fact]
    public async Task A_defender_asks_in_Spanish_with_JavaScript_off_and_checks_the_status_with_the_code()
    {
        var staff = await StaffAsync();
        var (context, requests) = await ContextAsync(javaScript: false, locale: "es-ES");
        await using var _ = context;
        var page = await context.NewPageAsync();

        IResponse? response = null;
        var formBytes = await WireBytesAsync(page, async () => response = await page.GotoAsync($"/f/{staff.Slug}"));
        Assert.True(formBytes < 30 * 1024, $"the form weighs {formBytes} bytes on the wire");
        Assert.Equal(PageSecurity.ContentSecurityPolicy, response!.Headers["content-security-policy"]);
        Assert.Equal("no-referrer", response.Headers["referrer-policy"]);
        Assert.Equal(
            T("Form_Title").Replace("{0}", "Fondo de Respuesta Rápida", StringComparison.Ordinal),
            await page.Locator("h1").InnerTextAsync()
        );
        Assert.Equal("es", await page.Locator("html").GetAttributeAsync("lang"));

        // A first try with a mistake: the page says what to fix beside the field and keeps what was typed.
        await page.GetByLabel(T("Field_Alias"), new() { Exact = false }).FillAsync("Lucía");
        await page.GetByLabel(T("Channel_signal")).CheckAsync();
        await page.GetByLabel(T("Field_ContactHandle")).FillAsync("+504 9999 0000");
        await page.GetByLabel(T("Field_Country"), new() { Exact = false }).FillAsync("Honduras");
        await page.GetByLabel(T("Urgency_extreme")).CheckAsync();
        await page.GetByLabel(T("Field_Situation")).FillAsync("Me siguieron después de la audiencia.");
        await page.GetByLabel(T("Field_Need")).SelectOptionAsync("relocation");
        await page.GetByLabel(T("Field_Amount"), new() { Exact = false }).FillAsync("mucho");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit") }).ClickAsync();
        Assert.Equal(T("Error_amount"), await page.Locator("#amount-error").InnerTextAsync());
        Assert.Equal("Lucía", await page.GetByLabel(T("Field_Alias"), new() { Exact = false }).InputValueAsync());
        await ShotAsync(page, "defender-form-error-es");

        await page.GetByLabel(T("Field_Amount"), new() { Exact = false }).FillAsync("1200,50");
        await ShotAsync(page, "defender-form-es");
        var sentBytes = await WireBytesAsync(page, () =>
            page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit") }).ClickAsync()
        );
        Assert.True(sentBytes < 30 * 1024, $"the answer page weighs {sentBytes} bytes on the wire");
        Assert.Equal(T("Sent_Title"), await page.Locator("h1").InnerTextAsync());
        var code = (await page.Locator("[data-case-code]").InnerTextAsync()).Trim();
        Assert.Matches("^[A-Z0-9-]{20,}$", code);
        Assert.DoesNotContain(code, page.Url, StringComparison.Ordinal);
        await ShotAsync(page, "defender-code-es");

        // Later: the status page, with the code typed in (never in the address).
        await page.GetByRole(AriaRole.Link, new() { Name = T("Link_Status") }).ClickAsync();
        await page.GetByLabel(T("Status_CodeLabel")).FillAsync(code);
        var statusBytes = await WireBytesAsync(page, () =>
            page.GetByRole(AriaRole.Button, new() { Name = T("Status_Submit") }).ClickAsync()
        );
        Assert.True(statusBytes < 30 * 1024, $"the status page weighs {statusBytes} bytes on the wire");
        Assert.Equal(T("Status_received"), await page.Locator("[data-status]").InnerTextAsync());
        Assert.DoesNotContain(code, page.Url, StringComparison.Ordinal);
        await ShotAsync(page, "defender-status-es");

        var cookies = await context.CookiesAsync();
        Assert.Equal(["fa_form"], cookies.Select(c => c.Name).Distinct().ToArray());
        AssertOnlyTheService(requests);
        var status = await HttpAssert.OkJsonAsync(
            await app.CreateClient().PostAsJsonAsync("/api/requests/status", new { caseCode = code })
        );
        Assert.Equal("received", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Officers_see_the_request_first_acknowledge_and_approve_it_and_a_second_person_disburses()
    {
        var staff = await StaffAsync();
        await SeedHistoryAsync(staff);
        foreach (var urgency in new[] { "standard", "extreme" })
        {
            await EmergencyForms.SubmitAsync(
                app.CreateClient(),
                staff.Slug,
                urgency,
                country: urgency == "extreme" ? "CO" : "HN",
                amount: 900m
            );
            app.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var (context, requests) = await ContextAsync();
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync("/app");
        Assert.EndsWith("/app/sign-in?returnUrl=%2Fapp", page.Url, StringComparison.Ordinal);
        await SignInAsync(page, staff.Officer.Key);
        Assert.Equal("Response times", await page.Locator("h1").InnerTextAsync());

        var first = page.Locator("table[data-table=open] tbody tr").First;
        var reference = await first.GetAttributeAsync("data-reference");
        Assert.Contains("CO", await first.InnerTextAsync(), StringComparison.Ordinal); // the extreme one: 2 hours to acknowledge
        await ShotAsync(page, "console-response-times");

        await first.GetByRole(AriaRole.Link).ClickAsync();
        Assert.Equal($"Request {reference}", await page.Locator("h1").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        Assert.Equal("acknowledged", await page.Locator("[data-state]").GetAttributeAsync("data-state"));
        await page.GetByLabel("Amount in USD", new() { Exact = false }).FillAsync("750");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        Assert.Equal("approved", await page.Locator("[data-state]").GetAttributeAsync("data-state"));
        await ShotAsync(page, "console-request");
        Assert.Empty(await page.Locator("form[data-action=disburse]").AllAsync()); // the approver cannot pay

        // A second person, in finance, records how to pay and the disbursement.
        var (financeContext, financeRequests) = await ContextAsync();
        await using var __ = financeContext;
        var finance = await financeContext.NewPageAsync();
        await finance.GotoAsync($"/app/requests/{reference}");
        await SignInAsync(finance, staff.Finance.Key);
        Assert.Equal($"Request {reference}", await finance.Locator("h1").InnerTextAsync());
        await finance.GetByLabel("How to pay", new() { Exact = false }).FillAsync("Mobile money via partner");
        await finance.GetByRole(AriaRole.Button, new() { Name = "Record payment details" }).ClickAsync();
        await finance.GetByLabel("Method").FillAsync("mobile-money");
        await finance.GetByRole(AriaRole.Button, new() { Name = "Record the disbursement" }).ClickAsync();
        Assert.Equal("disbursed", await finance.Locator("[data-state]").GetAttributeAsync("data-state"));
        Assert.Contains(
            $"staff:{staff.Finance.PersonId}", // the person who owns fatima's key (issue 16: people, not labels)
            await finance.Locator("table[data-table=history]").InnerTextAsync(),
            StringComparison.Ordinal
        );

        // Signing out sends the officer back to sign-in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await page.GotoAsync("/app");
        Assert.Contains("/app/sign-in", page.Url, StringComparison.Ordinal);
        AssertOnlyTheService(requests);
        AssertOnlyTheService(financeRequests);
    }

    [Fact]
    public async Task An_analyst_corrects_a_grant_from_the_review_queue_and_sees_the_portfolio()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var unplaced = Giving.Grant("RQ-1", 2500m, "EUR", "2026-03-01", "Zebra programme");
        unplaced.Remove("description");
        unplaced.Remove("grantProgramme");
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostPackageAsync(
                Giving.Package(
                    unplaced,
                    Giving.Grant("RQ-2", 4000m, "EUR", "2026-02-01", "Security training for land defenders")
                )
            )
        );
        var analyst = await app.AddKeyAsync(admin, Roles.Analyst, "ana");

        var (context, requests) = await ContextAsync();
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync("/app/review");
        await SignInAsync(page, analyst.Key);
        Assert.EndsWith("/app/review", page.Url, StringComparison.Ordinal);

        var row = page.Locator("[data-correct=\"RQ-1\"]");
        await row.GetByLabel("Purpose").SelectOptionAsync("collective");
        await row.GetByLabel("Reason").FillAsync("Board papers: a collective protection network.");
        await ShotAsync(page, "console-review-queue");
        await row.GetByRole(AriaRole.Button, new() { Name = "Save the correction" }).ClickAsync();
        Assert.Empty(await page.Locator("[data-grant=\"RQ-1\"]").AllAsync());
        var purpose = (await HttpAssert.OkJsonAsync(await admin.Client.GetAsync("/api/grants/RQ-1")))
            .GetProperty("classification")
            .GetProperty("purpose");
        Assert.Equal(
            ("collective", "manual"),
            (purpose.GetProperty("value").GetString(), purpose.GetProperty("source").GetString())
        );

        await page.GetByRole(AriaRole.Link, new() { Name = "Portfolio" }).ClickAsync();
        await page.GotoAsync("/app/portfolio?from=2026-01-01&to=2026-12-31&currency=EUR");
        Assert.Contains("6,500.00", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "console-portfolio");
        AssertOnlyTheService(requests);
    }

    /// <summary>Some decided requests, so the dashboard's statistics have figures: acknowledged and declined at varied delays.</summary>
    private async Task SeedHistoryAsync(Staff staff)
    {
        var delays = new[]
        {
            ("extreme", 1.0, 6.0, "GT"),
            ("high", 3.0, 20.0, "HN"),
            ("standard", 10.0, 30.0, "CO"),
            ("high", 9.0, 50.0, "HN"),
        };
        foreach (var (urgency, acknowledgeHours, decideHours, country) in delays)
        {
            var reference = await EmergencyForms.SubmitAsync(
                app.CreateClient(),
                staff.Slug,
                urgency,
                country,
                "digital",
                300m,
                "Earlier case."
            );
            app.Clock.Advance(TimeSpan.FromHours(acknowledgeHours));
            await HttpAssert.OkJsonAsync(
                await staff.Officer.Client.PostAsJsonAsync(
                    $"/api/requests/{reference}/acknowledge",
                    new { version = 1 }
                )
            );
            app.Clock.Advance(TimeSpan.FromHours(decideHours - acknowledgeHours));
            await HttpAssert.OkJsonAsync(
                await staff.Officer.Client.PostAsJsonAsync(
                    $"/api/requests/{reference}/decline",
                    new { version = 2, reason = "Outside the fund's scope." }
                )
            );
        }
    }

    [Fact]
    public async Task The_form_the_status_page_and_the_dashboard_have_no_serious_or_critical_accessibility_violation()
    {
        var staff = await StaffAsync();
        var (context, _) = await ContextAsync(locale: "es-ES");
        await using var __ = context;
        var page = await context.NewPageAsync();
        var checkedPages = new List<string>();

        async Task CheckAsync(string name)
        {
            var result = await page.RunAxe();
            Assert.NotEmpty(result.Passes); // axe ran its rules on this page
            var bad = result
                .Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{name}: {v.Id} ({v.Impact}) {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
                .ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad));
            checkedPages.Add(name);
        }

        await page.GotoAsync($"/f/{staff.Slug}");
        await CheckAsync("form");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit") }).ClickAsync();
        await CheckAsync("form with errors");
        await page.GotoAsync($"/f/{staff.Slug}/status");
        await CheckAsync("status");
        await page.GetByLabel(T("Status_CodeLabel")).FillAsync("AAAA-BBBB-CCCC-DDDD");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Status_Submit") }).ClickAsync();
        await CheckAsync("status, code not found");

        await EmergencyForms.SubmitAsync(
            app.CreateClient(),
            staff.Slug,
            country: "PE",
            need: "security",
            amount: 400m,
            situation: "Raid on the office."
        );
        // The browser speaks Spanish (for the form above); the console follows Accept-Language, so ask for English.
        await page.GotoAsync("/app/sign-in?lang=en");
        await CheckAsync("sign-in");
        await SignInAsync(page, staff.Officer.Key);
        await CheckAsync("response-time dashboard");
        Assert.Equal(6, checkedPages.Count);
    }

    [Fact]
    public async Task A_defender_asks_in_Arabic_right_to_left_with_JavaScript_off_and_checks_the_status()
    {
        var (officer, slug) = await FundAsync("ar", "fr", "en");
        var (context, requests) = await ContextAsync(javaScript: false, locale: "ar-SD");
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/f/{slug}");
        Assert.Equal(("ar", "rtl"), await LangDirAsync(page));
        Assert.Equal(["العربية", "Français", "English"], await LanguageLinksAsync(page));

        // A mistake in the amount: the error sits under its label, above its field, and everything starts on the right.
        await FillFormAsync(page, "ar", "ليلى", "SD", "تلقيت تهديدات بعد جلسة المحكمة.", "كثير");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit", "ar") }).ClickAsync();
        Assert.Equal(T("Error_amount", "ar"), await page.Locator("#amount-error").InnerTextAsync());
        Assert.Equal(T("Error_amount", "ar"), await page.Locator("#errors li a[href='#amount']").InnerTextAsync());
        Assert.Equal("ليلى", await Field(page, "Field_Alias", "ar").InputValueAsync());
        var form = await BoxAsync(page.Locator("form"));
        var label = await BoxAsync(page.Locator("label[for=amount]"));
        var error = await BoxAsync(page.Locator("#amount-error"));
        var amount = await BoxAsync(page.Locator("#amount"));
        Assert.True(label.Y + label.Height <= error.Y + 1, "the error under the label");
        Assert.True(error.Y + error.Height <= amount.Y + 1, "and above the field");
        Assert.True(Math.Abs(amount.X + amount.Width - (form.X + form.Width)) < 2, "the short field on the right");
        Assert.True(amount.X > form.X + 100, "and leaves the left side empty");
        var brand = await BoxAsync(page.Locator("header .brand"));
        var firstLink = await BoxAsync(page.Locator("header nav a[hreflang]").First);
        Assert.True(brand.X > firstLink.X, "the brand is on the right, the language links on the left");
        await ShotAsync(page, "defender-form-error-ar");

        // Arabic-Indic digits are read as the number they are.
        await Field(page, "Field_Amount", "ar").FillAsync("١٢٠٠٫٥٠");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit", "ar") }).ClickAsync();
        Assert.Equal(T("Sent_Title", "ar"), await page.Locator("h1").InnerTextAsync());
        var code = (await page.Locator("[data-case-code]").InnerTextAsync()).Trim();
        Assert.Matches("^[A-Z0-9-]{20,}$", code);
        Assert.Equal("ltr", await page.Locator("[data-case-code]").GetAttributeAsync("dir")); // read left to right
        await ShotAsync(page, "defender-code-ar");

        // The fund asks a question in Arabic; the officer's page names the request's language.
        var listed = await NewestRequestAsync(officer, slug);
        Assert.Equal(1200.50m, listed.GetProperty("amountRequested").GetDecimal());
        Assert.Equal("ar", listed.GetProperty("language").GetString());
        var reference = listed.GetProperty("reference").GetString()!;
        const string Question = "أين أنت الآن؟ هل أنت في مكان آمن؟";
        await AskAsync(officer, reference, Question);
        var (officerContext, _) = await ContextAsync();
        await using (officerContext)
        {
            var console = await officerContext.NewPageAsync();
            await console.GotoAsync($"/app/requests/{reference}");
            await SignInAsync(console, officer.Key);
            Assert.Equal("العربية (ar)", await console.Locator("dd[data-language=ar]").InnerTextAsync());
            Assert.Equal("ar", await console.Locator("dd[data-language=ar] bdi").GetAttributeAsync("lang"));
        }

        // Later: the status page, the code typed in, the question shown as written, an answer in Arabic.
        await page.GetByRole(AriaRole.Link, new() { Name = T("Link_Status", "ar") }).ClickAsync();
        await page.GetByLabel(T("Status_CodeLabel", "ar")).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Status_Submit", "ar") }).ClickAsync();
        Assert.Equal(T("Status_question", "ar"), await page.Locator("[data-status]").InnerTextAsync());
        Assert.Equal(Question, await page.Locator("blockquote").InnerTextAsync());
        Assert.DoesNotContain(code, page.Url, StringComparison.Ordinal);
        await ShotAsync(page, "defender-status-ar");
        await page.GetByLabel(T("Answer_Label", "ar")).FillAsync("نعم، أنا في مكان آمن الآن.");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Answer_Submit", "ar") }).ClickAsync();
        Assert.Equal(T("Status_under_review", "ar"), await page.Locator("[data-status]").InnerTextAsync());
        AssertOnlyTheService(requests);
    }

    [Theory]
    [InlineData("ru", "ru-RU", "Атлантида", "Марина")]
    [InlineData("sw", "sw-KE", "Atlantis", "Amani")]
    public async Task A_defender_in_Russian_or_Kiswahili_is_told_what_to_fix_in_that_language_then_checks_the_status(
        string lang,
        string locale,
        string wrongCountry,
        string alias
    )
    {
        var (_, slug) = await FundAsync("en", "ru", "sw");
        var (context, requests) = await ContextAsync(javaScript: false, locale: locale);
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/f/{slug}"); // Accept-Language picks the language
        Assert.Equal((lang, "ltr"), await LangDirAsync(page));
        Assert.Equal(["English", "Русский", "Kiswahili"], await LanguageLinksAsync(page));

        var situation = lang == "ru" ? "Угрозы после суда." : "Vitisho baada ya kesi mahakamani.";
        await FillFormAsync(page, lang, alias, wrongCountry, situation, "1 200,50");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit", lang) }).ClickAsync();
        Assert.Equal(T("Error_country", lang), await page.Locator("#country-error").InnerTextAsync());
        Assert.Equal(T("Errors_Summary", lang), await page.Locator("#errors p").InnerTextAsync());
        Assert.Equal(wrongCountry, await Field(page, "Field_Country", lang).InputValueAsync());
        Assert.Equal("1 200,50", await Field(page, "Field_Amount", lang).InputValueAsync());
        await ShotAsync(page, $"defender-form-error-{lang}");

        await Field(page, "Field_Country", lang).FillAsync("KE");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit", lang) }).ClickAsync();
        Assert.Equal(T("Sent_Title", lang), await page.Locator("h1").InnerTextAsync());
        var code = (await page.Locator("[data-case-code]").InnerTextAsync()).Trim();

        await page.GetByRole(AriaRole.Link, new() { Name = T("Link_Status", lang) }).ClickAsync();
        await page.GetByLabel(T("Status_CodeLabel", lang)).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Status_Submit", lang) }).ClickAsync();
        Assert.Equal(T("Status_received", lang), await page.Locator("[data-status]").InnerTextAsync());
        Assert.Equal(lang, await page.Locator("html").GetAttributeAsync("lang"));
        AssertOnlyTheService(requests);
        var api = await app.CreateClient().PostAsJsonAsync("/api/requests/status", new { caseCode = code });
        Assert.Equal("received", (await HttpAssert.OkJsonAsync(api)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("ru")]
    [InlineData("sw")]
    public async Task The_defender_pages_in_Arabic_Russian_and_Kiswahili_have_no_serious_or_critical_issue(string lang)
    {
        var (officer, slug) = await FundAsync(lang, "en");
        var (context, _) = await ContextAsync();
        await using var __ = context;
        var page = await context.NewPageAsync();
        var checkedPages = new List<string>();

        async Task CheckAsync(string name)
        {
            Assert.Equal(lang, await page.Locator("html").GetAttributeAsync("lang"));
            var result = await page.RunAxe();
            Assert.NotEmpty(result.Passes);
            var bad = result
                .Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{lang} {name}: {v.Id} ({v.Impact}) {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
                .ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad));
            checkedPages.Add(name);
        }

        await page.GotoAsync($"/f/{slug}?lang={lang}");
        await CheckAsync("form");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit", lang) }).ClickAsync();
        await CheckAsync("form with errors");
        await FillFormAsync(page, lang, "Alias", "KE", "…", "300");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Form_Submit", lang) }).ClickAsync();
        await CheckAsync("answer with the code");
        var code = (await page.Locator("[data-case-code]").InnerTextAsync()).Trim();
        await AskAsync(officer, (await NewestRequestAsync(officer, slug)).GetProperty("reference").GetString()!, "?");
        await page.GotoAsync($"/f/{slug}/status?lang={lang}");
        await CheckAsync("status");
        await page.GetByLabel(T("Status_CodeLabel", lang)).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = T("Status_Submit", lang) }).ClickAsync();
        await CheckAsync("case with a question");
        await page.GetByRole(AriaRole.Button, new() { Name = T("Answer_Submit", lang) }).ClickAsync();
        await CheckAsync("answer missing");
        Assert.Equal(6, checkedPages.Count);
    }
}

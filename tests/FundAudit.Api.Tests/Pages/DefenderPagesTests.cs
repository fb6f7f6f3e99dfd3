using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Pages;

/// <summary>The defender's pages over HTTP, as a browser without JavaScript uses them, per engine.</summary>
public abstract class DefenderPagesTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private const int MaxPageBytes = 30 * 1024;

    private PageSession NewSession() => TestPeople.NewSession(app);

    /// <summary>A fund whose form offers <paramref name="languages"/> (all the pages' languages when none).</summary>
    private async Task<(Tenant Officer, string Slug)> FundAsync(params string[] languages)
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "pages-" + Guid.NewGuid().ToString("N")[..10];
        var offered = (languages.Length > 0 ? languages : PageText.Languages).Select(l => (JsonNode?)l).ToArray();
        var body = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Fondo Rápido",
            ["currency"] = "USD",
            ["maxAmount"] = 5000,
            ["languages"] = new JsonArray(offered),
        };
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(body)),
            HttpStatusCode.Created
        );
        return (await app.AddKeyAsync(admin, Roles.Officer, "olga"), slug);
    }

    private static (string, string)[] ValidForm(string submission, string amount = "800,50", string language = "es") =>
        [
            ("submission", submission),
            ("language", language),
            ("alias", "Lucía"),
            ("contact.channel", "signal"),
            ("contact.handle", "+50499990000"),
            ("country", "Honduras"),
            ("urgency", "high"),
            ("situation", "Amenazas después de una audiencia sobre tierras."),
            ("need", "relocation"),
            ("amount", amount),
            ("currency", "USD"),
            ("endorser", ""),
        ];

    private static async Task<int> RequestCountAsync(Tenant officer, string slug) =>
        (await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests?fund={slug}&limit=200")))
            .GetProperty("items")
            .GetArrayLength();

    [Fact]
    public async Task The_form_speaks_the_language_of_the_link_then_of_Accept_Language()
    {
        var (_, slug) = await FundAsync();
        var session = NewSession();
        foreach (var lang in PageText.Languages)
        {
            var page = await session.GetAsync($"/f/{slug}?lang={lang}");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var dir = lang == "ar" ? "rtl" : "ltr";
            Assert.Contains($"<html lang=\"{lang}\" dir=\"{dir}\">", page.Html, StringComparison.Ordinal);
            Assert.Contains(PageText.Get("Form_Submit", lang)!, page.Html, StringComparison.Ordinal);
            Assert.Equal(lang, page.Header("Content-Language"));
        }

        session.AcceptLanguage = "pt-BR,pt;q=0.9,en;q=0.5";
        Assert.Contains(
            PageText.Get("Form_Submit", "pt")!,
            (await session.GetAsync($"/f/{slug}")).Html,
            StringComparison.Ordinal
        );
        session.AcceptLanguage = "de-DE";
        Assert.Contains("<html lang=\"en\"", (await session.GetAsync($"/f/{slug}")).Html, StringComparison.Ordinal);
        session.AcceptLanguage = "pt-BR";
        Assert.Contains(
            "<html lang=\"fr\"",
            (await session.GetAsync($"/f/{slug}?lang=fr")).Html,
            StringComparison.Ordinal
        ); // the link wins
    }

    [Fact]
    public async Task The_form_opens_at_its_address_typed_in_capitals_as_the_api_reads_it()
    {
        var (_, slug) = await FundAsync();

        var page = await NewSession().GetAsync($"/f/{slug.ToUpperInvariant()}?lang=en");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(PageText.Get("Form_Submit", "en")!, page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_text_has_a_translation_in_every_language()
    {
        Translations.AssertComplete(PageText.Languages, PageText.Keys, PageText.Get, 60);
    }

    [Fact]
    public async Task A_valid_form_makes_one_case_shows_its_code_once_and_a_resubmit_makes_no_second_case()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=es");
        var submission = form.Hidden("submission")!;
        Assert.Equal(32, submission.Length);

        var sent = await session.PostAsync(
            $"/f/{slug}?lang=es",
            ValidForm(submission).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))
        );
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        var code = sent.TextOf("data-case-code");
        Assert.False(string.IsNullOrEmpty(code));
        Assert.Contains(PageText.Get("Sent_Keep", "es")!, sent.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(code!, sent.Response.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        Assert.DoesNotMatch("href=\"[^\"]*" + code, sent.Html);

        // The same submission again (a reload or a double click) answers the same case.
        var again = await session.PostAsync(
            $"/f/{slug}?lang=es",
            ValidForm(submission).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))
        );
        Assert.Equal(code, again.TextOf("data-case-code"));
        Assert.Equal(1, await RequestCountAsync(officer, slug));

        // The case is the API's case: same code, the amount typed with a decimal comma.
        var status = await HttpAssert.OkJsonAsync(
            await app.CreateClient().PostAsJsonAsync("/api/requests/status", new { caseCode = code })
        );
        Assert.Equal("received", status.GetProperty("status").GetString());
        var listed = (
            await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests?fund={slug}"))
        ).GetProperty("items")[0];
        Assert.Equal(800.50m, listed.GetProperty("amountRequested").GetDecimal());
        Assert.Equal("es", listed.GetProperty("language").GetString());
    }

    [Fact]
    public async Task An_invalid_form_keeps_what_was_typed_and_says_beside_each_field_what_to_fix()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=es");
        var page = await session.PostAsync(
            $"/f/{slug}?lang=es",
            ("submission", form.Hidden("submission")!),
            ("language", "es"),
            ("alias", "Lucía <b>"),
            ("contact.channel", "signal"),
            ("contact.handle", ""),
            ("country", "Atlantis"),
            ("urgency", ""),
            ("situation", "Texto escrito"),
            ("need", "legal"),
            ("amount", "mil"),
            ("currency", "USD")
        );

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("value=\"Lucía &lt;b&gt;\"", page.Html, StringComparison.Ordinal);
        Assert.Contains(">Texto escrito</textarea>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"legal\" selected", page.Html, StringComparison.Ordinal);
        foreach (
            var (field, key) in new[]
            {
                ("amount", "Error_amount"),
                ("country", "Error_country"),
                ("urgency", "Error_urgency"),
                ("contact-handle", "Error_contact_handle"),
            }
        )
        {
            Assert.Equal(PageText.Get(key, "es"), page.TextOf($"id=\"{field}-error\""));
        }

        Assert.Null(page.TextOf("id=\"alias-error\""));
        Assert.Contains("aria-invalid=\"true\"", page.Html, StringComparison.Ordinal);
        Assert.Equal(0, await RequestCountAsync(officer, slug));
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused_and_nothing_is_stored()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=fr");
        var fields = ValidForm(form.Hidden("submission")!)
            .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))
            .ToList();

        var refused = await session.PostAsync($"/f/{slug}?lang=fr", fields, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(PageText.Get("Expired_Title", "fr")!, refused.Html, StringComparison.Ordinal);

        session.Forget("fa_form"); // the token without its cookie is refused too
        Assert.Equal(HttpStatusCode.BadRequest, (await session.PostAsync($"/f/{slug}?lang=fr", fields)).Status);
        Assert.Equal(0, await RequestCountAsync(officer, slug));
    }

    [Fact]
    public async Task A_form_with_a_nul_character_is_a_page_saying_it_could_not_be_read_and_nothing_is_stored()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=fr");
        var fields = ValidForm(form.Hidden("submission")!)
            .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item1 == "alias" ? "Lu\u0000cía" : f.Item2))
            .ToList();

        var refused = await session.PostAsync($"/f/{slug}?lang=fr", fields); // sent as %00

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(PageText.Get("Unreadable_Title", "fr")!, refused.Html, StringComparison.Ordinal);
        Assert.Equal(0, await RequestCountAsync(officer, slug));
    }

    [Fact]
    public async Task The_status_page_takes_the_code_in_the_body_answers_the_question_and_withdraws()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=pt");
        var code = (
            await session.PostAsync(
                $"/f/{slug}?lang=pt",
                ValidForm(form.Hidden("submission")!, "300")
                    .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))
            )
        ).TextOf("data-case-code")!;
        var reference = (await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests?fund={slug}")))
            .GetProperty("items")[0]
            .GetProperty("reference")
            .GetString();
        await HttpAssert.OkJsonAsync(
            await officer.Client.PostAsJsonAsync($"/api/requests/{reference}/acknowledge", new { version = 1 })
        );
        await HttpAssert.OkJsonAsync(
            await officer.Client.PostAsJsonAsync(
                $"/api/requests/{reference}/questions",
                new { version = 2, question = "¿Dónde está ahora?" }
            )
        );

        var entry = await session.GetAsync($"/f/{slug}/status?lang=pt");
        Assert.Contains("type=\"password\" id=\"code\" name=\"code\"", entry.Html, StringComparison.Ordinal);
        var found = await session.PostAsync($"/f/{slug}/status?lang=pt", ("code", code));
        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Equal(PageText.Get("Status_question", "pt"), found.TextOf("data-status"));
        Assert.Contains("¿Dónde está ahora?", found.Html, StringComparison.Ordinal);

        var empty = await session.PostAsync($"/f/{slug}/answer?lang=pt", ("code", code), ("answer", " "));
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal(PageText.Get("Answer_Required", "pt"), empty.TextOf("id=\"answer-error\""));

        var answered = await session.PostAsync(
            $"/f/{slug}/answer?lang=pt",
            ("code", code),
            ("answer", "En un lugar seguro.")
        );
        Assert.Contains(PageText.Get("Answer_Sent", "pt")!, answered.Html, StringComparison.Ordinal);
        Assert.Equal(PageText.Get("Status_under_review", "pt"), answered.TextOf("data-status"));

        var unconfirmed = await session.PostAsync($"/f/{slug}/withdraw?lang=pt", ("code", code));
        Assert.Equal(PageText.Get("Withdraw_NeedConfirm", "pt"), unconfirmed.TextOf("id=\"withdraw-error\""));
        var withdrawn = await session.PostAsync($"/f/{slug}/withdraw?lang=pt", ("code", code), ("confirm", "yes"));
        Assert.Equal(PageText.Get("Status_withdrawn", "pt"), withdrawn.TextOf("data-status"));
        var api = await HttpAssert.OkJsonAsync(
            await app.CreateClient().PostAsJsonAsync("/api/requests/status", new { caseCode = code })
        );
        Assert.Equal("withdrawn", api.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_wrong_code_and_an_unknown_fund_get_not_found_pages()
    {
        var (_, slug) = await FundAsync();
        var session = NewSession();
        await session.GetAsync($"/f/{slug}/status?lang=es");
        var wrong = await session.PostAsync($"/f/{slug}/status?lang=es", ("code", "AAAA-BBBB-CCCC-DDDD"));
        Assert.Equal(HttpStatusCode.NotFound, wrong.Status);
        Assert.Contains(PageText.Get("Status_NotFound", "es")!, wrong.Html, StringComparison.Ordinal);

        var missing = await session.GetAsync("/f/no-such-fund?lang=es");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Contains(PageText.Get("NotFound_Text", "es")!, missing.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_is_locked_down_self_contained_and_under_30KB()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var pages = new List<(string Name, HtmlPage Page)>();
        var form = await session.GetAsync($"/f/{slug}?lang=es");
        pages.Add(("form", form));
        Assert.Equal(["fa_form"], session.Cookies.Keys.ToArray()); // the only cookie: antiforgery
        pages.Add(
            (
                "form with errors",
                await session.PostAsync(
                    $"/f/{slug}?lang=es",
                    ("submission", form.Hidden("submission")!),
                    ("language", "es")
                )
            )
        );
        var sent = await session.PostAsync(
            $"/f/{slug}?lang=es",
            ValidForm(form.Hidden("submission")!).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))
        );
        pages.Add(("answer", sent));
        pages.Add(("status", await session.GetAsync($"/f/{slug}/status?lang=es")));
        pages.Add(
            ("case", await session.PostAsync($"/f/{slug}/status?lang=es", ("code", sent.TextOf("data-case-code")!)))
        );
        pages.Add(("not found", await session.GetAsync("/f/nothing-here")));
        Assert.Equal(["fa_form"], session.Cookies.Keys.ToArray());

        var css = await app.CreateClient().GetAsync(PageAssets.StylesheetUrl);
        Assert.Equal("text/css; charset=utf-8", css.Content.Headers.ContentType!.ToString());
        Assert.Contains("immutable", css.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var cssBytes = (await css.Content.ReadAsByteArrayAsync()).Length;

        foreach (var (name, page) in pages)
        {
            Assert.Equal(PageSecurity.ContentSecurityPolicy, page.Header("Content-Security-Policy"));
            Assert.Equal("no-referrer", page.Header("Referrer-Policy"));
            Assert.Equal("no-store", page.Header("Cache-Control"));
            Assert.Equal("DENY", page.Header("X-Frame-Options"));
            Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" style=", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch("(src|href|action)=\"(https?:)?//", page.Html);
            var bytes = System.Text.Encoding.UTF8.GetByteCount(page.Html) + cssBytes;
            Assert.True(bytes < MaxPageBytes, $"{name}: {bytes} bytes with its stylesheet");
        }

        Assert.Equal(1, await RequestCountAsync(officer, slug));
    }

    private int MaxSituationLength =>
        app.Services.GetRequiredService<FundAudit.Api.Features.EmergencyRequests.EmergencyOptions>().MaxSituationLength;

    private static KeyValuePair<string, string>[] Pairs(IEnumerable<(string Name, string Value)> fields) =>
        fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToArray();

    [Fact]
    public async Task A_fund_offers_its_own_languages_each_named_in_itself_and_Accept_Language_picks_among_them()
    {
        var (_, slug) = await FundAsync("sw", "ar", "pt-BR");
        var session = NewSession();
        var first = await session.GetAsync($"/f/{slug}");
        Assert.Contains("<html lang=\"sw\" dir=\"ltr\">", first.Html, StringComparison.Ordinal); // the fund's first
        var links = Regex
            .Matches(first.Html, "<a href=\"/f/[^\"?]+\\?lang=(\\w+)\" lang=\"\\w+\" [^>]*>([^<]+)</a>")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value))
            .ToArray();
        Assert.Equal([("sw", "Kiswahili"), ("ar", "العربية"), ("pt", "Português")], links);

        session.AcceptLanguage = "ru-RU,ar;q=0.8,en;q=0.5"; // Russian is not offered: the next best is
        var arabic = await session.GetAsync($"/f/{slug}");
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", arabic.Html, StringComparison.Ordinal);
        Assert.Equal("ar", arabic.Header("Content-Language"));
        Assert.Contains(PageText.Get("Form_Submit", "ar")!, arabic.Html, StringComparison.Ordinal);

        session.AcceptLanguage = "pt-BR";
        Assert.Contains("<html lang=\"pt\"", (await session.GetAsync($"/f/{slug}")).Html, StringComparison.Ordinal);
        var linked = await session.GetAsync($"/f/{slug}?lang=ar"); // the link wins
        Assert.Contains("<html lang=\"ar\"", linked.Html, StringComparison.Ordinal);
        var notOffered = await session.GetAsync($"/f/{slug}/status?lang=es"); // a language the fund does not offer
        Assert.Contains("<html lang=\"pt\"", notOffered.Html, StringComparison.Ordinal);
        Assert.Equal("pt", notOffered.Header("Content-Language"));
        Assert.DoesNotContain("lang=es", notOffered.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_language_says_what_to_fix_in_its_own_words_never_the_validators_English()
    {
        var (_, slug) = await FundAsync();
        var session = NewSession();
        var fields = new[]
        {
            ("alias", "Error_alias"),
            ("contact-channel", "Error_contact_channel"),
            ("contact-handle", "Error_contact_handle"),
            ("country", "Error_country"),
            ("urgency", "Error_urgency"),
            ("need", "Error_need"),
            ("amount", "Error_amount"),
            ("currency", "Error_currency"),
        };
        foreach (var lang in PageText.Languages)
        {
            var form = await session.GetAsync($"/f/{slug}?lang={lang}");
            var page = await session.PostAsync(
                $"/f/{slug}?lang={lang}",
                ("submission", form.Hidden("submission")!),
                ("language", lang),
                ("amount", "0")
            );
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Contains($"<html lang=\"{lang}\"", page.Html, StringComparison.Ordinal);
            Assert.All(fields, f => Assert.Equal(PageText.Get(f.Item2, lang), page.TextOf($"id=\"{f.Item1}-error\"")));
            var situation = string.Format(
                System.Globalization.CultureInfo.GetCultureInfo(lang),
                PageText.Get("Error_situation", lang)!,
                MaxSituationLength
            );
            Assert.Equal(situation, page.TextOf("id=\"situation-error\""));
            if (lang != "en")
            {
                Assert.DoesNotContain(" is required", page.Html, StringComparison.Ordinal); // the validator's English
                Assert.DoesNotContain("more than zero", page.Html, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Amounts_in_Arabic_Indic_or_Persian_digits_are_understood_and_nonsense_is_explained_in_Arabic()
    {
        var (officer, slug) = await FundAsync("ar", "en");
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=ar");
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", form.Html, StringComparison.Ordinal);
        Assert.Contains("٥٬٠٠٠٫٠٠ USD", form.Html, StringComparison.Ordinal); // the fund's maximum as Arabic writes it

        var submission = form.Hidden("submission")!;
        var bad = await session.PostAsync($"/f/{slug}?lang=ar", Pairs(ValidForm(submission, "١٢ ألف", "ar")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(PageText.Get("Error_amount", "ar"), bad.TextOf("id=\"amount-error\""));
        Assert.Contains("value=\"١٢ ألف\"", bad.Html, StringComparison.Ordinal); // kept as typed

        foreach (var typed in new[] { "١٢٠٠٫٥٠", "۱۲۰۰", "١٬٢٠٠", "1 200,50" })
        {
            var fresh = await session.GetAsync($"/f/{slug}?lang=ar");
            var fields = Pairs(ValidForm(fresh.Hidden("submission")!, typed, "ar"));
            var sent = await session.PostAsync($"/f/{slug}?lang=ar", fields);
            Assert.Equal(HttpStatusCode.OK, sent.Status);
            Assert.Contains(PageText.Get("Sent_Keep", "ar")!, sent.Html, StringComparison.Ordinal);
        }

        var items = (
            await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests?fund={slug}"))
        ).GetProperty("items");
        var amounts = items.EnumerateArray().Select(i => i.GetProperty("amountRequested").GetDecimal()).Order();
        Assert.Equal([1200m, 1200m, 1200.50m, 1200.50m], amounts);
        Assert.All(items.EnumerateArray(), i => Assert.Equal("ar", i.GetProperty("language").GetString()));
    }

    [Fact]
    public async Task The_API_explains_an_amount_in_Arabic_Indic_digits_with_a_problem_never_a_500()
    {
        var (officer, slug) = await FundAsync("ar");
        const string Body = """
            {"alias":"ليلى","contact":{"channel":"signal","handle":"+249900000000"},"country":"SD","urgency":"high",
             "situation":"تهديدات بعد جلسة المحكمة.","need":"relocation","amount":"١٢٠٠","currency":"USD",
             "language":"ar"}
            """;
        foreach (var json in new[] { Body, Body.Replace("\"١٢٠٠\"", "١٢٠٠", StringComparison.Ordinal) })
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            var response = await app.CreateClient().PostAsync($"/api/funds/{slug}/requests", content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("$.amount", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await RequestCountAsync(officer, slug));
    }

    [Fact]
    public async Task Every_defender_page_in_every_language_stays_under_30KB()
    {
        var (officer, slug) = await FundAsync();
        var css = await app.CreateClient().GetAsync(PageAssets.StylesheetUrl);
        var cssBytes = (await css.Content.ReadAsByteArrayAsync()).Length;
        foreach (var lang in PageText.Languages)
        {
            var session = NewSession();
            var pages = new List<(string Name, HtmlPage Page)>();
            var form = await session.GetAsync($"/f/{slug}?lang={lang}");
            pages.Add(("form", form));
            var submission = form.Hidden("submission")!;
            pages.Add(
                (
                    "form with errors",
                    await session.PostAsync($"/f/{slug}?lang={lang}", ("submission", submission), ("language", lang))
                )
            );
            var sent = await session.PostAsync($"/f/{slug}?lang={lang}", Pairs(ValidForm(submission, "300", lang)));
            pages.Add(("answer", sent));
            var code = sent.TextOf("data-case-code")!;
            pages.Add(("status", await session.GetAsync($"/f/{slug}/status?lang={lang}")));
            pages.Add(("case", await session.PostAsync($"/f/{slug}/status?lang={lang}", ("code", code))));

            var list = await HttpAssert.OkJsonAsync(
                await officer.Client.GetAsync($"/api/requests?fund={slug}&limit=200")
            );
            var reference = list.GetProperty("items")
                .EnumerateArray()
                .Single(i => i.GetProperty("language").GetString() == lang)
                .GetProperty("reference")
                .GetString();
            await HttpAssert.OkJsonAsync(
                await officer.Client.PostAsJsonAsync($"/api/requests/{reference}/acknowledge", new { version = 1 })
            );
            await HttpAssert.OkJsonAsync(
                await officer.Client.PostAsJsonAsync(
                    $"/api/requests/{reference}/questions",
                    new { version = 2, question = new string('?', 600) }
                )
            );
            pages.Add(
                ("case with a question", await session.PostAsync($"/f/{slug}/status?lang={lang}", ("code", code)))
            );
            pages.Add(
                (
                    "answer missing",
                    await session.PostAsync($"/f/{slug}/answer?lang={lang}", ("code", code), ("answer", " "))
                )
            );
            pages.Add(
                ("withdraw unconfirmed", await session.PostAsync($"/f/{slug}/withdraw?lang={lang}", ("code", code)))
            );
            pages.Add(
                (
                    "code not found",
                    await session.PostAsync($"/f/{slug}/status?lang={lang}", ("code", "AAAA-BBBB-CCCC-DDDD"))
                )
            );
            pages.Add(("no such fund", await session.GetAsync($"/f/nothing-here?lang={lang}")));

            foreach (var (name, page) in pages)
            {
                Assert.Contains($"<html lang=\"{lang}\"", page.Html, StringComparison.Ordinal);
                var bytes = Encoding.UTF8.GetByteCount(page.Html) + cssBytes;
                Assert.True(bytes < MaxPageBytes, $"{lang} {name}: {bytes} bytes with its stylesheet");
            }
        }
    }
}

/// <summary>Engine-independent page behaviour on SQLite only.</summary>
public sealed class DefenderPageLimitsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Too_many_posts_get_a_page_in_the_visitors_language_with_Retry_After()
    {
        await using var limited = app.WithWebHostBuilder(b => b.UseSetting("RateLimits:PublicPermitLimit", "3"));
        var session = new PageSession(
            limited.CreateClient(
                new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
            )
        );
        var statuses = new List<HttpStatusCode>();
        HtmlPage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await session.PostAsync("/f/some-fund/status?lang=fr", ("code", "AAAA"));
            statuses.Add(last.Status);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, last!.Status);
        Assert.Contains(PageText.Get("TooMany_Text", "fr")!, last.Html, StringComparison.Ordinal);
        Assert.True(int.Parse(last.Header("Retry-After"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(PageSecurity.ContentSecurityPolicy, last.Header("Content-Security-Policy"));
    }

    [Fact]
    public void A_right_to_left_culture_gets_a_right_to_left_page()
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("ar");
            Assert.Equal("rtl", PageChrome.For("t", "b", "/f/x").Dir);
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(
                "es-MX"
            );
            var chrome = PageChrome.For("t", "b", "/f/x");
            Assert.Equal(("ltr", "es"), (chrome.Dir, chrome.Lang));
            Assert.Equal("/f/x?lang=pt", chrome.Languages.Single(l => l.Code == "pt").Href);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = before;
        }
    }
}

public sealed class SqliteDefenderPagesTests(SqliteApp app) : DefenderPagesTests<SqliteApp>(app);

public sealed class PostgresDefenderPagesTests(PostgresApp app) : DefenderPagesTests<PostgresApp>(app);

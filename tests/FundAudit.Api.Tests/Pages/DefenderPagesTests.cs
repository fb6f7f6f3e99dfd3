using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FundAudit.Api.Tests.Pages;

/// <summary>The defender's pages over HTTP, as a browser without JavaScript uses them, per engine.</summary>
public abstract class DefenderPagesTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : FundAuditApp
{
    private const int MaxPageBytes = 30 * 1024;

    private PageSession NewSession() => new(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }));

    private async Task<(Tenant Officer, string Slug)> FundAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "pages-" + Guid.NewGuid().ToString("N")[..10];
        var body = new JsonObject { ["slug"] = slug, ["name"] = "Fondo Rápido", ["currency"] = "USD", ["maxAmount"] = 5000, ["languages"] = new JsonArray("es", "en") };
        await HttpAssert.OkJsonAsync(await admin.Client.PostAsync("/api/funds", Giving.Json(body)), HttpStatusCode.Created);
        return (await app.AddKeyAsync(admin, Roles.Officer, "olga"), slug);
    }

    private static (string, string)[] ValidForm(string submission, string amount = "800,50") =>
    [
        ("submission", submission), ("language", "es"), ("alias", "Lucía"), ("contact.channel", "signal"), ("contact.handle", "+50499990000"),
        ("country", "Honduras"), ("urgency", "high"), ("situation", "Amenazas después de una audiencia sobre tierras."), ("need", "relocation"),
        ("amount", amount), ("currency", "USD"), ("endorser", ""),
    ];

    private static async Task<int> RequestCountAsync(Tenant officer, string slug) =>
        (await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests?fund={slug}&limit=200"))).GetProperty("items").GetArrayLength();

    [Fact]
    public async Task The_form_speaks_the_language_of_the_link_then_of_Accept_Language()
    {
        var (_, slug) = await FundAsync();
        var session = NewSession();
        foreach (var lang in PageText.Languages)
        {
            var page = await session.GetAsync($"/f/{slug}?lang={lang}");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains($"<html lang=\"{lang}\" dir=\"ltr\">", page.Html, StringComparison.Ordinal);
            Assert.Contains(PageText.Get("Form_Submit", lang)!, page.Html, StringComparison.Ordinal);
            Assert.Equal(lang, page.Header("Content-Language"));
        }

        session.AcceptLanguage = "pt-BR,pt;q=0.9,en;q=0.5";
        Assert.Contains(PageText.Get("Form_Submit", "pt")!, (await session.GetAsync($"/f/{slug}")).Html, StringComparison.Ordinal);
        session.AcceptLanguage = "de-DE";
        Assert.Contains("<html lang=\"en\"", (await session.GetAsync($"/f/{slug}")).Html, StringComparison.Ordinal);
        session.AcceptLanguage = "pt-BR";
        Assert.Contains("<html lang=\"fr\"", (await session.GetAsync($"/f/{slug}?lang=fr")).Html, StringComparison.Ordinal); // the link wins
    }

    [Fact]
    public void Every_text_has_a_translation_in_every_language()
    {
        var english = PageText.Keys();
        Assert.True(english.Count > 60, $"only {english.Count} keys");
        foreach (var lang in PageText.Languages.Where(l => l != "en"))
        {
            Assert.Equal(english, PageText.Keys(lang));
            Assert.All(english, key => Assert.False(string.IsNullOrWhiteSpace(PageText.Get(key, lang)), $"{lang}:{key} is empty"));
            var translated = english.Count(key => PageText.Get(key, lang) != PageText.Get(key, "en"));
            Assert.True(translated > english.Count * 0.8, $"{lang}: only {translated} of {english.Count} texts differ from English");
        }
    }

    [Fact]
    public async Task A_valid_form_makes_one_case_shows_its_code_once_and_a_resubmit_makes_no_second_case()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=es");
        var submission = form.Hidden("submission")!;
        Assert.Equal(32, submission.Length);

        var sent = await session.PostAsync($"/f/{slug}?lang=es", ValidForm(submission).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        var code = sent.TextOf("data-case-code");
        Assert.False(string.IsNullOrEmpty(code));
        Assert.Contains(PageText.Get("Sent_Keep", "es")!, sent.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(code!, sent.Response.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        Assert.DoesNotMatch("href=\"[^\"]*" + code, sent.Html);

        // The same submission again (a reload or a double click) answers the same case.
        var again = await session.PostAsync($"/f/{slug}?lang=es", ValidForm(submission).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
        Assert.Equal(code, again.TextOf("data-case-code"));
        Assert.Equal(1, await RequestCountAsync(officer, slug));

        // The case is the API's case: same code, the amount typed with a decimal comma.
        var status = await HttpAssert.OkJsonAsync(await app.CreateClient().PostAsJsonAsync("/api/requests/status", new { caseCode = code }));
        Assert.Equal("received", status.GetProperty("status").GetString());
        var listed = (await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests?fund={slug}"))).GetProperty("items")[0];
        Assert.Equal(800.50m, listed.GetProperty("amountRequested").GetDecimal());
        Assert.Equal("es", listed.GetProperty("language").GetString());
    }

    [Fact]
    public async Task An_invalid_form_keeps_what_was_typed_and_says_beside_each_field_what_to_fix()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=es");
        var page = await session.PostAsync($"/f/{slug}?lang=es", ("submission", form.Hidden("submission")!), ("language", "es"), ("alias", "Lucía <b>"),
            ("contact.channel", "signal"), ("contact.handle", ""), ("country", "Atlantis"), ("urgency", ""), ("situation", "Texto escrito"),
            ("need", "legal"), ("amount", "mil"), ("currency", "USD"));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("value=\"Lucía &lt;b&gt;\"", page.Html, StringComparison.Ordinal);
        Assert.Contains(">Texto escrito</textarea>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"legal\" selected", page.Html, StringComparison.Ordinal);
        foreach (var (field, key) in new[] { ("amount", "Error_amount"), ("country", "Error_country"), ("urgency", "Error_urgency"), ("contact-handle", "Error_contact_handle") })
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
        var fields = ValidForm(form.Hidden("submission")!).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)).ToList();

        var refused = await session.PostAsync($"/f/{slug}?lang=fr", fields, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(PageText.Get("Expired_Title", "fr")!, refused.Html, StringComparison.Ordinal);

        session.Forget("fa_form"); // the token without its cookie is refused too
        Assert.Equal(HttpStatusCode.BadRequest, (await session.PostAsync($"/f/{slug}?lang=fr", fields)).Status);
        Assert.Equal(0, await RequestCountAsync(officer, slug));
    }

    [Fact]
    public async Task The_status_page_takes_the_code_in_the_body_answers_the_question_and_withdraws()
    {
        var (officer, slug) = await FundAsync();
        var session = NewSession();
        var form = await session.GetAsync($"/f/{slug}?lang=pt");
        var code = (await session.PostAsync($"/f/{slug}?lang=pt", ValidForm(form.Hidden("submission")!, "300")
            .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)))).TextOf("data-case-code")!;
        var reference = (await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests?fund={slug}"))).GetProperty("items")[0].GetProperty("reference").GetString();
        await HttpAssert.OkJsonAsync(await officer.Client.PostAsJsonAsync($"/api/requests/{reference}/acknowledge", new { version = 1 }));
        await HttpAssert.OkJsonAsync(await officer.Client.PostAsJsonAsync($"/api/requests/{reference}/questions", new { version = 2, question = "¿Dónde está ahora?" }));

        var entry = await session.GetAsync($"/f/{slug}/status?lang=pt");
        Assert.Contains("type=\"password\" id=\"code\" name=\"code\"", entry.Html, StringComparison.Ordinal);
        var found = await session.PostAsync($"/f/{slug}/status?lang=pt", ("code", code));
        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Equal(PageText.Get("Status_question", "pt"), found.TextOf("data-status"));
        Assert.Contains("¿Dónde está ahora?", found.Html, StringComparison.Ordinal);

        var empty = await session.PostAsync($"/f/{slug}/answer?lang=pt", ("code", code), ("answer", " "));
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal(PageText.Get("Answer_Required", "pt"), empty.TextOf("id=\"answer-error\""));

        var answered = await session.PostAsync($"/f/{slug}/answer?lang=pt", ("code", code), ("answer", "En un lugar seguro."));
        Assert.Contains(PageText.Get("Answer_Sent", "pt")!, answered.Html, StringComparison.Ordinal);
        Assert.Equal(PageText.Get("Status_under_review", "pt"), answered.TextOf("data-status"));

        var unconfirmed = await session.PostAsync($"/f/{slug}/withdraw?lang=pt", ("code", code));
        Assert.Equal(PageText.Get("Withdraw_NeedConfirm", "pt"), unconfirmed.TextOf("id=\"withdraw-error\""));
        var withdrawn = await session.PostAsync($"/f/{slug}/withdraw?lang=pt", ("code", code), ("confirm", "yes"));
        Assert.Equal(PageText.Get("Status_withdrawn", "pt"), withdrawn.TextOf("data-status"));
        var api = await HttpAssert.OkJsonAsync(await app.CreateClient().PostAsJsonAsync("/api/requests/status", new { caseCode = code }));
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
        pages.Add(("form with errors", await session.PostAsync($"/f/{slug}?lang=es", ("submission", form.Hidden("submission")!), ("language", "es"))));
        var sent = await session.PostAsync($"/f/{slug}?lang=es", ValidForm(form.Hidden("submission")!).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
        pages.Add(("answer", sent));
        pages.Add(("status", await session.GetAsync($"/f/{slug}/status?lang=es")));
        pages.Add(("case", await session.PostAsync($"/f/{slug}/status?lang=es", ("code", sent.TextOf("data-case-code")!))));
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
}

/// <summary>Engine-independent page behaviour on SQLite only.</summary>
public sealed class DefenderPageLimitsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Too_many_posts_get_a_page_in_the_visitors_language_with_Retry_After()
    {
        await using var limited = app.WithWebHostBuilder(b => b.UseSetting("RateLimits:PublicPermitLimit", "3"));
        var session = new PageSession(limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }));
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
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("es-MX");
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

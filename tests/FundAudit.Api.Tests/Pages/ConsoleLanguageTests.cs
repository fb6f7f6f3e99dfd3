using System.Net;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Pages;

/// <summary>The console's four languages: every text in every language, and every page answering in Spanish.</summary>
public sealed class ConsoleTextTests
{
    [Fact]
    public void Every_console_text_is_in_every_language_with_the_same_placeholders()
    {
        Assert.Equal(new[] { "en", "es", "fr", "pt" }, ConsoleText.Languages);
        Translations.AssertComplete(ConsoleText.Languages, ConsoleText.Keys, ConsoleText.Get, 40);
    }

    [Fact]
    public void Every_console_text_is_used_by_a_page()
    {
        var pages = Path.Combine(RepoPaths.Root, "src", "FundAudit.Api", "Features", "Pages");
        var source = string.Concat(
            Directory
                .EnumerateFiles(pages, "*.*", SearchOption.AllDirectories)
                .Where(f =>
                    f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)
                )
                .Select(File.ReadAllText)
        );
        var unused = ConsoleText
            .Keys()
            .Where(key => !source.Contains('"' + key + '"', StringComparison.Ordinal))
            .Where(key => !Dynamic.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(unused);
    }

    /// <summary>Keys a page builds from a prefix and a value (a state, a role, a check's code).</summary>
    private static readonly string[] Dynamic =
    [
        "Role_",
        "People_Status_",
        "QualityCheck_",
        "State_",
        "Sla_",
        "Goal_",
        "ImportStatus_",
    ];
}

/// <summary>Every console page in Spanish (from <c>?lang=es</c> or Accept-Language), kept by the language cookie.</summary>
public abstract class ConsoleLanguageTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static string Es(string key) => ConsoleText.Get(key, "es")!;

    [Fact]
    public async Task The_sign_in_and_lock_pages_answer_in_the_language_asked_and_english_by_default()
    {
        using var anonymous = ConsoleClient.Anonymous(app);
        var english = await PageAsync(anonymous, "/app/sign-in");
        Assert.Contains("<html lang=\"en\"", english, StringComparison.Ordinal);
        Assert.Contains("<h1>Sign in</h1>", english, StringComparison.Ordinal);

        anonymous.AcceptLanguage = "es-MX,es;q=0.9";
        var spanish = await PageAsync(anonymous, "/app/sign-in");
        Assert.Contains("<html lang=\"es\"", spanish, StringComparison.Ordinal);
        Assert.Contains($"<h1>{Es("SignIn_Title")}</h1>", spanish, StringComparison.Ordinal);
        Assert.Contains($">{Es("Field_Password")}</label>", spanish, StringComparison.Ordinal);
        Assert.Contains(
            $"<h1>{Es("Seize_Title")}</h1>",
            await PageAsync(anonymous, "/app/seize"),
            StringComparison.Ordinal
        );

        // A language link wins over Accept-Language, and a cookie keeps it for the next pages.
        var french = await PageAsync(anonymous, "/app/sign-in?lang=fr");
        Assert.Contains("<html lang=\"fr\"", french, StringComparison.Ordinal);
        Assert.NotNull(anonymous.Cookie(ConsoleText.LanguageCookie));
        Assert.Contains("href=\"/app/sign-in?lang=pt\"", french, StringComparison.Ordinal);
        Assert.Contains(
            $"<h1>{ConsoleText.Get("Seize_Title", "fr")}</h1>",
            await PageAsync(anonymous, "/app/seize"),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Every_console_page_answers_in_spanish()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        using var console = await ConsoleClient.SignInAsync(app, admin.Key);
        console.AcceptLanguage = "es";
        foreach (var (path, title) in Pages)
        {
            var html = await PageAsync(
                console,
                path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "lang=es"
            );
            Assert.Contains("<html lang=\"es\"", html, StringComparison.Ordinal);
            Assert.True(
                html.Contains($"<h1>{Es(title)}", StringComparison.Ordinal),
                $"{path}: no Spanish heading {title}"
            );
            Assert.Contains($">{Es("Shell_SignOut")}</button>", html, StringComparison.Ordinal);
        }

        // A fund's edit page: its heading, labels and tier names in Spanish, and the list's amounts in Spanish format.
        var slug = await EmergencyForms.CreateFundAsync(admin, "lang", "Fondo Lengua", 12500m);
        var fund = await PageAsync(console, $"/app/funds/{slug}?lang=es");
        Assert.Contains(
            $"<h1>{Es("Fund_Heading").Replace("{0}", "Fondo Lengua", StringComparison.Ordinal)}</h1>",
            fund,
            StringComparison.Ordinal
        );
        Assert.Contains($">{Es("Fund_MaxAmount")}</label>", fund, StringComparison.Ordinal);
        Assert.Contains($">{Es("Fund_Tier_extreme")}</th>", fund, StringComparison.Ordinal);
        Assert.Contains($"<legend>{Es("Fund_Goals")}</legend>", fund, StringComparison.Ordinal);
        Assert.Contains("value=\"12500\"", fund, StringComparison.Ordinal); // form values stay invariant
        Assert.Contains("12.500,00 USD", await PageAsync(console, "/app/funds?lang=es"), StringComparison.Ordinal);

        var missing = await PageAsync(console, "/app/no-such-page", HttpStatusCode.NotFound);
        Assert.Contains($"<h1>{Es("NotFound_Title")}</h1>", missing, StringComparison.Ordinal);
    }

    /// <summary>A page's HTML, its entities decoded (the texts are compared as written).</summary>
    private static async Task<string> PageAsync(
        ConsoleClient client,
        string path,
        HttpStatusCode expected = HttpStatusCode.OK
    ) => WebUtility.HtmlDecode(await client.GetPageAsync(path, expected));

    /// <summary>Each console page an admin opens, with the key of its heading.</summary>
    private static readonly (string Path, string Title)[] Pages =
    [
        ("/app", "Dashboard_Title"),
        ("/app/requests", "Requests_Title"),
        ("/app/people", "People_Title"),
        ("/app/logs", "Logs_Title"),
        ("/app/sso", "Sso_Title"),
        ("/app/audit", "Audit_Title"),
        ("/app/compare", "Compare_Title"),
        ("/app/trend", "Trend_Title"),
        ("/app/downloads", "Downloads_Title"),
        ("/app/rules", "Rules_Title"),
        ("/app/portfolio", "Portfolio_Title"),
        ("/app/review", "Review_Title"),
        ("/app/imports", "Imports_Title"),
        ("/app/quality", "Quality_Title"),
        ("/app/publish", "Publish_Title"),
        ("/app/funds", "Funds_Title"),
        ("/app/funds/new", "Funds_New"),
    ];
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteConsoleLanguageTests(SqliteApp app) : ConsoleLanguageTests<SqliteApp>(app);

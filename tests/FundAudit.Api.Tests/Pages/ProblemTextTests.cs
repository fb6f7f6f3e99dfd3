using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Tests.Audit;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Pages;

/// <summary>The validators' messages (ProblemText): every key in every console language, each one used.</summary>
public sealed class ProblemTextKeyTests
{
    [Fact]
    public void Every_validator_message_is_in_every_console_language_with_the_same_placeholders()
    {
        Translations.AssertComplete(ConsoleText.Languages, ProblemText.Keys, ProblemText.Get, 60);
    }

    [Fact]
    public void Every_validator_message_is_used()
    {
        var src = Path.Combine(RepoPaths.Root, "src", "FundAudit.Api");
        var source = string.Concat(
            Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText)
        );
        var unused = ProblemText
            .Keys()
            .Where(key => !source.Contains('"' + key + '"', StringComparison.Ordinal))
            .ToList();
        Assert.Empty(unused);
    }
}

/// <summary>
/// A validator's problem on a console page in the page's language (the funds form in Spanish, then English), while
/// the API's ProblemDetails stay English whatever Accept-Language asks.
/// </summary>
public abstract class ProblemLanguageTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static Dictionary<string, string> Fields(string currency) =>
        new(StringComparer.Ordinal)
        {
            ["slug"] = "pl-" + Guid.NewGuid().ToString("N")[..10],
            ["name"] = "Fondo",
            ["currency"] = currency,
            ["maxamount"] = "0",
            ["secondapprovalthreshold"] = "",
            ["languages"] = "es",
            ["webhookurl"] = "",
            ["warningshare"] = "0.5",
            ["timezone"] = "",
            ["workingdays"] = "",
            ["daystart"] = "",
            ["dayend"] = "",
            ["holidays"] = "",
        };

    [Fact]
    public async Task A_validator_problem_is_shown_in_the_console_language_and_the_api_stays_english()
    {
        var tenant = await app.CreateTenantAsync(Roles.Admin);
        using var admin = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Admin)).Key);

        await admin.GetPageAsync("/app/funds/new?lang=es"); // the language cookie keeps Spanish for the post
        var (status, html) = await admin.PostPageAsync("/app/funds", Fields("XYZ"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        html = WebUtility.HtmlDecode(html);
        Assert.Contains("<html lang=\"es\"", html, StringComparison.Ordinal);
        Assert.Contains(ProblemText.Get("Currency_Unknown", "es")!, html, StringComparison.Ordinal);
        Assert.Contains(ProblemText.Get("Fund_MaxAmountPositive", "es")!, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Not an ISO 4217 currency code.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("The maximum amount must be more than zero.", html, StringComparison.Ordinal);

        await admin.GetPageAsync("/app/funds/new?lang=en");
        (status, html) = await admin.PostPageAsync("/app/funds", Fields("XYZ"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        html = WebUtility.HtmlDecode(html);
        Assert.Contains("Not an ISO 4217 currency code.", html, StringComparison.Ordinal);
        Assert.Contains("The maximum amount must be more than zero.", html, StringComparison.Ordinal);
        Assert.DoesNotContain(ProblemText.Get("Currency_Unknown", "es")!, html, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/funds")
        {
            Content = JsonContent.Create(
                new
                {
                    slug = "pl-api",
                    name = "Fondo",
                    currency = "XYZ",
                    maxAmount = 0,
                }
            ),
        };
        request.Headers.AcceptLanguage.ParseAdd("es-ES,es;q=0.9");
        var api = await tenant.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        var body = await api.Content.ReadAsStringAsync();
        Assert.Contains("Not an ISO 4217 currency code.", body, StringComparison.Ordinal);
        Assert.Contains("The maximum amount must be more than zero.", body, StringComparison.Ordinal);
        Assert.DoesNotContain(ProblemText.Get("Currency_Unknown", "es")!, body, StringComparison.Ordinal);
    }

    private static string Es(string key, params object[] args) =>
        string.Format(CultureInfo.GetCultureInfo("es"), ProblemText.Get(key, "es")!, args);

    [Fact]
    public async Task A_use_case_problem_is_shown_in_the_console_language_and_the_api_stays_english()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        await HandWorkedPortfolio.BaselineAsync(tenant); // named FY2024
        using var admin = await ConsoleClient.SignInAsync(app, tenant.Key);
        var baseline = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "FY2024",
            ["from"] = "2025-01-01",
            ["to"] = "2025-12-31",
            ["currency"] = "EUR",
        };
        var spanish = Es("Use_BaselineNameInUse", "FY2024");

        await admin.GetPageAsync("/app/audit?lang=es");
        var (status, html) = await admin.PostPageAsync("/app/audit/baselines", baseline);
        Assert.Equal(HttpStatusCode.Conflict, status);
        html = WebUtility.HtmlDecode(html);
        Assert.Contains(spanish, html, StringComparison.Ordinal);
        Assert.DoesNotContain("A baseline named 'FY2024' exists", html, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/audit/baselines")
        {
            Content = JsonContent.Create(
                new
                {
                    name = "FY2024",
                    from = "2025-01-01",
                    to = "2025-12-31",
                    currency = "EUR",
                }
            ),
        };
        request.Headers.AcceptLanguage.ParseAdd("es-ES,es;q=0.9");
        var api = await tenant.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, api.StatusCode);
        var body = await api.Content.ReadAsStringAsync();
        Assert.Contains(
            "A baseline named 'FY2024' exists; baselines are never replaced.",
            body,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain(spanish, body, StringComparison.Ordinal);
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteProblemLanguageTests(SqliteApp app) : ProblemLanguageTests<SqliteApp>(app);

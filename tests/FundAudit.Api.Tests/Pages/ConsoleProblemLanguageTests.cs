using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// What the console shows of the use cases and the import job in the page's language: a use case's problem title
/// (French), while the API's stays English whatever Accept-Language asks.
/// </summary>
public abstract class ConsoleProblemLanguageTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_use_case_problem_title_is_shown_in_french_on_the_console_and_the_api_stays_english()
    {
        var tenant = await app.CreateTenantAsync();
        var csv = CsvTestFiles.Header360 + "\nP-1,T,D,GBP,10,2024-01-01\n";
        var id = await ImportAsync(tenant, new StringContent(csv, Encoding.UTF8, "text/csv"));
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        var french = ProblemText.Get("Title_ImportNotRetryable", "fr")!;
        var detail = Text("fr", "Use_ImportNotRetryable", id, "succeeded");

        await analyst.GetPageAsync($"/app/imports/{id}?lang=fr");
        var (status, html) = await analyst.PostPageAsync($"/app/imports/{id}/retry", []);
        Assert.Equal(HttpStatusCode.Conflict, status);
        html = WebUtility.HtmlDecode(html);
        Assert.Contains("<html lang=\"fr\"", html, StringComparison.Ordinal);
        Assert.Contains($"<h1>{french}</h1>", html, StringComparison.Ordinal);
        Assert.Contains(detail, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Import not retryable", html, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/grants/imports/{id}/retry");
        request.Headers.AcceptLanguage.ParseAdd("fr-FR,fr;q=0.9");
        var api = await tenant.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, api.StatusCode);
        var body = await api.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Import not retryable", body.GetProperty("title").GetString());
        Assert.StartsWith(
            $"Import {id} is succeeded: only a failed or interrupted import can be retried.",
            body.GetProperty("detail").GetString(),
            StringComparison.Ordinal
        );
    }

    private static string Text(string language, string key, params object[] args) =>
        string.Format(CultureInfo.GetCultureInfo(language), ProblemText.Get(key, language)!, args);

    private async Task<long> ImportAsync(Tenant tenant, HttpContent content)
    {
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", content),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        return id;
    }
}

public sealed class SqliteConsoleProblemLanguageTests(SqliteApp app) : ConsoleProblemLanguageTests<SqliteApp>(app);

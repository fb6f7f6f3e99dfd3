using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.GrantIngest.Xlsx;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// What the console shows of the use cases and the import job in the page's language: a use case's problem title
/// (French) and an import's row errors with their exact cells (Spanish), while the API stays English whatever
/// Accept-Language asks; and the import job reads a file the same under any server culture.
/// </summary>
public abstract class ConsoleProblemLanguageTests<TApp>(TApp app)
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

    [Fact]
    public async Task An_import_row_error_is_shown_in_spanish_with_its_exact_cell_and_the_api_stays_english()
    {
        var tenant = await app.CreateTenantAsync();
        var book = new TestWorkbook().Sheet(
            "grants",
            ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date"],
            ["G-1", "Relocation", "D", "GBP", 100, new DateCell(new DateTime(2024, 3, 31))],
            ["G-2", "Relocation", "D", "GBP", "diez", new DateCell(new DateTime(2024, 3, 31))],
            ["G-3", "Relocation", "D", "ZZZ", 100, new DateCell(new DateTime(2024, 3, 31))],
            ["G-4", "Relocation", "D", "GBP", 10.555, new DateCell(new DateTime(2024, 3, 31))]
        );
        var workbook = await ImportAsync(tenant, book.Content());
        var csv = CsvTestFiles.Header360 + "\nC-1,T,D,GBP,10,2024-01-01\nC-2,T,D,,10,2024-01-01\n";
        var file = await ImportAsync(tenant, new StringContent(csv, Encoding.UTF8, "text/csv"));
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var html = WebUtility.HtmlDecode(await analyst.GetPageAsync($"/app/imports/{workbook}?lang=es"));
        Assert.Contains("<html lang=\"es\"", html, StringComparison.Ordinal);
        Assert.Contains("grants!E3: " + Text("es", "Row_AmountNotNumber"), html, StringComparison.Ordinal);
        Assert.Contains("grants!D4: " + Text("es", "Row_CurrencyUnknown"), html, StringComparison.Ordinal);
        Assert.Contains("grants!E5: " + Text("es", "Row_AmountDecimals", "GBP", 2), html, StringComparison.Ordinal);
        Assert.Contains("Los importes en GBP tienen como máximo 2 decimales.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Expected a number with a dot", html, StringComparison.Ordinal);
        Assert.DoesNotContain("amounts have at most", html, StringComparison.Ordinal);

        html = WebUtility.HtmlDecode(await analyst.GetPageAsync($"/app/imports/{file}"));
        Assert.Contains(Text("es", "Row_CurrencyRequired"), html, StringComparison.Ordinal);
        Assert.DoesNotContain("Currency is required", html, StringComparison.Ordinal);

        // A file with no valid row is refused with the job's own problem, in Spanish on the imports list and page.
        var none = CsvTestFiles.Header360 + "\nN-1,T,D,,10,2024-01-01\n";
        var refused = await ImportAsync(tenant, new StringContent(none, Encoding.UTF8, "text/csv"));
        Assert.Contains(
            Text("es", "Import_NoValidRows"),
            WebUtility.HtmlDecode(await analyst.GetPageAsync("/app/imports"))
        );
        html = WebUtility.HtmlDecode(await analyst.GetPageAsync($"/app/imports/{refused}"));
        Assert.Contains(Text("es", "Import_NoValidRows"), html, StringComparison.Ordinal);
        Assert.DoesNotContain("No row of the file could be imported", html, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/grants/imports/{workbook}/errors");
        request.Headers.AcceptLanguage.ParseAdd("es-ES,es;q=0.9");
        var body = await HttpAssert.OkJsonAsync(await tenant.Client.SendAsync(request));
        var messages = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(
            [
                "grants!E3: Expected a number with a dot as decimal separator, such as 1234.50 or 1,234.50, without a "
                    + "currency symbol or other text.",
                "grants!D4: Expected a three-letter ISO 4217 currency code such as GBP, EUR or USD.",
                "grants!E5: GBP amounts have at most 2 decimal places.",
            ],
            messages.Select(e => e.GetProperty("message").GetString())
        );
        Assert.All(messages, e => Assert.False(e.TryGetProperty("text", out _)));
    }

    [Fact]
    public async Task An_import_run_under_a_german_culture_stores_the_same_as_under_the_invariant_culture()
    {
        var csv =
            CsvTestFiles.Header360
            + "\nC-1,T,D,GBP,\"1,500.50\",31/03/2024\nC-2,T,D,EUR,1.5,2024-03-01\nC-3,T,D,GBP,\"1,5\",2024-03-01"
            + $"\nC-4,T,{new string('x', 32_769)},GBP,10,2024-03-01\n";

        var invariant = await RunUnderAsync(CultureInfo.InvariantCulture, csv);
        var german = await RunUnderAsync(CultureInfo.GetCultureInfo("de-DE"), csv);

        Assert.Equal(invariant, german);
        Assert.Equal(4, german.Count);
        Assert.StartsWith("C-1 1500.5", german[0], StringComparison.Ordinal);
        Assert.Contains("2024-03-31", german[0], StringComparison.Ordinal);
        Assert.StartsWith("C-2 1.5 ", german[1], StringComparison.Ordinal);
        Assert.StartsWith("row 4 Amount Awarded invalid_amount ", german[2], StringComparison.Ordinal);
        Assert.Equal("row 5 Description cell_too_long The cell is longer than 32,768 characters.", german[3]);

        // A file refused as a whole says its limit in the invariant culture too (1,000, not the German 1.000).
        var rows = string.Concat(Enumerable.Range(1, 1_001).Select(i => $"\nR-{i},T,D,GBP,10,2024-01-01"));
        var limits = new GrantImportOptions { MaxRows = 1_000 };
        var refused = await RunUnderAsync(CultureInfo.GetCultureInfo("de-DE"), CsvTestFiles.Header360 + rows, limits);
        Assert.Equal(["too_many_rows The file has more than 1,000 data rows; split it into smaller files."], refused);
    }

    /// <summary>Imports <paramref name="csv"/> for a new funder with the job run in <paramref name="culture"/>: the
    /// grants and the stored row errors, one line each.</summary>
    private async Task<List<string>> RunUnderAsync(CultureInfo culture, string csv, GrantImportOptions? options = null)
    {
        var tenant = await app.CreateTenantAsync();
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", new StringContent(csv, Encoding.UTF8, "text/csv")),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            var job = options is null
                ? app.Services.GetRequiredService<GrantImportJob>()
                : ImportJobs.Create(app.Services, options);
            await job.RunAsync(id, CancellationToken.None);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
            CultureInfo.CurrentUICulture = beforeUi;
        }

        var import = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        if (import.GetProperty("status").GetString() != "succeeded")
        {
            return
            [
                .. import
                    .GetProperty("problems")
                    .EnumerateArray()
                    .Select(p => p.GetProperty("code").GetString() + " " + p.GetProperty("message").GetString()),
            ];
        }

        var lines = new List<string>();
        foreach (var grant in new[] { "C-1", "C-2" })
        {
            var g = await tenant.Client.GetFromJsonAsync<JsonElement>($"/api/grants/by-id/{grant}");
            lines.Add(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{grant} {g.GetProperty("amountAwarded").GetDecimal()} {g.GetProperty("awardDate").GetString()}"
                )
            );
        }

        var errors = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}/errors"));
        lines.AddRange(
            errors
                .GetProperty("errors")
                .EnumerateArray()
                .Select(e =>
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"row {e.GetProperty("row").GetInt64()} {e.GetProperty("column").GetString()} "
                            + $"{e.GetProperty("code").GetString()} {e.GetProperty("message").GetString()}"
                    )
                )
        );
        return lines;
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

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteConsoleProblemLanguageTests(SqliteApp app) : ConsoleProblemLanguageTests<SqliteApp>(app);

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
/// An import's file-level problems and warnings (a missing required column, a column kept aside, a sheet not read)
/// on the console's import pages in Spanish, each at its exact place, while the API's answer stays English.
/// </summary>
public abstract class ConsoleImportFileProblemLanguageTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_missing_column_and_a_column_kept_aside_are_shown_in_spanish_and_the_api_stays_english()
    {
        var tenant = await app.CreateTenantAsync();
        var missing = "Identifier,Title,Description,Amount Awarded,Award Date\nM-1,T,D,10,2024-01-01\n";
        var refused = await ImportAsync(tenant, new StringContent(missing, Encoding.UTF8, "text/csv"));
        var aside = CsvTestFiles.Header360 + ",Notes\nK-1,T,D,GBP,10,2024-01-01,hello\n";
        var kept = await ImportAsync(tenant, new StringContent(aside, Encoding.UTF8, "text/csv"));
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var html = WebUtility.HtmlDecode(await analyst.GetPageAsync($"/app/imports/{refused}?lang=es"));
        Assert.Contains("<html lang=\"es\"", html, StringComparison.Ordinal);
        Assert.Contains(Text("es", "File_MissingColumn", "Currency"), html, StringComparison.Ordinal);
        Assert.Contains("La columna obligatoria \"Currency\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("is missing from the header row", html, StringComparison.Ordinal);
        html = WebUtility.HtmlDecode(await analyst.GetPageAsync("/app/imports"));
        Assert.Contains(Text("es", "File_MissingColumn", "Currency"), html, StringComparison.Ordinal);

        html = WebUtility.HtmlDecode(await analyst.GetPageAsync($"/app/imports/{kept}"));
        Assert.Contains(Text("es", "File_ColumnKeptAside", "Notes"), html, StringComparison.Ordinal);
        Assert.DoesNotContain("is not read by FundAudit", html, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/grants/imports/{refused}");
        request.Headers.AcceptLanguage.ParseAdd("es-ES,es;q=0.9");
        var body = await HttpAssert.OkJsonAsync(await tenant.Client.SendAsync(request));
        var problem = Assert.Single(body.GetProperty("problems").EnumerateArray());
        Assert.Equal(
            "{\"code\":\"missing_column\",\"message\":\"The required column \\\"Currency\\\" is missing from the "
                + "header row.\",\"column\":\"Currency\",\"row\":1}",
            problem.GetRawText()
        );
        body = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{kept}"));
        var warning = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal(
            "{\"code\":\"column_kept_aside\",\"message\":\"The column \\\"Notes\\\" is not read by FundAudit; its "
                + "values are kept with each grant as sent (additionalColumns).\",\"column\":\"Notes\",\"row\":1}",
            warning.GetRawText()
        );
    }

    [Fact]
    public async Task A_workbook_s_warnings_are_shown_in_spanish_at_their_exact_cells_and_the_api_stays_english()
    {
        var tenant = await app.CreateTenantAsync();
        var date = new DateCell(new DateTime(2024, 3, 31));
        var book = new TestWorkbook()
            .Sheet(
                "grants",
                ["Grants of 2024"],
                ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date", "Notes"],
                ["G-1", "Relocation", "D", "GBP", 100, date, "n"],
                ["G-1", "Relocation", "D", "GBP", 200, date, "m"]
            )
            .Sheet("Notas", ["Nota"], ["hola"]);
        var id = await ImportAsync(tenant, book.Content());
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var html = WebUtility.HtmlDecode(await analyst.GetPageAsync($"/app/imports/{id}?lang=es"));
        Assert.Contains(Text("es", "File_SheetNotRead", "Notas", "grants"), html, StringComparison.Ordinal);
        Assert.Contains("grants!G2: " + Text("es", "File_ColumnKeptAside", "Notes"), html, StringComparison.Ordinal);
        Assert.Contains("grants!A3: " + Text("es", "Row_Superseded", 4), html, StringComparison.Ordinal);
        Assert.Contains(Text("es", "Import_SupersededTotal", 1, "GBP 100.00"), html, StringComparison.Ordinal);
        Assert.DoesNotContain("was not read", html, StringComparison.Ordinal);
        Assert.DoesNotContain("is not read by FundAudit", html, StringComparison.Ordinal);
        Assert.DoesNotContain("has the same identifier", html, StringComparison.Ordinal);

        var body = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        var warnings = body.GetProperty("warnings").EnumerateArray().ToList();
        Assert.Equal(
            [
                "The sheet \"Notas\" was not read: only the grants sheet \"grants\" and the sheets linked to it by "
                    + "Identifier are.",
                "grants!G2: The column \"Notes\" is not read by FundAudit; its values are kept with each grant as sent "
                    + "(additionalColumns).",
                "grants!A3: Row 4 has the same identifier and replaces this row.",
                "Rows replaced by a later row with the same identifier, and not stored: 1; their amounts: GBP 100.00. "
                    + "If they are different grants, give each its own identifier and upload the file again.",
            ],
            warnings.Select(w => w.GetProperty("message").GetString())
        );
        Assert.All(warnings, w => Assert.False(w.TryGetProperty("text", out _)));
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

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteConsoleImportFileProblemLanguageTests(SqliteApp app)
    : ConsoleImportFileProblemLanguageTests<SqliteApp>(app);

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// An upload over the limit (Imports:MaxFileBytes 1 MiB here): the console's upload form shows the imports page again,
/// 413, with the limit in MB beside the file field (never raw problem+json), whether the body declares its length
/// (never read) or arrives chunked; the API answers ProblemDetails naming the limit. Nothing is stored.
/// </summary>
public abstract class UploadLimitTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private const long Limit = 1024 * 1024;

    private static readonly string Header = "Identifier,Title,Description,Currency,Amount Awarded,Award Date";

    private static byte[] CsvOf(long bytes)
    {
        var sb = new StringBuilder(Header + "\n");
        for (var i = 1; sb.Length < bytes; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"L-{i},Title,Description of the grant,GBP,10,2024-01-01\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The app with the 1 MiB limit, one for the class.</summary>
    private ContractCheckedFactory Small() =>
        app.Shared("upload-limit", b =>
            b.UseSetting("Imports:MaxFileBytes", Limit.ToString(CultureInfo.InvariantCulture))
        );

    private static async Task<(HttpStatusCode Status, string Html, string? MediaType)> PostUploadAsync(
        ConsoleClient client,
        byte[] file,
        bool chunked = false
    )
    {
        var fileContent = new ByteArrayContent(file);
        fileContent.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var form = new MultipartFormDataContent
        {
            { new StringContent(client.Token!), ConsoleClient.TokenField },
            { new StringContent(""), "dateFormat" },
            { fileContent, "file", "grants.csv" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/app/imports") { Content = form };
        request.Headers.TransferEncodingChunked = chunked;
        request.Headers.Add(
            "Cookie",
            $"{ConsoleClient.SessionCookie}={client.Cookie(ConsoleClient.SessionCookie)}; "
                + $"{ConsoleClient.FormCookie}={client.Cookie(ConsoleClient.FormCookie)}"
        );
        using var response = await client.Http.SendAsync(request);
        return (
            response.StatusCode,
            await response.Content.ReadAsStringAsync(),
            response.Content.Headers.ContentType?.MediaType
        );
    }

    private static async Task<int> ImportCountAsync(Tenant tenant) =>
        (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/imports"))
            .GetProperty("items")
            .GetArrayLength();

    [Theory]
    [InlineData(2 * Limit, false)] // over the request limit: refused from Content-Length, never read
    [InlineData(Limit + 16 * 1024, false)] // over the file limit but within the multipart allowance
    [InlineData(2 * Limit, true)] // chunked: cut off while the form is read
    public async Task The_console_shows_the_form_again_with_the_limit_in_MB_beside_the_file_field(
        long bytes,
        bool chunked
    )
    {
        var small = Small();
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(
            app,
            small,
            (await app.AddKeyAsync(tenant, Roles.Analyst)).Key
        );
        await analyst.GetPageAsync("/app/imports");

        var (status, html, mediaType) = await PostUploadAsync(analyst, CsvOf(bytes), chunked);

        Assert.True(status == HttpStatusCode.RequestEntityTooLarge, $"{(int)status}: {html}");
        Assert.Equal("text/html", mediaType);
        var expected = ConsoleText.Get("Upload_TooLarge", "en")!.Replace("{0}", "1.0 MB", StringComparison.Ordinal);
        Assert.Contains(
            $"<span class=\"error\" id=\"upload-file-error\" data-error=\"file\">{WebUtility.HtmlEncode(expected)}</span>",
            html,
            StringComparison.Ordinal
        );
        Assert.Contains("enctype=\"multipart/form-data\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await ImportCountAsync(tenant));
    }

    [Theory]
    [InlineData(2 * Limit, Limit + 64 * 1024)] // over the request limit: the endpoint's limit
    [InlineData(Limit + 16 * 1024, Limit)] // within the request limit, over the file limit: the file's
    public async Task The_api_answers_problem_details_naming_the_limit(long bytes, long limit)
    {
        var small = Small();
        var tenant = await app.CreateTenantAsync();
        using var client = small.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Key);
        var body = new ByteArrayContent(CsvOf(bytes));
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        var problem = await HttpAssert.ProblemAsync(
            await client.PostAsync("/api/grants/imports", body),
            HttpStatusCode.RequestEntityTooLarge
        );

        Assert.Equal(limit, problem.GetProperty("limitBytes").GetInt64());
        var mb = (limit / 1048576m).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
        Assert.Contains(mb, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await ImportCountAsync(tenant));
    }
}

public sealed class SqliteUploadLimitTests(SqliteApp app) : UploadLimitTests<SqliteApp>(app);

public sealed class PostgresUploadLimitTests(PostgresApp app) : UploadLimitTests<PostgresApp>(app);

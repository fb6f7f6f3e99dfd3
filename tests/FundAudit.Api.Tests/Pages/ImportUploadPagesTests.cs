using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.GrantIngest.Xlsx;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The imports page's upload form: administrators and analysts upload a CSV or XLSX file through the API's upload
/// use case and are sent to the import's page, which refreshes itself until the real job has run; bad input shows the
/// form again with the problem beside the field and stores nothing; officers get no form.
/// </summary>
public abstract class ImportUploadPagesTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private const string Form = "action=\"/app/imports\" enctype=\"multipart/form-data\"";

    [Fact]
    public async Task An_analyst_uploads_a_csv_and_watches_the_import_until_it_succeeds_with_its_grants()
    {
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        Assert.Contains(Form, await analyst.GetPageAsync("/app/imports"));
        var csv = CsvTestFiles.Header360 + "\nU-1,T,D,GBP,10,2024-01-01\nU-2,T,D,GBP,20,2024-01-02\n";

        var id = await UploadAndFollowAsync(analyst, Encoding.UTF8.GetBytes(csv), "grants.csv", "DD/MM/YYYY");
        var queued = await analyst.GetPageAsync($"/app/imports/{id}");
        Assert.Contains("data-status=\"queued\"", queued);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"3\"", queued);

        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var done = await analyst.GetPageAsync($"/app/imports/{id}");
        Assert.Contains("data-status=\"succeeded\"", done);
        Assert.DoesNotContain("http-equiv=\"refresh\"", done);
        Assert.Contains("2 accepted, 0 rejected", done);
        Assert.Contains("2 created, 0 updated, 0 unchanged", done);
        Assert.Contains("grants.csv", done);
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task An_admin_uploads_an_xlsx_workbook_and_its_import_succeeds()
    {
        var tenant = await app.CreateTenantAsync();
        using var admin = await ConsoleClient.SignInAsync(app, tenant.Key);
        await admin.GetPageAsync("/app/imports");
        var book = new TestWorkbook().Sheet(
            "grants",
            ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date"],
            ["X-1", "Relocation", "D", "GBP", 100, new DateCell(new DateTime(2024, 3, 31))]
        );

        var id = await UploadAndFollowAsync(admin, book.ToBytes(), "grants.xlsx", "");
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var done = await admin.GetPageAsync($"/app/imports/{id}");
        Assert.Contains("data-status=\"succeeded\"", done);
        Assert.Contains("1 accepted, 0 rejected", done);
        Assert.Equal(1, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_360giving_json_package_is_loaded_through_the_package_use_case_and_its_counts_are_shown()
    {
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/imports");
        var package = Giving.Package(Giving.Grant("J-1"), Giving.Grant("J-2", amount: 50m));

        using var response = await PostUploadAsync(
            analyst,
            Encoding.UTF8.GetBytes(package.ToJsonString()),
            "g.json",
            ""
        );
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(
            ConsoleText
                .Get("Upload_PackageDone", "en")!
                .Replace("{0}", "g.json", StringComparison.Ordinal)
                .Replace("{1}", "2", StringComparison.Ordinal)
                .Replace("{2}", "2", StringComparison.Ordinal)
                .Replace("{3}", "0", StringComparison.Ordinal)
                .Replace("{4}", "0", StringComparison.Ordinal),
            html
        );
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_json_package_over_the_api_body_limit_goes_to_the_import_job_and_loads_grant_by_grant()
    {
        var small = app.Shared("json-body-limit", b => b.UseSetting("Limits:MaxJsonBodyBytes", "4096"));
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(
            app,
            small,
            (await app.AddKeyAsync(tenant, Roles.Analyst)).Key
        );
        await analyst.GetPageAsync("/app/imports");
        var grants = Enumerable.Range(1, 12).Select(i => Giving.Grant($"L-{i}")).ToList();
        grants.Add(Giving.Grant("L-bad", currency: "XXZ"));
        var file = Encoding.UTF8.GetBytes(Giving.Package([.. grants]).ToJsonString());
        Assert.True(file.Length > 4096);

        var id = await UploadAndFollowAsync(analyst, file, "large.json", "");
        await small.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var done = await analyst.GetPageAsync($"/app/imports/{id}");
        Assert.Contains("data-status=\"succeeded\"", done);
        Assert.Contains("12 accepted, 1 rejected", done);
        Assert.Contains("grants[12].currency", done);
        Assert.Equal(12, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task An_invalid_json_package_is_refused_beside_the_file_field_naming_the_grant_and_stores_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/imports");
        var bad = Giving.Grant("J-2");
        bad.Remove("amountAwarded");
        var package = Giving.Package(Giving.Grant("J-1"), bad);

        using var response = await PostUploadAsync(
            analyst,
            Encoding.UTF8.GetBytes(package.ToJsonString()),
            "g.json",
            ""
        );
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("data-error=\"file\">", html);
        Assert.Contains("rants[1].", html); // grants[1].amountAwarded, as the API names it
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());

        using var notJson = await PostUploadAsync(analyst, Encoding.UTF8.GetBytes("{\"grants\": [1,"), "g.json", "");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Contains("not a 360Giving JSON package (line 1", await notJson.Content.ReadAsStringAsync());
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_json_package_with_slash_dates_is_read_in_the_order_the_form_names_as_the_api_does()
    {
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/imports");
        var file = Encoding.UTF8.GetBytes(Giving.Package(Giving.Grant("J-1", awardDate: "03/04/2024")).ToJsonString());

        using var undecided = await PostUploadAsync(analyst, file, "g.json", "");
        Assert.Equal(HttpStatusCode.BadRequest, undecided.StatusCode);
        Assert.Contains("grants[0].awardDate", await undecided.Content.ReadAsStringAsync());
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());

        using var named = await PostUploadAsync(analyst, file, "g.json", "MM/DD/YYYY");
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        var grant = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/J-1");
        Assert.Equal("2024-03-04", grant.GetProperty("awardDate").GetString());
    }

    [Fact]
    public async Task A_json_package_whose_text_holds_a_nul_is_refused_naming_the_field_as_the_api_does()
    {
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/imports");
        var bad = Giving.Grant("J-2");
        bad["title"] = "Legal aid\u0000";

        using var response = await PostUploadAsync(
            analyst,
            Encoding.UTF8.GetBytes(Giving.Package(Giving.Grant("J-1"), bad).ToJsonString()),
            "g.json",
            ""
        );

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("grants[1].title", html);
        Assert.Contains("the NUL character", html);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Theory]
    [InlineData("", "grants.csv", "", "file", "Upload_Empty")]
    [InlineData("a,b\n1,2\n", "grants.txt", "", "file", "Upload_WrongType")]
    [InlineData("a,b\n1,2\n", "grants.csv", "YYYY/DD/MM", "dateFormat", "Upload_BadDateFormat")]
    public async Task Bad_input_shows_the_form_again_with_the_problem_beside_the_field_and_stores_nothing(
        string content,
        string fileName,
        string dateFormat,
        string field,
        string message
    )
    {
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/imports");

        using var response = await PostUploadAsync(analyst, Encoding.UTF8.GetBytes(content), fileName, dateFormat);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(Form, html);
        Assert.Contains($"data-error=\"{field}\">{ConsoleText.Get(message, "en")}</span>", html);
        Assert.Equal(0, await ImportCountAsync(tenant));
    }

    [Fact]
    public async Task A_form_without_a_file_asks_for_one_and_stores_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/imports");

        using var response = await SendAsync(
            analyst,
            new MultipartFormDataContent { { new StringContent(""), "dateFormat" } }
        );
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(
            $"data-error=\"file\">{ConsoleText.Get("Upload_NoFile", "en")}</span>",
            await response.Content.ReadAsStringAsync()
        );
        Assert.Equal(0, await ImportCountAsync(tenant));
    }

    [Fact]
    public async Task An_officer_gets_no_upload_form_and_cannot_post_one_and_another_funders_import_is_not_found()
    {
        var other = await app.CreateTenantAsync();
        var otherImport = await HttpAssert.OkJsonAsync(
            await other.Client.PostAsync(
                "/api/grants/imports",
                new StringContent(CsvTestFiles.Header360 + "\nO-1,T,D,GBP,10,2024-01-01\n", Encoding.UTF8, "text/csv")
            ),
            HttpStatusCode.Accepted
        );
        var tenant = await app.CreateTenantAsync();
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);
        Assert.DoesNotContain(Form, await officer.GetPageAsync("/app/imports"));

        var csv = Encoding.UTF8.GetBytes(CsvTestFiles.Header360 + "\nF-1,T,D,GBP,10,2024-01-01\n");
        using var refused = await PostUploadAsync(officer, csv, "grants.csv", "");
        Assert.NotEqual(HttpStatusCode.SeeOther, refused.StatusCode);
        Assert.Equal(0, await ImportCountAsync(tenant));

        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync($"/app/imports/{otherImport.GetProperty("id").GetInt64()}", HttpStatusCode.NotFound);
    }

    private static async Task<long> UploadAndFollowAsync(
        ConsoleClient client,
        byte[] file,
        string fileName,
        string dateFormat
    )
    {
        using var response = await PostUploadAsync(client, file, fileName, dateFormat);
        Assert.True(
            response.StatusCode == HttpStatusCode.SeeOther,
            $"Upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
        );
        var location = response.Headers.Location?.OriginalString ?? "";
        Assert.StartsWith("/app/imports/", location, StringComparison.Ordinal);
        return long.Parse(location["/app/imports/".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Posts the upload form as a browser does: multipart/form-data with the page's token and the file.</summary>
    private static Task<HttpResponseMessage> PostUploadAsync(
        ConsoleClient client,
        byte[] file,
        string fileName,
        string dateFormat
    )
    {
        var fileContent = new ByteArrayContent(file);
        fileContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent
        {
            { new StringContent(dateFormat), "dateFormat" },
            { fileContent, "file", fileName },
        };
        return SendAsync(client, form);
    }

    private static Task<HttpResponseMessage> SendAsync(ConsoleClient client, MultipartFormDataContent form)
    {
        form.Add(new StringContent(client.Token!), ConsoleClient.TokenField);
        var request = new HttpRequestMessage(HttpMethod.Post, "/app/imports") { Content = form };
        request.Headers.Add(
            "Cookie",
            $"{ConsoleClient.SessionCookie}={client.Cookie(ConsoleClient.SessionCookie)}; "
                + $"{ConsoleClient.FormCookie}={client.Cookie(ConsoleClient.FormCookie)}"
        );
        return client.Http.SendAsync(request);
    }

    private static async Task<int> ImportCountAsync(Tenant tenant) =>
        (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/imports"))
            .GetProperty("items")
            .GetArrayLength();
}

public sealed class SqliteImportUploadPagesTests(SqliteApp app) : ImportUploadPagesTests<SqliteApp>(app);

public sealed class PostgresImportUploadPagesTests(PostgresApp app) : ImportUploadPagesTests<PostgresApp>(app);

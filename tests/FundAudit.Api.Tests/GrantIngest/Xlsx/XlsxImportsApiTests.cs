using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.GrantIngest.Xlsx;

/// <summary>
/// XLSX imports over HTTP on a real database, one subclass per engine: the workbook is uploaded to the real endpoint and
/// the real job reads it with ExcelDataReader. Bad workbooks first: each is refused, says why, and stores nothing.
/// </summary>
public abstract class XlsxImportsApiTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static readonly object?[] Header =
    [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
    ];

    [Fact]
    public async Task A_zip_of_something_else_is_refused_as_not_a_workbook_and_stores_nothing()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            TestWorkbook.Part(zip, "word/document.xml", "<document/>");
            TestWorkbook.Part(zip, "readme.xml", "<readme>not a workbook</readme>");
        }

        await AssertRefusedAsync(Xlsx(buffer.ToArray()), "not_xlsx_workbook", "not a readable Excel workbook");
    }

    [Fact]
    public async Task A_password_protected_workbook_is_refused_asking_to_remove_the_password_and_stores_nothing() =>
        await AssertRefusedAsync(Xlsx(EncryptedWorkbook.Bytes()), "password_protected", "Remove the password");

    [Fact]
    public async Task A_workbook_with_no_header_row_is_refused_and_stores_nothing()
    {
        var book = new TestWorkbook().Sheet(
            "Sheet1",
            ["Some notes about our grants"],
            ["G-1", "Relocation", "D", "GBP", 100, new DateCell(new DateTime(2024, 3, 31))]
        );
        await AssertRefusedAsync(book.Content(), "no_header_row", "header row");
    }

    [Fact]
    public async Task A_header_missing_a_required_column_names_the_column_and_the_sheet_row()
    {
        var book = new TestWorkbook().Sheet(
            "Export",
            ["FundAudit export"],
            ["Identifier", "Description", "Currency", "Amount Awarded", "Award Date"],
            ["G-1", "D", "GBP", 100, "2024-03-31"]
        );
        var problem = await AssertRefusedAsync(book.Content(), CsvProblemCodes.MissingColumn, "\"Title\"");
        Assert.Equal(2, problem.GetProperty("row").GetInt64());
        Assert.StartsWith("Export, row 2: ", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grants_sheet_with_only_an_identifier_and_group_columns_names_its_missing_columns()
    {
        // 360Giving dataquality's GeoCodePostcode.xlsx has this shape: its header looks like a linked sheet's, and
        // the refusal said no sheet had a header row at all.
        var book = new TestWorkbook().Sheet(
            "grants",
            ["Identifier", "Beneficiary Location:Geographic Code"],
            ["A1", "E02000885"],
            ["A2", "N1 9AL"]
        );
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, book.Content());

        Assert.Equal("refused", done.GetProperty("status").GetString());
        var problems = done.GetProperty("problems").EnumerateArray().ToList();
        Assert.All(problems, p => Assert.Equal(CsvProblemCodes.MissingColumn, p.GetProperty("code").GetString()));
        Assert.All(problems, p => Assert.Equal(1, p.GetProperty("row").GetInt64()));
        Assert.All(problems, p =>
            Assert.StartsWith("grants, row 1: ", p.GetProperty("message").GetString(), StringComparison.Ordinal)
        );
        Assert.Equal(
            ["Amount Awarded", "Award Date", "Currency", "Title"],
            problems.Select(p => p.GetProperty("column").GetString()).Order(StringComparer.Ordinal)
        );
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_sheet_over_the_row_limit_is_refused_naming_the_sheet_and_stores_nothing()
    {
        var rows = Enumerable
            .Range(1, 5)
            .Select(i => (object?[])[$"R-{i}", "T", "D", "GBP", 10, "2024-01-01"])
            .Prepend(Header)
            .ToArray();
        var tenant = await app.CreateTenantAsync();
        var queued = await UploadAsync(tenant, new TestWorkbook().Sheet("grants", rows).Content());
        var job = ImportJobs.Create(app.Services, new GrantImportOptions { MaxRows = 3 });
        await job.RunAsync(queued.GetProperty("id").GetInt64(), CancellationToken.None);
        var done = await GetAsync(tenant, queued.GetProperty("id").GetInt64());

        var problem = AssertRefused(done, CsvProblemCodes.TooManyRows, "more than 3 data rows");
        Assert.Contains("grants!A5", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_workbook_that_unpacks_to_far_more_than_the_upload_limit_is_refused_and_stores_nothing()
    {
        // A few kilobytes zipped, about 300 KB of cells unpacked: over 16 times a 2,000-byte limit.
        var text = new string('x', 30_000);
        var rows = Enumerable
            .Range(1, 10)
            .Select(i => (object?[])[$"B-{i}", "T", text, "GBP", 10, "2024-01-01"])
            .Prepend(Header)
            .ToArray();
        var tenant = await app.CreateTenantAsync();
        var queued = await UploadAsync(tenant, new TestWorkbook().Sheet("grants", rows).Content());
        var job = ImportJobs.Create(app.Services, new GrantImportOptions { MaxFileBytes = 2000 });
        await job.RunAsync(queued.GetProperty("id").GetInt64(), CancellationToken.None);
        var done = await GetAsync(tenant, queued.GetProperty("id").GetInt64());

        AssertRefused(done, CsvProblemCodes.FileTooLarge, "16 times the upload limit");
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_zero_byte_workbook_is_refused_as_empty_and_stores_nothing() =>
        await AssertRefusedAsync(Xlsx([]), CsvProblemCodes.EmptyFile, "");

    [Fact]
    public async Task Formulas_give_their_cached_values_never_evaluated_and_an_uncached_one_is_a_row_error_naming_the_cell()
    {
        var book = new TestWorkbook().Sheet(
            "grants",
            Header,
            [
                "F-1",
                new Formula("\"Legal \"&\"aid\"", "Legal aid"),
                "D",
                "GBP",
                new Formula("1000*5", 5000),
                "2024-01-02",
            ],
            ["F-2", "Relocation", "D", "GBP", new Formula("1+1", 7), "2024-01-03"],
            ["F-3", "Uncached", "D", "GBP", new Formula("SUM(E2:E3)", null), "2024-01-04"]
        );
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, book.Content());

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var grant = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/F-1");
        Assert.Equal(("Legal aid", 5000m), (grant.GetProperty("title").GetString(), Amount(grant)));
        // The cached value is used even where evaluating the formula would give another (1+1 cached as 7).
        Assert.Equal(7m, Amount(await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/F-2")));
        var error = Assert.Single(await ErrorsAsync(tenant, done));
        Assert.Equal((4, "Amount Awarded", CsvProblemCodes.RequiredCellEmpty), Error(error));
        Assert.StartsWith("grants!E4: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_single_sheet_export_with_a_long_name_a_header_below_row_one_and_extra_columns_is_read()
    {
        const string sheet = "FundAudit export of all our grants";
        var book = new TestWorkbook().Sheet(
            sheet,
            ["Grants awarded 2024"],
            null,
            [.. Header, "Internal Code", "Programme Officer"],
            ["X-1", "Serial date", "D", "GBP", 1234.5, new DateCell(new DateTime(2024, 3, 31)), 77, "Ana"],
            null,
            ["X-2", "Plain serial", "D", "USD", 15000, 45383.0, "A-1", null],
            ["X-3", "Text date", "D", "EUR", "2,500.50", "31/01/2024", null, null, "a note", null, "another"],
            ["X-4", "Bad amount", "D", "EUR", "lots", "2024-02-01", null, null]
        );
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, book.Content());

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var x1 = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/X-1");
        Assert.Equal((1234.5m, "2024-03-31"), (Amount(x1), x1.GetProperty("awardDate").GetString()));
        Assert.Equal("77", x1.GetProperty("additionalColumns").GetProperty("Internal Code").GetString());
        var x2 = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/X-2");
        Assert.Equal((15000m, "2024-04-01"), (Amount(x2), x2.GetProperty("awardDate").GetString()));
        var x3 = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/X-3");
        Assert.Equal((2500.5m, "2024-01-31"), (Amount(x3), x3.GetProperty("awardDate").GetString()));

        var error = Assert.Single(await ErrorsAsync(tenant, done));
        Assert.Equal((8, "Amount Awarded", CsvProblemCodes.InvalidAmount), Error(error));
        Assert.StartsWith($"'{sheet}'!E8: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var aside = done.GetProperty("warnings")
            .EnumerateArray()
            .Where(w => w.GetProperty("code").GetString() == CsvProblemCodes.ColumnKeptAside)
            .Select(w => w.GetProperty("column").GetString());
        Assert.Equal(["Internal Code", "Programme Officer"], aside);
        var untitled = done.GetProperty("warnings")
            .EnumerateArray()
            .Where(w => w.GetProperty("code").GetString() == "untitled_column")
            .Select(w => w.GetProperty("message").GetString());
        Assert.Equal(
            [
                $"Column I of the sheet \"{sheet}\" has values but no title in the header row (first at '{sheet}'!I7); "
                    + "they are not read.",
                $"Column K of the sheet \"{sheet}\" has values but no title in the header row (first at '{sheet}'!K7); "
                    + "they are not read.",
            ],
            untitled
        );
        Assert.Equal(3, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task Ambiguous_text_dates_follow_the_csv_rules_refused_until_dateFormat_names_the_order()
    {
        var book = new TestWorkbook().Sheet(
            "grants",
            Header,
            ["D-1", "T", "D", "GBP", 10, "03/04/2024"],
            ["D-2", "T", "D", "GBP", 10, "05/06/2024"]
        );
        var tenant = await app.CreateTenantAsync();
        var refused = await ImportAsync(tenant, book.Content());
        var problem = AssertRefused(refused, CsvProblemCodes.AmbiguousDateFormat, "dateFormat");
        Assert.Equal("Award Date", problem.GetProperty("column").GetString());

        var done = await ImportAsync(tenant, book.Content(), "?dateFormat=DD/MM/YYYY");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var grant = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/D-1");
        Assert.Equal("2024-04-03", grant.GetProperty("awardDate").GetString());
    }

    [Fact]
    public async Task The_multi_sheet_template_joins_linked_sheets_by_identifier_and_names_what_it_does_not_read()
    {
        var book = new TestWorkbook()
            .Sheet("Meta", ["Version", "Title"], ["1.4", "Our grants"])
            .Sheet(
                "grants",
                [.. Header, "Location Scope"],
                ["M-1", "Network", "D", "GBP", 100, "2024-01-01", "GLS030"],
                ["M-2", "Shelter", "D", "GBP", 200, "2024-01-02", null]
            )
            .Sheet(
                "Beneficiary Location",
                [
                    "Identifier",
                    "Beneficiary Location:Name",
                    "Beneficiary Location:Country Code",
                    "Beneficiary Location:Latitude",
                ],
                ["M-1", "Nairobi", "KE", -1.29],
                ["M-1", "Kampala", "UG", 0.35],
                ["M-2", "Tegucigalpa", "HN", 14.1]
            )
            .Sheet("Grant Programme", ["Identifier", "Grant Programme:Title"], ["M-2", "Rapid Response"]);
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, book.Content());

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var m1 = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/M-1");
        var places = m1.GetProperty("beneficiaryLocation")
            .EnumerateArray()
            .Select(l => (l.GetProperty("name").GetString(), l.GetProperty("countryCode").GetString()));
        Assert.Equal([("Nairobi", "KE"), ("Kampala", "UG")], places);
        Assert.Equal("GLS030", m1.GetProperty("locationScope").GetString());
        var m2 = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/M-2");
        Assert.Equal("Rapid Response", m2.GetProperty("grantProgramme")[0].GetProperty("title").GetString());
        Assert.Single(m2.GetProperty("beneficiaryLocation").EnumerateArray());

        var warnings = done.GetProperty("warnings").EnumerateArray().ToList();
        Assert.Contains(warnings, w =>
            w.GetProperty("code").GetString() == "sheet_not_read"
            && w.GetProperty("message").GetString()!.Contains("\"Meta\"", StringComparison.Ordinal)
        );
        var latitude = Assert.Single(warnings, w =>
            w.GetProperty("code").GetString() == CsvProblemCodes.ColumnKeptAside
            && w.GetProperty("column").GetString() == "Beneficiary Location:Latitude"
        );
        Assert.StartsWith(
            "'Beneficiary Location'!D1: ",
            latitude.GetProperty("message").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_multipart_upload_of_a_workbook_is_read_as_a_workbook()
    {
        var bytes = new TestWorkbook().Sheet("grants", Header, ["P-1", "T", "D", "GBP", 10, "2024-01-01"]).ToBytes();
        var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "grants.xlsx" } };
        var tenant = await app.CreateTenantAsync();
        var queued = await UploadAsync(tenant, form);
        Assert.Equal("grants.xlsx", queued.GetProperty("fileName").GetString());

        var done = await RunAsync(tenant, queued.GetProperty("id").GetInt64());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(1, await tenant.Client.CountGrantsAsync());
    }

    private async Task<JsonElement> AssertRefusedAsync(HttpContent content, string code, string message)
    {
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, content);
        var problem = AssertRefused(done, code, message);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
        Assert.Empty(await ErrorsAsync(tenant, done));
        return problem;
    }

    private static JsonElement AssertRefused(JsonElement import, string code, string message)
    {
        Assert.Equal("refused", import.GetProperty("status").GetString());
        Assert.False(import.TryGetProperty("result", out var result) && result.ValueKind != JsonValueKind.Null);
        var problem = Assert.Single(import.GetProperty("problems").EnumerateArray());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Contains(message, problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        return problem;
    }

    private static ByteArrayContent Xlsx(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        return content;
    }

    private static decimal Amount(JsonElement grant) => grant.GetProperty("amountAwarded").GetDecimal();

    private static (long Row, string? Column, string? Code) Error(JsonElement e) =>
        (e.GetProperty("row").GetInt64(), e.GetProperty("column").GetString(), e.GetProperty("code").GetString());

    private static async Task<JsonElement> UploadAsync(Tenant tenant, HttpContent content, string query = "") =>
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports" + query, content),
            HttpStatusCode.Accepted
        );

    private async Task<JsonElement> RunAsync(Tenant tenant, long id)
    {
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        return await GetAsync(tenant, id);
    }

    private static async Task<JsonElement> GetAsync(Tenant tenant, long id) =>
        await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));

    private async Task<JsonElement> ImportAsync(Tenant tenant, HttpContent content, string query = "") =>
        await RunAsync(tenant, (await UploadAsync(tenant, content, query)).GetProperty("id").GetInt64());

    private static async Task<List<JsonElement>> ErrorsAsync(Tenant tenant, JsonElement import)
    {
        var body = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/grants/imports/{import.GetProperty("id").GetInt64()}/errors")
        );
        return body.GetProperty("errors").EnumerateArray().ToList();
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteXlsxImportsApiTests(SqliteApp app) : XlsxImportsApiTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresXlsxImportsApiTests(PostgresApp app) : XlsxImportsApiTests<PostgresApp>(app);

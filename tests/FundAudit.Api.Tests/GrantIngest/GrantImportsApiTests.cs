using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static FundAudit.Api.Tests.GrantIngest.ImportReads;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// CSV imports over HTTP on a real database, one subclass per engine. The job runs the way Hangfire runs it: resolved
/// from the app's services and called with the import id (no Hangfire server runs in tests).
/// </summary>
public abstract class GrantImportsApiTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private const string Header = CsvTestFiles.Header360;

    [Fact]
    public async Task A_valid_csv_is_accepted_with_202_and_location_then_loaded_by_the_job()
    {
        var tenant = await app.CreateTenantAsync();
        var csv =
            "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Internal Code\n"
            + "CSV-1,Relocation,Emergency relocation of a defender,USD,\"15,000.00\",2024-03-31,X-77\n"
            + "CSV-2,Legal aid,Legal support,EUR,2500.5,2024-04-01,\n";

        var response = await tenant.Client.PostAsync("/api/grants/imports?fileName=../../etc/passwd%00.csv", Csv(csv));
        var queued = await HttpAssert.OkJsonAsync(response, HttpStatusCode.Accepted);
        var id = queued.GetProperty("id").GetInt64();
        Assert.Equal($"/api/grants/imports/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal("passwd_.csv", queued.GetProperty("fileName").GetString());
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(csv))),
            queued.GetProperty("fileSha256").GetString()
        );
        Assert.Equal(0, await tenant.Client.CountGrantsAsync()); // nothing until the job runs
        var uploads = app.Services.GetRequiredService<IImportUploadStore>();
        var row = await app.Services.GetRequiredService<GrantImportStore>().FindAsync(tenant.FunderId, id, default);
        await using (var stored = uploads.OpenRead(row!))
        {
            Assert.Equal(csv, await new StreamReader(stored).ReadToEndAsync());
        }

        var done = await RunAsync(tenant, id);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.False(await uploads.ExistsAsync(row!, default), "the upload is kept after its import succeeded");
        Assert.Equal(100, done.GetProperty("progress").GetProperty("percent").GetInt32());
        Assert.Equal((2, 2, 0), Progress(done));
        Assert.Equal((2, 0, 0), Result(done));

        var grant = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/CSV-1"));
        Assert.Equal(15000m, grant.GetProperty("amountAwarded").GetDecimal());
        Assert.Equal("2024-03-31", grant.GetProperty("awardDate").GetString());
        Assert.Equal("X-77", grant.GetProperty("additionalColumns").GetProperty("Internal Code").GetString());
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_multipart_upload_takes_the_file_part_and_its_name()
    {
        var tenant = await app.CreateTenantAsync();
        var form = new MultipartFormDataContent
        {
            { new StringContent("note"), "comment" },
            {
                new ByteArrayContent(Encoding.UTF8.GetBytes($"{Header}\nM-1,T,D,GBP,10,2024-01-01\n")),
                "file",
                "My grants (2024).csv"
            },
        };
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", form),
            HttpStatusCode.Accepted
        );
        Assert.Equal("My grants (2024).csv", queued.GetProperty("fileName").GetString());

        var done = await RunAsync(tenant, queued.GetProperty("id").GetInt64());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(1, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task The_same_file_twice_leaves_one_copy_and_the_second_import_says_nothing_changed()
    {
        var tenant = await app.CreateTenantAsync();
        var csv = $"{Header}\nS-1,A,D,GBP,10,2024-01-01\nS-2,B,D,GBP,20,2024-01-02\nS-3,C,D,GBP,30,2024-01-03\n";
        var first = await ImportAsync(tenant, csv);
        var second = await UploadAsync(tenant, Csv(csv));
        Assert.Equal(first.GetProperty("id").GetInt64(), second.GetProperty("sameFileAs").GetInt64());

        var done = await RunAsync(tenant, second.GetProperty("id").GetInt64());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal((3, 0, 0), Result(first));
        Assert.Equal((0, 0, 3), Result(done));
        Assert.Equal(3, await tenant.Client.CountGrantsAsync());

        // A changed file updates only what changed.
        var changed = await ImportAsync(
            tenant,
            csv.Replace("S-2,B,D,GBP,20", "S-2,B,D,GBP,25", StringComparison.Ordinal)
        );
        Assert.Equal((0, 1, 2), Result(changed));
        Assert.False(changed.TryGetProperty("sameFileAs", out _));
        Assert.Equal(3, await tenant.Client.CountGrantsAsync());
    }

    [Theory]
    [InlineData("", CsvProblemCodes.EmptyFile)]
    [InlineData("\r\n  \r\n", CsvProblemCodes.EmptyFile)]
    [InlineData(Header + "\r\n", CsvProblemCodes.NoDataRows)]
    [InlineData(Header + "\n,,,,,\n", CsvProblemCodes.NoDataRows)]
    [InlineData(Header + "\nX-1,\"never closed,D,GBP,10,2024-01-01\n", CsvProblemCodes.UnterminatedQuote)]
    public async Task A_file_refused_as_a_whole_says_why_and_stores_nothing(string csv, string code)
    {
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(tenant, csv);

        Assert.Equal("refused", done.GetProperty("status").GetString());
        Assert.Equal(code, done.GetProperty("problems")[0].GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(done.GetProperty("problems")[0].GetProperty("message").GetString()));
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_missing_required_column_refuses_the_import_naming_the_column()
    {
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(
            tenant,
            "Identifier,Description,Currency,Amount Awarded,Award Date\nX-1,D,GBP,10,2024-01-01\n"
        );

        Assert.Equal("refused", done.GetProperty("status").GetString());
        var problem = done.GetProperty("problems")[0];
        Assert.Equal(
            (CsvProblemCodes.MissingColumn, "Title"),
            (problem.GetProperty("code").GetString(), problem.GetProperty("column").GetString())
        );
        Assert.Contains("Title", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_zip_renamed_csv_is_refused_as_not_text()
    {
        var tenant = await app.CreateTenantAsync();
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00 }
            .Concat(new byte[2000])
            .ToArray();
        var form = new MultipartFormDataContent { { new ByteArrayContent(zip), "file", "grants.csv" } };
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports", form),
            HttpStatusCode.Accepted
        );

        var done = await RunAsync(tenant, queued.GetProperty("id").GetInt64());
        Assert.Equal("refused", done.GetProperty("status").GetString());
        Assert.Equal(CsvProblemCodes.NotTextCsv, done.GetProperty("problems")[0].GetProperty("code").GetString());
        Assert.Contains(
            "zip",
            done.GetProperty("problems")[0].GetProperty("message").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task Nul_bytes_refuse_a_binary_file_and_reject_only_their_row_later_in_a_text_file()
    {
        var tenant = await app.CreateTenantAsync();
        var binary = await ImportAsync(tenant, $"{Header}\nN-1,T\0itle,D,GBP,10,2024-01-01\n");
        Assert.Equal("refused", binary.GetProperty("status").GetString());
        Assert.Equal(CsvProblemCodes.NotTextCsv, binary.GetProperty("problems")[0].GetProperty("code").GetString());
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());

        var rows = Enumerable
            .Range(1, 200)
            .Select(i => $"N-{i},Title {i},A description to pass the first eight kilobytes,GBP,10,2024-01-01")
            .ToList();
        rows[149] = "N-150,Ti\0tle,D,GBP,10,2024-01-01";
        var text = await ImportAsync(tenant, Header + "\n" + string.Join("\n", rows) + "\n");
        Assert.Equal("succeeded", text.GetProperty("status").GetString());
        Assert.Equal((200, 199, 1), Progress(text));
        var error = Assert.Single(await ErrorsAsync(tenant, text));
        Assert.Equal(
            (151L, CsvProblemCodes.NulCharacter),
            (error.GetProperty("row").GetInt64(), error.GetProperty("code").GetString())
        );
        Assert.Equal(199, await tenant.Client.CountGrantsAsync());
        await HttpAssert.ProblemAsync(await tenant.Client.GetAsync("/api/grants/N-150"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_rows_are_rejected_with_their_errors_and_the_good_rows_are_stored()
    {
        var tenant = await app.CreateTenantAsync();
        var huge = new string('x', 1024 * 1024);
        var csv =
            $"{Header}\n"
            + "R-1,Good,D,GBP,10,2024-01-01\n"
            + "R-2,Stray \"quote,D,GBP,10,2024-01-01\n"
            + // unbalanced quote inside a cell
            $"R-3,Huge cell,{huge},GBP,10,2024-01-01\n"
            + // a 1 MB cell
            "R-4,Too many,D,GBP,10,2024-01-01,extra,more\n"
            + // more fields than the header
            "R-5,Bad amount,D,GBP,12.345,2024-01-01\n"
            + "R-6,Good,D,GBP,20,2024-01-02\n";
        var done = await ImportAsync(tenant, csv);

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal((6, 2, 4), Progress(done));
        var errors = await ErrorsAsync(tenant, done);
        var byRow = errors
            .GroupBy(e => e.GetProperty("row").GetInt64())
            .ToDictionary(g => g.Key, g => g.Select(e => e.GetProperty("code").GetString()).ToList());
        Assert.Contains(CsvProblemCodes.MalformedQuotes, byRow[3]);
        Assert.Contains(CsvProblemCodes.CellTooLong, byRow[4]);
        Assert.Contains(CsvProblemCodes.TooManyFields, byRow[5]);
        Assert.Contains(CsvProblemCodes.TooManyDecimals, byRow[6]);
        var all = (
            await tenant.Client.GetStringAsync($"/api/grants/imports/{done.GetProperty("id").GetInt64()}/errors")
        );
        Assert.DoesNotContain("xxxxxxxx", all, StringComparison.Ordinal); // no echo of the cell
        Assert.DoesNotContain("12.345", all, StringComparison.Ordinal);
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task Duplicate_identifiers_keep_the_later_row_with_a_warning_and_a_total_of_the_money_not_stored()
    {
        var tenant = await app.CreateTenantAsync();
        var done = await ImportAsync(
            tenant,
            $"{Header}\nD-1,First,D,GBP,1234.5,2024-01-01\nD-2,Other,D,GBP,5,2024-01-01\nD-3,A,D,USD,5,2024-01-01\n"
                + "D-1,Again,D,GBP,10,2024-01-01\nD-3,B,D,USD,7,2024-01-01\nD-1,Second,D,GBP,99,2024-01-01\n"
        );

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal((6, 6, 0), Progress(done));
        Assert.Equal(3, done.GetProperty("progress").GetProperty("rowsSuperseded").GetInt32());
        var warnings = done.GetProperty("warnings").EnumerateArray().ToList();
        Assert.Equal(
            [
                (CsvProblemCodes.DuplicateIdentifier, 2L),
                (CsvProblemCodes.DuplicateIdentifier, 4L),
                (CsvProblemCodes.DuplicateIdentifier, 5L),
                (CsvProblemCodes.DuplicateIdentifiersNotStored, 0L),
            ],
            warnings.Select(w =>
                (
                    w.GetProperty("code").GetString(),
                    w.TryGetProperty("row", out var row) && row.ValueKind == JsonValueKind.Number ? row.GetInt64() : 0
                )
            )
        );
        Assert.Equal(
            "Rows replaced by a later row with the same identifier, and not stored: 3; their amounts: GBP 1,244.50; "
                + "USD 5.00. If they are different grants, give each its own identifier and upload the file again.",
            warnings[^1].GetProperty("message").GetString()
        );
        Assert.Equal((3, 0, 0), Result(done));
        Assert.Equal(3, await tenant.Client.CountGrantsAsync());
        var kept = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/D-1");
        Assert.Equal(
            ("Second", 99m),
            (kept.GetProperty("title").GetString(), kept.GetProperty("amountAwarded").GetDecimal())
        );
    }

    [Fact]
    public async Task Formula_looking_text_is_stored_as_plain_text_and_the_errors_csv_is_neutralised()
    {
        var tenant = await app.CreateTenantAsync();
        const string formula = "=HYPERLINK(\"http://evil.example\",\"click\")";
        var csv =
            $"{Header}\n"
            + $"F-1,\"{formula.Replace("\"", "\"\"", StringComparison.Ordinal)}\",@SUM(1),GBP,10,2024-01-01\n"
            + "=1+2,-cmd|' /C calc'!A0,D,GBP,=SUM(A1),2024-01-01\n";
        var done = await ImportAsync(tenant, csv);

        var grant = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/F-1");
        Assert.Equal(formula, grant.GetProperty("title").GetString());
        Assert.Equal("@SUM(1)", grant.GetProperty("description").GetString());

        var id = done.GetProperty("id").GetInt64();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/grants/imports/{id}/errors");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await tenant.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.StartsWith("row,column,code,message\r\n", text, StringComparison.Ordinal);
        Assert.Contains("3,Amount Awarded,invalid_amount,", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SUM(A1)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("calc", text, StringComparison.Ordinal);
        Assert.Equal(
            text,
            await tenant
                .Client.GetStringAsync($"/api/grants/imports/{id}/errors?format=csv")
                .ContinueWith(t => t.Result.TrimStart('\uFEFF'), TaskScheduler.Default)
        );
        Assert.Equal(1, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public void Every_errors_csv_cell_starting_like_a_formula_is_prefixed_and_quoted_by_rfc_4180()
    {
        var csv = new StringBuilder();
        SpreadsheetCsv.AppendRow(
            csv,
            "=1+2",
            "+A1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "a,b",
            "say \"hi\"",
            "plain",
            null
        );
        Assert.Equal("'=1+2,'+A1,'-2,'@SUM(A1),'\tx,\"'\rx\",\"a,b\",\"say \"\"hi\"\"\",plain,\r\n", csv.ToString());
    }

    [Fact]
    public async Task An_ambiguous_date_file_is_refused_asking_for_date_format_and_accepted_once_named()
    {
        var tenant = await app.CreateTenantAsync();
        var csv = $"{Header}\nA-1,T,D,GBP,10,03/04/2020\nA-2,T,D,GBP,10,05/06/2021\n";
        var refused = await ImportAsync(tenant, csv);

        Assert.Equal("refused", refused.GetProperty("status").GetString());
        var problem = refused.GetProperty("problems")[0];
        Assert.Equal(
            (CsvProblemCodes.AmbiguousDateFormat, "Award Date"),
            (problem.GetProperty("code").GetString(), problem.GetProperty("column").GetString())
        );
        Assert.Contains("dateFormat", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());

        var accepted = await ImportAsync(tenant, csv, "?dateFormat=DD/MM/YYYY");
        Assert.Equal(
            ("succeeded", "DD/MM/YYYY"),
            (accepted.GetProperty("status").GetString(), accepted.GetProperty("dateFormat").GetString())
        );
        Assert.False(accepted.TryGetProperty("sameFileAs", out _)); // another date format is another import of the file
        Assert.Equal(
            "2020-04-03",
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/A-1")).GetProperty("awardDate").GetString()
        );
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task An_unknown_date_format_is_a_validation_problem()
    {
        var tenant = await app.CreateTenantAsync();
        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/grants/imports?dateFormat=YYYY/DD/MM", Csv($"{Header}\n")),
            HttpStatusCode.BadRequest
        );
        Assert.True(problem.GetProperty("errors").TryGetProperty("dateFormat", out _));
        Assert.Empty(await ListAsync(tenant));
    }

    [Fact]
    public async Task A_body_of_another_content_type_gets_415_and_nothing_is_recorded()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync(
                "/api/grants/imports",
                new StringContent("<grants/>", Encoding.UTF8, "application/xml")
            ),
            HttpStatusCode.UnsupportedMediaType
        );
        var noType = new ByteArrayContent(Encoding.UTF8.GetBytes($"{Header}\n"));
        await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/grants/imports", noType),
            HttpStatusCode.UnsupportedMediaType
        );

        Assert.Empty(await ListAsync(tenant));
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_file_over_the_configured_limit_gets_413_and_nothing_is_recorded()
    {
        await using var small = app.WithWebHostBuilder(b => b.UseSetting("Imports:MaxFileBytes", "2000"));
        var tenant = await app.CreateTenantAsync();
        using var client = small.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Key);
        var rows = string.Concat(Enumerable.Range(1, 100).Select(i => $"L-{i},Title,Description,GBP,10,2024-01-01\n"));

        // Over the file limit but within the request limit (file limit + multipart allowance): refused while saving.
        await HttpAssert.ProblemAsync(
            await client.PostAsync("/api/grants/imports", Csv($"{Header}\n{rows}")),
            HttpStatusCode.RequestEntityTooLarge
        );
        // Over the request limit itself: refused from Content-Length before reading.
        var big = string.Concat(Enumerable.Repeat(rows, 30));
        await HttpAssert.ProblemAsync(
            await client.PostAsync("/api/grants/imports", Csv($"{Header}\n{big}")),
            HttpStatusCode.RequestEntityTooLarge
        );
        // A small file still goes through.
        await HttpAssert.OkJsonAsync(
            await client.PostAsync("/api/grants/imports", Csv($"{Header}\nL-1,T,D,GBP,10,2024-01-01\n")),
            HttpStatusCode.Accepted
        );

        Assert.Single(await ListAsync(tenant));
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task An_import_killed_mid_way_leaves_the_portfolio_as_it_was_is_marked_failed_and_succeeds_when_run_again()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(Giving.Grant("K-5", 100m))));
        var rows = Enumerable.Range(1, 1000).Select(i => $"K-{i},Title {i},D,GBP,{i * 10},2024-01-01");
        var queued = await UploadAsync(tenant, Csv(Header + "\n" + string.Join("\n", rows) + "\n"));
        var id = queued.GetProperty("id").GetInt64();
        var options = new GrantImportOptions { BatchSize = 100, ProgressEveryRows = 100 };

        // A crash after three batches were staged: while it runs, progress is visible; after, nothing was stored.
        JsonElement? during = null;
        var crash = new ImportFaults(afterBatch: batches =>
        {
            if (batches == 3)
            {
                during = tenant
                    .Client.GetFromJsonAsync<JsonElement>($"/api/grants/imports/{id}")
                    .GetAwaiter()
                    .GetResult();
                throw new IOException("killed");
            }
        });
        await Assert.ThrowsAsync<IOException>(() => Job(crash, options).RunAsync(id, CancellationToken.None));
        Assert.Equal("running", during!.Value.GetProperty("status").GetString());
        Assert.InRange(during.Value.GetProperty("progress").GetProperty("rowsRead").GetInt32(), 200, 300);
        Assert.InRange(during.Value.GetProperty("progress").GetProperty("percent").GetInt32(), 1, 99);
        await AssertFailedAndUnchangedAsync();

        // A crash after the merge, before the commit: rolled back.
        await Assert.ThrowsAsync<IOException>(() =>
            Job(new ImportFaults(beforeCommit: () => throw new IOException("killed")), options)
                .RunAsync(id, CancellationToken.None)
        );
        await AssertFailedAndUnchangedAsync();

        // Run again: it succeeds, and a further run does nothing.
        var job = app.Services.GetRequiredService<GrantImportJob>();
        await job.RunAsync(id, CancellationToken.None);
        var done = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal((999, 1, 0), Result(done));
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Client.DeleteAsync("/api/grants/K-7")).StatusCode);
        await job.RunAsync(id, CancellationToken.None);
        var again = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal(done.GetProperty("finishedAt").GetString(), again.GetProperty("finishedAt").GetString());
        Assert.Equal(999, await tenant.Client.CountGrantsAsync()); // the deleted grant was not re-created
        Assert.Equal(
            50m,
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/K-5"))
                .GetProperty("amountAwarded")
                .GetDecimal()
        );

        async Task AssertFailedAndUnchangedAsync()
        {
            var failed = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
            Assert.Equal("failed", failed.GetProperty("status").GetString());
            Assert.Equal("import_failed", failed.GetProperty("problems")[0].GetProperty("code").GetString());
            Assert.DoesNotContain("killed", failed.ToString(), StringComparison.Ordinal);
            Assert.Equal(1, await tenant.Client.CountGrantsAsync());
            Assert.Equal(
                100m,
                (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/K-5"))
                    .GetProperty("amountAwarded")
                    .GetDecimal()
            );
        }
    }

    [Fact]
    public async Task A_later_file_inserts_new_rows_updates_changed_ones_leaves_unchanged_ones_and_another_funder_starts_afresh()
    {
        var tenant = await app.CreateTenantAsync();
        var first = await ImportAsync(
            tenant,
            $"{Header}\nM-1,One,D,GBP,10,2024-01-01\nM-2,Two,D,GBP,20,2024-01-01\nM-3,Three,D,GBP,30,2024-01-01\n"
        );
        Assert.Equal((3, 0, 0), Result(first));
        var firstAt = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromMinutes(3));

        // Batches of one row: new, changed and unchanged rows go through the pipeline in separate batches.
        var second =
            $"{Header}\nM-1,One,D,GBP,10,2024-01-01\nM-2,Two changed,D,GBP,25,2024-01-01\nM-4,Four,D,GBP,40,2024-01-01\nM-5,Five,D,GBP,50,2024-01-02\n";
        var id = (await UploadAsync(tenant, Csv(second))).GetProperty("id").GetInt64();
        await Job(
                new ImportFaults(),
                new GrantImportOptions
                {
                    BatchSize = 1,
                    ProgressEveryRows = 1,
                    PipelineBatches = 1,
                }
            )
            .RunAsync(id, CancellationToken.None);
        var done = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal((4, 4, 0), Progress(done));
        Assert.Equal((2, 1, 1), Result(done));
        Assert.Equal(5, await tenant.Client.CountGrantsAsync());
        var changed = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/M-2");
        Assert.Equal(
            ("Two changed", 25m),
            (changed.GetProperty("title").GetString(), changed.GetProperty("amountAwarded").GetDecimal())
        );
        Assert.Equal(
            40m,
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/M-4"))
                .GetProperty("amountAwarded")
                .GetDecimal()
        );
        var classification = (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/M-5")).GetProperty(
            "classification"
        );
        Assert.Equal(JsonValueKind.String, classification.GetProperty("classifiedAt").ValueKind); // classified on the way in
        // Stored NULL for "when it was created" (migration 0026), read back as the time of the write that classified it:
        // the first import for the unchanged grant, the second for the changed one (the merge) and the new ones.
        Assert.Equal(firstAt, await ClassifiedAtAsync(tenant, "M-1"));
        Assert.Equal(firstAt.AddMinutes(3), await ClassifiedAtAsync(tenant, "M-2"));
        Assert.Equal(firstAt.AddMinutes(3), await ClassifiedAtAsync(tenant, "M-5"));

        // The same identifiers are new for another funder.
        var other = await app.CreateTenantAsync();
        Assert.Equal((4, 0, 0), Result(await ImportAsync(other, second)));
        Assert.Equal(5, await tenant.Client.CountGrantsAsync());
        Assert.Equal(4, await other.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task One_funder_cannot_see_another_funders_imports_or_errors()
    {
        var owner = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        var done = await ImportAsync(owner, $"{Header}\nI-1,T,D,GBP,xx,2024-01-01\nI-2,T,D,GBP,10,2024-01-01\n");
        var id = done.GetProperty("id").GetInt64();

        await HttpAssert.ProblemAsync(
            await other.Client.GetAsync($"/api/grants/imports/{id}"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Client.GetAsync($"/api/grants/imports/{id}/errors"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Client.GetAsync($"/api/grants/imports/{id}/errors?format=csv"),
            HttpStatusCode.NotFound
        );
        Assert.Empty(await ListAsync(other));
        Assert.Equal(0, await other.Client.CountGrantsAsync());
        Assert.Single(await ErrorsAsync(owner, done));
    }

    [Fact]
    public async Task Officers_read_imports_but_only_writers_upload()
    {
        var admin = await app.CreateTenantAsync();
        var officer = await app.AddKeyAsync(admin, Roles.Officer);
        var finance = await app.AddKeyAsync(admin, Roles.Finance);
        var analyst = await app.AddKeyAsync(admin, Roles.Analyst);
        var csv = $"{Header}\nO-1,T,D,GBP,10,2024-01-01\n";

        await HttpAssert.ProblemAsync(
            await officer.Client.PostAsync("/api/grants/imports", Csv(csv)),
            HttpStatusCode.Forbidden
        );
        var queued = await UploadAsync(analyst, Csv(csv));
        await HttpAssert.OkJsonAsync(
            await officer.Client.GetAsync($"/api/grants/imports/{queued.GetProperty("id").GetInt64()}")
        );
        await HttpAssert.ProblemAsync(await finance.Client.GetAsync("/api/grants/imports"), HttpStatusCode.Forbidden);
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await app.CreateClient().GetAsync("/api/grants/imports/template")).StatusCode
        );
    }

    [Fact]
    public async Task The_list_is_newest_first_in_keyset_pages()
    {
        var tenant = await app.CreateTenantAsync();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(
                (await UploadAsync(tenant, Csv($"{Header}\nP-{i},T,D,GBP,10,2024-01-01\n")))
                    .GetProperty("id")
                    .GetInt64()
            );
        }

        var first = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/imports?limit=3"));
        var next = first.GetProperty("next").GetInt64();
        var second = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/grants/imports?limit=3&before={next}")
        );
        var seen = first
            .GetProperty("items")
            .EnumerateArray()
            .Concat(second.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("id").GetInt64());
        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
        Assert.False(second.TryGetProperty("next", out _));
        await HttpAssert.ProblemAsync(
            await tenant.Client.GetAsync("/api/grants/imports?limit=0"),
            HttpStatusCode.BadRequest
        );
    }

    [Fact]
    public async Task The_template_downloads_as_csv_and_imports_with_its_explicit_classification_kept()
    {
        var tenant = await app.CreateTenantAsync();
        var response = await tenant.Client.GetAsync("/api/grants/imports/template");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var template = await response.Content.ReadAsStringAsync();
        Assert.Equal(GrantCsvReader.TemplateCsv, template);

        var done = await ImportAsync(tenant, template);
        Assert.Equal((1, 0, 0), Result(done));
        var grant = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/FA-2024-001");
        Assert.Equal("national", grant.GetProperty("explicitClassification").GetProperty("level").GetString());
        Assert.True(grant.GetProperty("beneficiaryLocation").GetArrayLength() >= 2);

        // The import classifies like the JSON API, and the template's columns are explicit values (TAXONOMY: explicit wins).
        var c = grant.GetProperty("classification");
        Assert.Equal(
            ("national", "explicit"),
            (
                c.GetProperty("level").GetProperty("value").GetString(),
                c.GetProperty("level").GetProperty("source").GetString()
            )
        );
        Assert.Equal(
            ("emergency", "explicit"),
            (
                c.GetProperty("purpose").GetProperty("value").GetString(),
                c.GetProperty("purpose").GetProperty("source").GetString()
            )
        );
        Assert.Equal(
            ("true", "explicit"),
            (
                c.GetProperty("flexible").GetProperty("value").GetString(),
                c.GetProperty("flexible").GetProperty("source").GetString()
            )
        );
        Assert.False(string.IsNullOrEmpty(c.GetProperty("ruleSetVersion").GetString()));
    }

    private GrantImportJob Job(ImportFaults faults, GrantImportOptions options) =>
        ImportJobs.Create(app.Services, options, faults);

    private static async Task<DateTimeOffset> ClassifiedAtAsync(Tenant tenant, string identifier) =>
        (await tenant.Client.GetFromJsonAsync<JsonElement>($"/api/grants/{identifier}"))
            .GetProperty("classification")
            .GetProperty("classifiedAt")
            .GetDateTimeOffset();

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static async Task<JsonElement> UploadAsync(Tenant tenant, HttpContent content, string query = "") =>
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports" + query, content),
            HttpStatusCode.Accepted
        );

    private async Task<JsonElement> RunAsync(Tenant tenant, long id)
    {
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        return await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
    }

    private async Task<JsonElement> ImportAsync(Tenant tenant, string csv, string query = "") =>
        await RunAsync(tenant, (await UploadAsync(tenant, Csv(csv), query)).GetProperty("id").GetInt64());

    private static async Task<List<JsonElement>> ListAsync(Tenant tenant) =>
        (await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/imports?limit=100")))
            .GetProperty("items")
            .EnumerateArray()
            .ToList();
}

public sealed class SqliteGrantImportsApiTests(SqliteApp app) : GrantImportsApiTests<SqliteApp>(app);

public sealed class PostgresGrantImportsApiTests(PostgresApp app) : GrantImportsApiTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerGrantImportsApiTests(SqlServerApp app) : GrantImportsApiTests<SqlServerApp>(app);
#endif

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// 360Giving JSON packages through the import job (<c>POST /api/grants/imports</c> as application/json or a
/// <c>.json</c> file part), one subclass per engine: refused as a whole only for what stops the file (not JSON, not a
/// package, over the row limit), saying where; a bad grant is a row error named by its JSON path, as the CSV rule
/// for bad rows; a valid grant is stored with the bytes <c>POST /api/grants</c> stores, so either way round the
/// second is unchanged.
/// </summary>
public abstract class JsonImportsApiTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_truncated_package_is_refused_saying_where_it_ends_and_stores_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        var text = Giving.Package(Giving.Grant("T-1"), Giving.Grant("T-2")).ToJsonString();
        var cut = text[..(text.IndexOf("T-2", StringComparison.Ordinal) + 10)];

        var done = await JsonImports.ImportAsync(app, tenant, cut);
        var problem = JsonImports.OnlyProblem(done, CsvProblemCodes.MalformedJson);
        Assert.Equal("grants[1]", problem.GetProperty("column").GetString());
        Assert.Contains($"line 1, position {cut.Length + 1}", problem.GetProperty("message").GetString());
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task Garbage_inside_a_grant_is_refused_with_its_line_position_and_path()
    {
        var tenant = await app.CreateTenantAsync();
        var text = "{\n  \"grants\": [\n    {\"id\": \"G-1\"},\n    {\"id\": \"G-2\", \"title\": nope}\n  ]\n}\n";

        var done = await JsonImports.ImportAsync(app, tenant, text);
        var problem = JsonImports.OnlyProblem(done, CsvProblemCodes.MalformedJson);
        Assert.Equal("grants[1]", problem.GetProperty("column").GetString());
        Assert.Contains("line 4, position 29", problem.GetProperty("message").GetString());
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Theory]
    [InlineData("[{\"id\": \"A-1\"}]", CsvProblemCodes.NotAPackage)]
    [InlineData("{\"publisher\": {\"name\": \"X\", \"grants\": []}}", CsvProblemCodes.NotAPackage)]
    [InlineData("{\"grants\": {\"id\": \"A-1\"}}", CsvProblemCodes.NotAPackage)]
    [InlineData("{\"grants\": []}", CsvProblemCodes.NoDataRows)]
    [InlineData("{\"grants\": [], \"grants\": []}", CsvProblemCodes.NotAPackage)]
    [InlineData("{\"grants\": []} {}", CsvProblemCodes.MalformedJson)]
    public async Task Json_that_is_not_a_package_of_grants_is_refused_for_what_it_is(string text, string code)
    {
        var tenant = await app.CreateTenantAsync();
        var done = await JsonImports.ImportAsync(app, tenant, text);
        JsonImports.OnlyProblem(done, code);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_package_whose_only_grant_is_bad_is_refused_naming_the_field_without_its_value()
    {
        var tenant = await app.CreateTenantAsync();
        var bad = Giving.Grant("B-1", amount: 12.345m);

        var done = await JsonImports.ImportAsync(app, tenant, Giving.Package(bad).ToJsonString());
        Assert.Equal("refused", done.GetProperty("status").GetString());
        Assert.Equal("no_valid_rows", done.GetProperty("problems")[0].GetProperty("code").GetString());
        var error = Assert.Single(await ImportReads.ErrorsAsync(tenant, done));
        Assert.Equal(1, error.GetProperty("row").GetInt64());
        Assert.Equal("grants[0].amountAwarded", error.GetProperty("column").GetString());
        Assert.DoesNotContain("12.345", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task Bad_grants_are_row_errors_by_path_and_the_valid_ones_are_loaded()
    {
        var tenant = await app.CreateTenantAsync();
        var noTitle = Giving.Grant("R-2");
        noTitle.Remove("title");
        var nul = Giving.Grant("R-4", title: "Before\0after");
        var wrongType = Giving.Grant("R-5");
        wrongType["amountAwarded"] = new JsonArray(1);
        var package = Giving.Package(Giving.Grant("R-1"), noTitle, Giving.Grant("R-3"), nul, wrongType);
        package["grants"]!.AsArray().Add(null);

        var done = await JsonImports.ImportAsync(app, tenant, package.ToJsonString());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal((6, 2, 4), ImportReads.Progress(done));
        var errors = (await ImportReads.ErrorsAsync(tenant, done))
            .Select(e =>
                (
                    e.GetProperty("row").GetInt64(),
                    e.GetProperty("column").GetString(),
                    e.GetProperty("code").GetString()
                )
            )
            .ToList();
        Assert.Equal(
            [
                (2, "grants[1].title", CsvProblemCodes.InvalidValue),
                (4, "grants[3].title", CsvProblemCodes.NulCharacter),
                (5, "grants[4].amountAwarded", CsvProblemCodes.InvalidValue),
                (6, "grants[5]", CsvProblemCodes.InvalidValue),
            ],
            errors
        );
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_lone_surrogate_is_a_row_error_named_by_its_path_in_a_field_or_a_kept_one()
    {
        var tenant = await app.CreateTenantAsync();
        var text = Giving
            .Package(Giving.Grant("S-1", title: "HALF"), Giving.Grant("S-2"), Giving.Grant("S-3"))
            .ToJsonString()
            .Replace("HALF", "\\ud800", StringComparison.Ordinal)
            .Replace("\"kept-field\"", "\"x\\udc00\"", StringComparison.Ordinal);

        var done = await JsonImports.ImportAsync(app, tenant, text);
        Assert.Equal((3, 0, 3), ImportReads.Progress(done));
        var errors = await ImportReads.ErrorsAsync(tenant, done);
        Assert.Equal(
            [
                "grants[0].title",
                "grants[1].recipientOrganization[0].charityNumber",
                "grants[2].recipientOrganization[0].charityNumber",
            ],
            errors.Select(e => e.GetProperty("column").GetString())
        );
        Assert.All(errors, e => Assert.Contains("lone surrogate", e.GetProperty("message").GetString()));
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Theory]
    [InlineData("multipart", "grants.json")]
    [InlineData("multipart", "grants.csv")]
    [InlineData("text/csv", "grants.csv")]
    public async Task A_package_is_known_by_its_bytes_as_a_file_part_or_under_a_csv_name(string how, string name)
    {
        var tenant = await app.CreateTenantAsync();
        var bytes = Encoding.UTF8.GetBytes(Giving.Package(Giving.Grant("P-1"), Giving.Grant("P-2")).ToJsonString());
        HttpContent content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        if (how == "multipart")
        {
            content = new MultipartFormDataContent { { content, "file", name } };
        }

        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync($"/api/grants/imports?fileName={name}", content),
            HttpStatusCode.Accepted
        );
        Assert.Equal(name, queued.GetProperty("fileName").GetString());
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var done = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal((2, 0, 0), ImportReads.Result(done));
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_package_over_the_api_json_body_limit_is_taken_up_to_the_import_file_limit()
    {
        await using var small = app.WithWebHostBuilder(b => b.UseSetting("Limits:MaxJsonBodyBytes", "2000"));
        var tenant = await app.CreateTenantAsync();
        var client = small.CreateClient();
        client.DefaultRequestHeaders.Authorization = tenant.Client.DefaultRequestHeaders.Authorization;
        var text = Giving.Package([.. Enumerable.Range(1, 8).Select(i => Giving.Grant($"J-{i}"))]).ToJsonString();
        Assert.True(text.Length > 2000);

        await HttpAssert.ProblemAsync(
            await client.PostAsync("/api/grants", new StringContent(text, Encoding.UTF8, "application/json")),
            HttpStatusCode.RequestEntityTooLarge
        );
        var queued = await HttpAssert.OkJsonAsync(
            await client.PostAsync("/api/grants/imports", new StringContent(text, Encoding.UTF8, "application/json")),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await small.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var done = await HttpAssert.OkJsonAsync(await client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal((8, 0, 0), ImportReads.Result(done));
    }

    [Fact]
    public async Task A_package_over_the_row_limit_is_refused_before_any_grant_is_read()
    {
        await using var small = app.WithWebHostBuilder(b => b.UseSetting("Imports:MaxRows", "2"));
        var tenant = await app.CreateTenantAsync();
        var client = small.CreateClient();
        client.DefaultRequestHeaders.Authorization = tenant.Client.DefaultRequestHeaders.Authorization;
        var text = Giving.Package(Giving.Grant("M-1"), Giving.Grant("M-2"), Giving.Grant("M-3")).ToJsonString();

        var queued = await HttpAssert.OkJsonAsync(
            await client.PostAsync("/api/grants/imports", new StringContent(text, Encoding.UTF8, "application/json")),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        Assert.Equal("upload.json", queued.GetProperty("fileName").GetString());
        await small.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var done = await HttpAssert.OkJsonAsync(await client.GetAsync($"/api/grants/imports/{id}"));
        JsonImports.OnlyProblem(done, CsvProblemCodes.TooManyRows);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task A_package_through_the_job_then_posted_is_unchanged_and_the_reverse_too()
    {
        var package = Giving.Package(Giving.Grant("U-1"), Giving.Grant("U-2", amount: 20.5m, awardDate: "17/03/2014"));
        package["grants"]![0]!["ID"] = "upper-case-kept";
        var text = package.ToJsonString();

        var jobFirst = await app.CreateTenantAsync();
        var done = await JsonImports.ImportAsync(app, jobFirst, text);
        Assert.Equal((2, 0, 0), ImportReads.Result(done));
        Assert.Equal(2, await PostedUnchangedAsync(jobFirst, text));
        Assert.Equal((0, 0, 2), ImportReads.Result(await JsonImports.ImportAsync(app, jobFirst, text)));

        var postFirst = await app.CreateTenantAsync();
        Assert.Equal(0, await PostedUnchangedAsync(postFirst, text));
        Assert.Equal((0, 0, 2), ImportReads.Result(await JsonImports.ImportAsync(app, postFirst, text)));

        var grant = await HttpAssert.OkJsonAsync(await jobFirst.Client.GetAsync("/api/grants/by-id/U-2"));
        Assert.Equal("2014-03-17", grant.GetProperty("awardDate").GetString());
        var kept = await HttpAssert.OkJsonAsync(await jobFirst.Client.GetAsync("/api/grants/by-id/U-1"));
        Assert.Equal("upper-case-kept", kept.GetProperty("ID").GetString());
    }

    [Fact]
    public async Task Duplicate_ids_follow_the_import_rule_the_later_grant_wins_with_a_warning()
    {
        var tenant = await app.CreateTenantAsync();
        var package = Giving.Package(Giving.Grant("D-1", amount: 10m), Giving.Grant("D-2"), Giving.Grant("D-1", 30m));

        var done = await JsonImports.ImportAsync(app, tenant, package.ToJsonString());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var warnings = done.GetProperty("warnings").EnumerateArray().ToList();
        var duplicate = warnings.Single(w => w.GetProperty("code").GetString() == CsvProblemCodes.DuplicateIdentifier);
        Assert.Equal(
            ("grants[0].id", 1L),
            (duplicate.GetProperty("column").GetString(), duplicate.GetProperty("row").GetInt64())
        );
        Assert.Contains(warnings, w =>
            w.GetProperty("code").GetString() == CsvProblemCodes.DuplicateIdentifiersNotStored
        );
        var grant = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/by-id/D-1"));
        Assert.Equal(30m, grant.GetProperty("amountAwarded").GetDecimal());
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    [Fact]
    public async Task Duplicate_ids_are_found_when_a_grants_nested_values_come_before_its_id()
    {
        // Pass 1 reads only each grant's id and dates: it must step over whole objects and arrays (the recipient's
        // own "id" among them), not stop at them.
        var tenant = await app.CreateTenantAsync();
        var package = Giving.Package(
            NestedFirst(Giving.Grant("N-1", amount: 10m)),
            NestedFirst(Giving.Grant("N-2")),
            NestedFirst(Giving.Grant("N-1", 30m))
        );

        var done = await JsonImports.ImportAsync(app, tenant, package.ToJsonString());
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var duplicate = done.GetProperty("warnings")
            .EnumerateArray()
            .Single(w => w.GetProperty("code").GetString() == CsvProblemCodes.DuplicateIdentifier);
        Assert.Equal(
            ("grants[0].id", 1L),
            (duplicate.GetProperty("column").GetString(), duplicate.GetProperty("row").GetInt64())
        );
        var grant = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/by-id/N-1"));
        Assert.Equal(30m, grant.GetProperty("amountAwarded").GetDecimal());
        Assert.Equal(2, await tenant.Client.CountGrantsAsync());
    }

    /// <summary>The grant with its objects and arrays (recipient, places, funder, programme) before its id.</summary>
    private static JsonObject NestedFirst(JsonObject grant)
    {
        var reordered = new JsonObject();
        foreach (var (name, value) in grant.OrderBy(p => p.Value is JsonObject or JsonArray ? 0 : 1))
        {
            reordered[name] = value?.DeepClone();
        }

        return reordered;
    }

    /// <summary>Posts the package to <c>POST /api/grants</c>; answers how many grants it left unchanged.</summary>
    private static async Task<int> PostedUnchangedAsync(Tenant tenant, string text)
    {
        var answer = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants", new StringContent(text, Encoding.UTF8, "application/json"))
        );
        return answer.GetProperty("unchanged").GetInt32();
    }
}

public sealed class SqliteJsonImportsApiTests(SqliteApp app) : JsonImportsApiTests<SqliteApp>(app);

public sealed class PostgresJsonImportsApiTests(PostgresApp app) : JsonImportsApiTests<PostgresApp>(app);

/// <summary>Uploads a JSON package (or another file, by <c>mediaType</c>) to the import job and reads what it
/// did.</summary>
internal static class JsonImports
{
    public static async Task<JsonElement> ImportAsync(
        FundAuditApp app,
        Tenant tenant,
        string text,
        string query = "",
        string mediaType = "application/json"
    )
    {
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync(
                "/api/grants/imports" + query,
                new StringContent(text, Encoding.UTF8, mediaType)
            ),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        return await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
    }

    /// <summary>The one problem of a refused import, with <paramref name="code"/>.</summary>
    public static JsonElement OnlyProblem(JsonElement import, string code)
    {
        Assert.Equal("refused", import.GetProperty("status").GetString());
        var problem = Assert.Single(import.GetProperty("problems").EnumerateArray());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }
}

/// <summary>What an import's answer says: its rejected rows, its progress and its result (CSV and JSON tests).
/// </summary>
internal static class ImportReads
{
    public static async Task<List<JsonElement>> ErrorsAsync(Tenant tenant, JsonElement import)
    {
        var body = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync($"/api/grants/imports/{import.GetProperty("id").GetInt64()}/errors")
        );
        return body.GetProperty("errors").EnumerateArray().ToList();
    }

    public static (int Read, int Accepted, int Rejected) Progress(JsonElement import)
    {
        var p = import.GetProperty("progress");
        return (
            p.GetProperty("rowsRead").GetInt32(),
            p.GetProperty("rowsAccepted").GetInt32(),
            p.GetProperty("rowsRejected").GetInt32()
        );
    }

    public static (int Created, int Updated, int Unchanged) Result(JsonElement import)
    {
        var r = import.GetProperty("result");
        return (
            r.GetProperty("created").GetInt32(),
            r.GetProperty("updated").GetInt32(),
            r.GetProperty("unchanged").GetInt32()
        );
    }
}

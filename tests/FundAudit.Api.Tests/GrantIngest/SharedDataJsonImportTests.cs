using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// Every real 360Giving JSON file under ../shared/data/360giving/ through the import job gives the grants
/// <c>POST /api/grants</c> gives for the same file: posted after the job, the file is unchanged grant by grant (the
/// same identifiers and content hashes, so the same amounts). Millfield House needs <c>dateFormat</c> either way. The
/// 2016 multifunder stack is refused by both: its one <c>05/12/2014</c> award date leaves its slash dates undecided,
/// and once <c>dateFormat</c> decides them every grant is a row error (none has a title, one has a date for its
/// amount), where POST refuses the whole file at that amount.
/// </summary>
internal static class SharedDataJsonImport
{
    private const string Stack = "360g-multifunder-stack-2016.json";

    private static readonly Dictionary<string, string> Queries = new(StringComparer.Ordinal)
    {
        ["360g-millfield-house-2013-2017.json"] = "?dateFormat=DD/MM/YYYY",
    };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        var folder = Path.Combine(CsvTestFiles.SharedData(), "360giving");
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    public static async Task SameAsPostedAsync(FundAuditApp app, string file, ITestOutputHelper output)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(CsvTestFiles.SharedData(), "360giving", file));
        var query = Queries.GetValueOrDefault(file, "");
        var grants = JsonNode.Parse(text)!["grants"]!.AsArray().Count;
        var tenant = await app.CreateTenantAsync();
        if (file == Stack)
        {
            await StackRefusedAsync(app, tenant, text, grants);
            return;
        }

        var done = await JsonImports.ImportAsync(app, tenant, text, query);
        output.WriteLine($"{file}: {done}");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal((grants, grants, 0), ImportReads.Progress(done));

        var answer = await HttpAssert.OkJsonAsync(await tenant.Client.PostAsync("/api/grants" + query, Json(text)));
        Assert.Equal((grants, grants), Counts(answer));
        Assert.Equal(grants, await tenant.Client.CountGrantsAsync());
    }

    private static async Task StackRefusedAsync(FundAuditApp app, Tenant tenant, string text, int grants)
    {
        var undecided = await JsonImports.ImportAsync(app, tenant, text);
        var dates = JsonImports.OnlyProblem(undecided, CsvProblemCodes.AmbiguousDateFormat);
        Assert.Equal("grants[2708].awardDate", dates.GetProperty("column").GetString());

        var decided = await JsonImports.ImportAsync(app, tenant, text, "?dateFormat=DD/MM/YYYY");
        Assert.Equal(
            "no_valid_rows",
            JsonImports.OnlyProblem(decided, "no_valid_rows").GetProperty("code").GetString()
        );
        Assert.Equal((grants, 0, grants), ImportReads.Progress(decided));
        var errors = await ImportReads.ErrorsAsync(tenant, decided);
        Assert.Equal(grants, errors.Select(e => e.GetProperty("row").GetInt64()).Distinct().Count());
        var amount = Assert.Single(errors, e => e.GetProperty("column").GetString()!.EndsWith(".amountAwarded"));
        Assert.Equal(grants - 1, errors.Count(e => e.GetProperty("column").GetString()!.EndsWith("].title")));

        var posted = await tenant.Client.PostAsync("/api/grants?dateFormat=DD/MM/YYYY", Json(text));
        var refused = await HttpAssert.ProblemAsync(posted, HttpStatusCode.BadRequest);
        Assert.Contains(amount.GetProperty("column").GetString()!, refused.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    /// <summary>(received, unchanged) of a <c>POST /api/grants</c> answer.</summary>
    private static (int, int) Counts(JsonElement answer) =>
        (answer.GetProperty("received").GetInt32(), answer.GetProperty("unchanged").GetInt32());
}

public sealed class SqliteSharedDataJsonImportTests(SqliteApp app, ITestOutputHelper output) : IClassFixture<SqliteApp>
{
    public static TheoryData<string> Files() => SharedDataJsonImport.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public Task Every_shared_json_file_through_the_job_gives_what_post_gives(string file) =>
        SharedDataJsonImport.SameAsPostedAsync(app, file, output);
}

public sealed class PostgresSharedDataJsonImportTests(PostgresApp app, ITestOutputHelper output)
    : IClassFixture<PostgresApp>
{
    public static TheoryData<string> Files() => SharedDataJsonImport.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public Task Every_shared_json_file_through_the_job_gives_what_post_gives(string file) =>
        SharedDataJsonImport.SameAsPostedAsync(app, file, output);
}

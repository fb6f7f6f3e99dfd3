using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// Every real 360Giving CSV under ../shared/data/360giving/ and derived/, uploaded over HTTP and loaded by the job:
/// accepted + rejected = the file's data rows and the portfolio holds one grant per stored row, or the file is refused
/// naming what is missing (and, for the ambiguous-date file, accepted once dateFormat is named). SQLite takes every
/// file; PostgreSQL a representative few, to keep the suite short.
/// </summary>
internal static class SharedDataImport
{
    /// <summary>Refused without options (the reader's SharedDataCsvTests list the same), with the option that makes it importable if any.</summary>
    public static readonly Dictionary<string, (string Code, string Column, string? Retry)> ExpectedRefusals = new(
        StringComparer.Ordinal
    )
    {
        ["360g-multifunder-stack-2016.csv"] = (CsvProblemCodes.MissingColumn, "Title", null),
        ["360g-millfield-house-2013-2017.csv"] = (
            CsvProblemCodes.AmbiguousDateFormat,
            "Award Date",
            "?dateFormat=DD/MM/YYYY"
        ),
    };

    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        var root = CsvTestFiles.SharedData();
        foreach (var dir in new[] { "360giving", Path.Combine("360giving", "derived") })
        {
            foreach (
                var file in Directory.EnumerateFiles(Path.Combine(root, dir), "*.csv").Order(StringComparer.Ordinal)
            )
            {
                data.Add(Path.GetRelativePath(root, file));
            }
        }

        return data;
    }

    public static async Task ImportAsync(FundAuditApp app, string relative, ITestOutputHelper output)
    {
        var path = Path.Combine(CsvTestFiles.SharedData(), relative);
        var name = Path.GetFileName(relative);
        var tenant = await app.CreateTenantAsync();

        var import = await UploadAndRunAsync(app, tenant, path, "");
        output.WriteLine($"{name}: {import}");
        if (ExpectedRefusals.TryGetValue(name, out var refusal))
        {
            Assert.Equal("refused", import.GetProperty("status").GetString());
            var problem = import.GetProperty("problems")[0];
            Assert.Equal(
                (refusal.Code, refusal.Column),
                (problem.GetProperty("code").GetString(), problem.GetProperty("column").GetString())
            );
            Assert.Contains(
                $"\"{refusal.Column}\"",
                problem.GetProperty("message").GetString(),
                StringComparison.Ordinal
            );
            Assert.Equal(0, await tenant.Client.CountGrantsAsync());
            if (refusal.Retry is null)
            {
                return;
            }

            import = await UploadAndRunAsync(app, tenant, path, refusal.Retry);
            output.WriteLine($"{name} {refusal.Retry}: {import}");
        }

        long dataRows;
        await using (var file = File.OpenRead(path))
        {
            var options = new CsvImportOptions(refusal.Retry is null ? null : CsvImportOptions.DayFirst);
            dataRows = Assert.IsType<CsvInspection.Accepted>(GrantCsvReader.Inspect(file, options)).DataRowCount;
        }

        Assert.Equal("succeeded", import.GetProperty("status").GetString());
        var progress = import.GetProperty("progress");
        var accepted = progress.GetProperty("rowsAccepted").GetInt64();
        var rejected = progress.GetProperty("rowsRejected").GetInt64();
        var superseded = progress.GetProperty("rowsSuperseded").GetInt64();
        Assert.Equal(dataRows, accepted + rejected);
        Assert.Equal(dataRows, progress.GetProperty("dataRows").GetInt64());
        Assert.Equal(accepted - superseded, import.GetProperty("result").GetProperty("created").GetInt64());
        Assert.Equal(accepted - superseded, await tenant.Client.CountGrantsAsync());
        if (rejected > 0 && !import.GetProperty("errorsTruncated").GetBoolean())
        {
            var errors = await HttpAssert.OkJsonAsync(
                await tenant.Client.GetAsync($"/api/grants/imports/{import.GetProperty("id").GetInt64()}/errors")
            );
            Assert.Equal(
                rejected,
                errors
                    .GetProperty("errors")
                    .EnumerateArray()
                    .Select(e => e.GetProperty("row").GetInt64())
                    .Distinct()
                    .LongCount()
            );
        }
    }

    private static async Task<JsonElement> UploadAndRunAsync(FundAuditApp app, Tenant tenant, string path, string query)
    {
        var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/grants/imports" + query, content),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        return await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
    }
}

public sealed class SqliteSharedDataImportTests(SqliteApp app, ITestOutputHelper output) : IClassFixture<SqliteApp>
{
    public static TheoryData<string> Files() => SharedDataImport.AllFiles();

    [Theory]
    [MemberData(nameof(Files))]
    public Task Every_shared_csv_imports_with_every_row_accounted_for_or_is_refused_naming_the_gap(string relative) =>
        SharedDataImport.ImportAsync(app, relative, output);
}

public sealed class PostgresSharedDataImportTests(PostgresApp app, ITestOutputHelper output)
    : IClassFixture<PostgresApp>
{
    public static TheoryData<string> Files() =>
        new()
        {
            "360giving/360g-landaid-2014-15.csv", // Windows-1252, blank rows
            "360giving/360g-indigo-trust-2001-2015.csv", // day-first dates with times, extra columns
            "360giving/derived/360g-lloyds-bank-foundation.csv", // the largest
            "360giving/derived/360g-andrew-lloyd-webber-2011-2021.csv", // rejected rows
            "360giving/derived/360g-joseph-rowntree-ct-2017.csv", // several currencies
            "360giving/derived/360g-multifunder-stack-2016.csv", // refused: no Title
            "360giving/derived/360g-millfield-house-2013-2017.csv", // refused until dateFormat is named
        };

    [Theory]
    [MemberData(nameof(Files))]
    public Task Representative_shared_csvs_import_with_every_row_accounted_for_or_are_refused_naming_the_gap(
        string relative
    ) => SharedDataImport.ImportAsync(app, relative, output);
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.GrantIngest.Xlsx;

/// <summary>
/// Every real workbook under ../shared/data/360giving/ gives, through the real import endpoint and job, the same grants
/// (identifier, currency, amount, award date) and totals as its JSON twin posted to <c>POST /api/grants</c>.
/// </summary>
internal static class SharedDataXlsx
{
    public static TheoryData<string> Workbooks()
    {
        var data = new TheoryData<string>();
        var folder = Path.Combine(CsvTestFiles.SharedData(), "360giving");
        foreach (var file in Directory.EnumerateFiles(folder, "*.xlsx").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    /// <summary>The JSON file of the same publication: the same name, or the name without its year range
    /// (<c>360g-lloyds-bank-foundation-2010-2015.xlsx</c> → <c>360g-lloyds-bank-foundation.json</c>).</summary>
    public static string Twin(string workbook)
    {
        var folder = Path.Combine(CsvTestFiles.SharedData(), "360giving");
        var name = Path.GetFileNameWithoutExtension(workbook);
        var same = Path.Combine(folder, name + ".json");
        var undated = Path.Combine(
            folder,
            System.Text.RegularExpressions.Regex.Replace(name, "-[0-9]{4}-[0-9]{4}$", "") + ".json"
        );
        return File.Exists(same) ? same : undated;
    }

    public static async Task SameAsJsonTwinAsync(FundAuditApp app, string workbook, ITestOutputHelper output)
    {
        var path = Path.Combine(CsvTestFiles.SharedData(), "360giving", workbook);
        var fromXlsx = await app.CreateTenantAsync();
        var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        var queued = await HttpAssert.OkJsonAsync(
            await fromXlsx.Client.PostAsync($"/api/grants/imports?fileName={workbook}", content),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var import = await HttpAssert.OkJsonAsync(await fromXlsx.Client.GetAsync($"/api/grants/imports/{id}"));
        output.WriteLine($"{workbook}: {import}");
        Assert.Equal("succeeded", import.GetProperty("status").GetString());
        Assert.Equal(0, import.GetProperty("progress").GetProperty("rowsRejected").GetInt64());

        var fromJson = await app.CreateTenantAsync();
        // Sent as published: Andrew Lloyd Webber's JSON carries a double's binary noise in amounts
        // (41133.770000000004), which the service reads at the 15 significant digits the workbook keeps.
        var package = JsonNode.Parse(await File.ReadAllTextAsync(Twin(workbook)))!;
        await HttpAssert.OkJsonAsync(await fromJson.Client.PostPackageAsync(package));

        var xlsxGrants = await GrantsAsync(fromXlsx.Client);
        var jsonGrants = await GrantsAsync(fromJson.Client);
        Assert.Equal(jsonGrants.Count, xlsxGrants.Count);
        Assert.Equal(jsonGrants, xlsxGrants);
        Assert.Equal(Totals(jsonGrants), Totals(xlsxGrants));
        if (workbook == "360g-ab-charitable-trust-2013-2020.xlsx")
        {
            Assert.Equal(783, xlsxGrants.Count);
            Assert.Equal([("GBP", 12_785_625m)], Totals(xlsxGrants));
        }
    }

    private static List<(string Currency, decimal Total)> Totals(SortedSet<(string, string, decimal, string)> grants) =>
        [.. grants.GroupBy(g => g.Item2).OrderBy(g => g.Key).Select(g => (g.Key, g.Sum(x => x.Item3)))];

    /// <summary>Every grant of the tenant as (identifier, currency, amount awarded, award date).</summary>
    private static async Task<SortedSet<(string, string, decimal, string)>> GrantsAsync(HttpClient client)
    {
        var grants = new SortedSet<(string, string, decimal, string)>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>(
                "/api/grants?limit=500" + (cursor is null ? "" : "&cursor=" + cursor)
            );
            foreach (var g in page.GetProperty("items").EnumerateArray())
            {
                grants.Add(
                    (
                        g.GetProperty("id").GetString()!,
                        g.GetProperty("currency").GetString()!,
                        g.GetProperty("amountAwarded").GetDecimal(),
                        g.GetProperty("awardDate").GetString()![..10]
                    )
                );
            }

            cursor = page.TryGetProperty("next", out var n) ? n.GetString() : null;
        } while (cursor is not null);
        return grants;
    }
}

public sealed class SqliteSharedDataXlsxTests(SqliteApp app, ITestOutputHelper output) : IClassFixture<SqliteApp>
{
    public static TheoryData<string> Workbooks() => SharedDataXlsx.Workbooks();

    [Theory]
    [MemberData(nameof(Workbooks))]
    public Task Every_shared_workbook_gives_the_grants_and_totals_of_its_json_twin(string workbook) =>
        SharedDataXlsx.SameAsJsonTwinAsync(app, workbook, output);
}

public sealed class PostgresSharedDataXlsxTests(PostgresApp app, ITestOutputHelper output) : IClassFixture<PostgresApp>
{
    public static TheoryData<string> Workbooks() => SharedDataXlsx.Workbooks();

    [Theory]
    [MemberData(nameof(Workbooks))]
    public Task Every_shared_workbook_gives_the_grants_and_totals_of_its_json_twin(string workbook) =>
        SharedDataXlsx.SameAsJsonTwinAsync(app, workbook, output);
}

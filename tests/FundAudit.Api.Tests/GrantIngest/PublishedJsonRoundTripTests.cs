using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.GrantIngest.Xlsx;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// <c>grants.extra_json</c> keeps only what the columns lack when they rebuild the published JSON exactly
/// (<see cref="StoredGrantText"/>). Every real file under ../shared/data/360giving (CSV and derived CSV and XLSX through
/// the import job, JSON through <c>POST /api/grants</c>) is stored and read back through the API's read path: every
/// grant's published JSON is byte for byte what the serializer writes for it (what the service stored in full before),
/// and its stored hash is that JSON's hash.
/// </summary>
internal static class PublishedJsonRoundTrip
{
    private static readonly JsonSerializerOptions PackageJson = CreatePackageJson();

    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        var root = CsvTestFiles.SharedData();
        foreach (var dir in new[] { "360giving", Path.Combine("360giving", "derived") })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, dir)).Order(StringComparer.Ordinal))
            {
                if (Path.GetExtension(file) is ".csv" or ".xlsx" or ".json")
                {
                    data.Add(Path.GetRelativePath(root, file));
                }
            }
        }

        return data;
    }

    /// <summary>Stores <paramref name="relative"/> and returns (grants, kept as a remainder).</summary>
    public static async Task<(int Grants, int Compact)> CheckAsync(
        FundAuditApp app,
        string relative,
        ITestOutputHelper output
    )
    {
        var path = Path.Combine(CsvTestFiles.SharedData(), relative);
        var tenant = await app.CreateTenantAsync();
        var expected =
            Path.GetExtension(path) == ".json"
                ? await PostPackageAsync(tenant, path)
                : await ImportAsync(app, tenant, path);

        var db = app.Services.GetRequiredService<Db>();
        var read = await ReadAllAsync(app.Services.GetRequiredService<GrantStore>(), tenant.FunderId);
        await using var connection = await db.OpenAsync();
        var stored = (
            await connection.QueryAsync<(string Identifier, byte[] Hash, string Json)>(
                "SELECT identifier, content_hash, extra_json FROM grants WHERE funder_id = @FunderId",
                new { tenant.FunderId }
            )
        ).ToDictionary(r => r.Identifier, StringComparer.Ordinal);

        Assert.Equal(expected.Count, read.Count);
        Assert.Equal(expected.Count, stored.Count);
        foreach (var (identifier, json) in expected)
        {
            Assert.True(read.TryGetValue(identifier, out var published), $"{identifier} was not stored");
            Assert.Equal(json, published);
            Assert.Equal(
                GrantMapping.ContentHash(Encoding.UTF8.GetBytes(json)),
                Convert.ToHexStringLower(stored[identifier].Hash) // stored as its bytes (migration 0024)
            );
        }

        var compact = stored.Values.Count(r => r.Json.StartsWith(StoredGrantText.Remainder));
        var before = expected.Values.Sum(j => (long)j.Length);
        var after = stored.Values.Sum(r => (long)r.Json.Length);
        output.WriteLine(
            $"{relative}: {expected.Count} grants, {compact} kept as a remainder; extra_json {before:N0} → {after:N0} chars"
        );
        if (Path.GetExtension(path) != ".json")
        {
            // Every row of the real CSV and XLSX files is rebuilt exactly from its columns and remainder.
            Assert.Equal(expected.Count, compact);
        }

        return (expected.Count, compact);
    }

    /// <summary>
    /// Rows stored before the remainder existed hold the whole JSON: a CSV import's rows rewritten to that shape read
    /// the same through the list, GET /api/grants/{id} and the 360Giving export as the remainders did.
    /// </summary>
    public static async Task OldShapeReadsTheSameAsync(FundAuditApp app)
    {
        var tenant = await app.CreateTenantAsync();
        var expected = await ImportAsync(
            app,
            tenant,
            Path.Combine(CsvTestFiles.SharedData(), "360giving", "derived", "360g-joseph-rowntree-ct-2017.csv")
        );
        Assert.Equal(31, expected.Count);
        var store = app.Services.GetRequiredService<GrantStore>();
        var views = await ViewsAsync(tenant, expected.Keys);
        const string Export = "/api/audit/export/360giving.json?from=2016-01-01&to=2018-12-31";
        var export = await tenant.Client.GetStringAsync(Export);

        await using (var connection = await app.Services.GetRequiredService<Db>().OpenAsync())
        {
            Assert.Equal(
                31,
                await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM grants WHERE funder_id = @FunderId AND extra_json LIKE '~%'",
                    new { tenant.FunderId }
                )
            );
            foreach (var (identifier, json) in expected)
            {
                await connection.ExecuteAsync(
                    "UPDATE grants SET extra_json = @Json WHERE funder_id = @FunderId AND identifier = @Identifier",
                    new
                    {
                        Json = json,
                        tenant.FunderId,
                        Identifier = identifier,
                    }
                );
            }
        }

        Assert.Equal(expected, await ReadAllAsync(store, tenant.FunderId));
        Assert.Equal(views, await ViewsAsync(tenant, expected.Keys));
        Assert.Equal(export, await tenant.Client.GetStringAsync(Export));
    }

    private static async Task<List<string>> ViewsAsync(Tenant tenant, IEnumerable<string> identifiers)
    {
        var views = new List<string>();
        foreach (var identifier in identifiers.Order(StringComparer.Ordinal))
        {
            views.Add(await tenant.Client.GetStringAsync("/api/grants/" + Uri.EscapeDataString(identifier)));
        }

        return views;
    }

    /// <summary>Every grant of the funder through <see cref="GrantStore.ListAsync"/> (the list and GET path).</summary>
    private static async Task<Dictionary<string, string>> ReadAllAsync(GrantStore store, long funderId)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        (DateOnly, long)? after = null;
        while (true)
        {
            var page = await store.ListAsync(
                funderId,
                new GrantFilter(null, null, null, null, null),
                after,
                500,
                CancellationToken.None
            );
            foreach (var row in page)
            {
                all.Add(row.Identifier, row.ExtraJson);
            }

            if (page.Count < 500)
            {
                return all;
            }

            after = (page[^1].AwardDate, page[^1].Id);
        }
    }

    /// <summary>A 360Giving package as published, posted whole; what the serializer writes for each grant.</summary>
    private static async Task<Dictionary<string, string>> PostPackageAsync(Tenant tenant, string path)
    {
        var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await tenant.Client.PostAsync("/api/grants", content);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // Refused whole (GrantsApiTests says why): nothing stored, nothing to compare.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return expected;
        }

        await using var stream = File.OpenRead(path);
        var package = JsonSerializer.Deserialize<GrantPackage>(stream, PackageJson)!;
        // Publishers' dates (17/03/2014, 08/2013) are stored as ISO dates, as the endpoint reads them.
        Assert.Empty(PackageDates.Normalise(package, null));
        foreach (var g in package.Grants!)
        {
            expected[g.Id!.Trim()] = GrantMapping.ToStoredJson(g);
        }

        return expected;
    }

    /// <summary>A CSV or XLSX file through the import job; what the serializer writes for each valid row.</summary>
    private static async Task<Dictionary<string, string>> ImportAsync(FundAuditApp app, Tenant tenant, string path)
    {
        var name = Path.GetFileName(path);
        var xlsx = Path.GetExtension(path) == ".xlsx";
        var retry = SharedDataImport.ExpectedRefusals.TryGetValue(name, out var refusal) ? refusal.Retry : "";
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        if (retry is null)
        {
            return expected; // refused whatever the options (SharedDataImportTests)
        }

        var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue(
            xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv"
        );
        var queued = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync($"/api/grants/imports?fileName={name}{retry.Replace('?', '&')}", content),
            HttpStatusCode.Accepted
        );
        var id = queued.GetProperty("id").GetInt64();
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var import = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal("succeeded", import.GetProperty("status").GetString());

        var options = new CsvImportOptions(retry.Length > 0 ? CsvImportOptions.DayFirst : null);
        var csv = new MemoryStream();
        if (xlsx)
        {
            await using var workbook = File.OpenRead(path);
            Assert.IsType<XlsxConversion.Converted>(GrantXlsxReader.ToCsv(workbook, csv, options));
        }
        else
        {
            await using var file = File.OpenRead(path);
            await file.CopyToAsync(csv);
        }

        var bytes = csv.ToArray();
        var plan = Assert.IsType<CsvInspection.Accepted>(GrantCsvReader.Inspect(new MemoryStream(bytes), options));
        foreach (var row in GrantCsvReader.ReadRows(new MemoryStream(bytes), plan))
        {
            if (row.Record is { } record)
            {
                expected[record.Identifier] = Encoding.UTF8.GetString(CsvGrantMapping.StoredJsonViaSerializer(row));
            }
        }

        return expected;
    }

    private static JsonSerializerOptions CreatePackageJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        FundAudit.Api.Infrastructure.Http.JsonDefaults.Configure(o);
        return o;
    }
}

public sealed class SqlitePublishedJsonRoundTripTests(SqliteApp app, ITestOutputHelper output)
    : IClassFixture<SqliteApp>
{
    public static TheoryData<string> Files() => PublishedJsonRoundTrip.AllFiles();

    [Fact]
    public Task Rows_holding_the_whole_json_read_the_same_as_remainders() =>
        PublishedJsonRoundTrip.OldShapeReadsTheSameAsync(app);

    [Theory]
    [MemberData(nameof(Files))]
    public Task Every_real_file_reads_back_the_published_json_and_hash_byte_for_byte(string relative) =>
        PublishedJsonRoundTrip.CheckAsync(app, relative, output);
}

public sealed class PostgresPublishedJsonRoundTripTests(PostgresApp app, ITestOutputHelper output)
    : IClassFixture<PostgresApp>
{
    public static TheoryData<string> Files() => PublishedJsonRoundTrip.AllFiles();

    [Fact]
    public Task Rows_holding_the_whole_json_read_the_same_as_remainders() =>
        PublishedJsonRoundTrip.OldShapeReadsTheSameAsync(app);

    [Theory]
    [MemberData(nameof(Files))]
    public Task Every_real_file_reads_back_the_published_json_and_hash_byte_for_byte(string relative) =>
        PublishedJsonRoundTrip.CheckAsync(app, relative, output);
}

/// <summary>The write-time check: a grant the columns cannot rebuild exactly keeps its whole JSON.</summary>
public sealed class StoredGrantTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_grant_the_columns_rebuild_keeps_a_remainder_and_one_they_cannot_keeps_its_json()
    {
        var record = new FundAudit.Core.Grants.GrantRecord
        {
            Identifier = "360G-T-1",
            Title = "Safe houses",
            Currency = "GBP",
            AmountAwardedMinor = 1_000_050,
            AwardDate = new DateOnly(2024, 3, 1),
            RecipientLocationCountryCodes = ["KE"],
            FundingTypes = ["Grant"],
        };
        var extra = new Dictionary<string, string> { ["Notes"] = "caf\u00e9 \"quoted\"" };
        Assert.Equal("~c{\"Notes\":\"caf\\u00E9 \\u0022quoted\\u0022\"}", Stored(record, extra));
        Assert.Equal("~tc", Stored(record with { Title = null }, null));

        // "a;b" is stored joined with ";" like two types: the columns read back ["a","b"], so the JSON is kept whole.
        var lossy = record with { FundingTypes = ["a;b"] };
        Assert.Equal(Json(lossy, null), Stored(lossy, null));
    }

    private static string Json(FundAudit.Core.Grants.GrantRecord r, Dictionary<string, string>? extra) =>
        Encoding.UTF8.GetString(StoredGrantJson.Current.Grant(r, extra));

    private static string Stored(FundAudit.Core.Grants.GrantRecord r, Dictionary<string, string>? extra)
    {
        var json = Json(r, extra);
        var values = GrantStore.ColumnValues(1, new GrantToStore(r, json, "68", null, extra), Now);
        return (string)values[GrantStore.WriteColumns.ToList().IndexOf("extra_json")]!;
    }
}

using System.Text;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// The import's JSON package reader on its own: grants come out whole and in order however the file's blocks cut them,
/// the package's other members are read past, and a file that is not a package is refused saying where.
/// </summary>
public sealed class JsonPackageReaderTests
{
    [Fact]
    public void Grants_come_out_whole_and_in_order_across_blocks_and_around_other_members()
    {
        var big = new string('x', 150_000); // a grant and a member each larger than the reader's first block
        var text =
            "\uFEFF{\"license\": {\"url\": \""
            + big
            + "\", \"list\": [1, [2, {\"grants\": 3}]]},\n \"grants\": [\n"
            + "{\"id\": \"A\"}, null, {\"id\": \"B\", \"description\": \""
            + big
            + "\"}, 7,\n{\"id\": \"C\"}],"
            + " \"publisher\": \"P\"}\n";
        var reader = new JsonPackageReader(Stream(text), 1 << 20);

        var grants = new List<(int, string)>();
        while (reader.Next(out var grant))
        {
            var json = Encoding.UTF8.GetString(grant.Span);
            grants.Add((reader.Index, json.Length > 40 ? json[..20] : json));
        }

        Assert.Equal(
            [(0, "{\"id\": \"A\"}"), (1, "null"), (2, "{\"id\": \"B\", \"descrip"), (3, "7"), (4, "{\"id\": \"C\"}")],
            grants
        );
    }

    [Theory]
    [InlineData("{\"grants\": [{\"id\": \"A\"}, {\"id\": \"B\", \"title\": nope}]}", "Package_JsonInvalid", 1, 48)]
    [InlineData("{\"grants\": [{\"id\": \"A\"},\n {\"id\": \"B\"", "Package_JsonTruncated", 2, 12)]
    [InlineData("{\n\"grants\": [],\n\"x\": 1,}", "Package_JsonInvalid", 3, 8)]
    [InlineData("[{\"id\": \"A\"}]", "Package_NotPackage", 1, 1)]
    [InlineData("  \"grants\"", "Package_NotPackage", 1, 3)]
    public void A_file_that_is_not_a_package_is_refused_with_its_line_and_position(
        string text,
        string key,
        long line,
        long position
    )
    {
        var reader = new JsonPackageReader(Stream(text), 1 << 20);
        var e = Assert.Throws<JsonPackageException>(() =>
        {
            while (reader.Next(out _)) { }
        });
        Assert.Equal(key, e.Problem.Text!.Key);
        Assert.Equal((line, position), ((long)e.Problem.Text.Args[0], (long)e.Problem.Text.Args[1]));
    }

    [Fact]
    public void Json_nested_deeper_than_the_api_takes_is_refused_as_not_json()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var reader = new JsonPackageReader(Stream("{\"grants\": [{\"x\": " + deep + "}]}"), 1 << 20);
        var e = Assert.Throws<JsonPackageException>(() => reader.Next(out _));
        Assert.Equal((CsvProblemCodes.MalformedJson, "grants[0]"), (e.Problem.Code, e.Problem.Column));
    }

    [Fact]
    public void A_grant_over_the_limit_is_refused_by_its_path()
    {
        var text = "{\"grants\": [{\"id\": \"A\"}, {\"description\": \"" + new string('y', 300_000) + "\"}]}";
        var reader = new JsonPackageReader(Stream(text), 100_000);
        Assert.True(reader.Next(out _));
        var e = Assert.Throws<JsonPackageException>(() => reader.Next(out _));
        Assert.Equal((CsvProblemCodes.RowTooLarge, "grants[1]"), (e.Problem.Code, e.Problem.Column));
    }

    [Theory]
    [InlineData("{\"grants\": []}", true)]
    [InlineData(" \r\n[ {\"a\": 1}]", true)]
    [InlineData("{}", true)]
    [InlineData("{Ref},Identifier,Title", false)]
    [InlineData("[Ref],Identifier,Title", false)]
    [InlineData("Identifier,Title", false)]
    public void Json_is_told_from_a_csv_by_its_first_bytes(string text, bool json) =>
        Assert.Equal(json, JsonPackageReader.LooksLikeJson(Stream(text)));

    [Theory]
    [InlineData(
        "\"amountAwarded\": 1.005",
        "grants[0].title Package_Title ;grants[0].amountAwarded Package_Decimals GBP"
    )]
    [InlineData(
        "\"amountAwarded\": 1, \"title\": \"T\", \"description\": \"{long}\"",
        "grants[0].description Text_AtMost 32000"
    )]
    [InlineData(
        "\"amountAwarded\": 1, \"title\": \"T\", \"explicitClassification\": {\"level\": \"planet\"}",
        "grants[0].explicitClassification Package_ClassificationOneOf level"
    )]
    public void A_grant_the_validator_refuses_keeps_the_message_key_for_the_console_languages(
        string members,
        string expected
    )
    {
        var text =
            "{\"grants\": [{\"id\": \"K-1\", \"currency\": \"GBP\", \"awardDate\": \"2024-01-01\", "
            + members.Replace("{long}", new string('x', GrantLimits.MaxDescriptionLength + 1))
            + "}]}";
        var file = Stream(text);
        var options = new CsvImportOptions();
        Assert.Null(JsonPackageImport.Inspect(file, options, out var plan));
        var api = new System.Text.Json.JsonSerializerOptions();
        FundAudit.Api.Infrastructure.Http.JsonDefaults.Configure(api);

        var row = Assert.Single(JsonPackageImport.ReadRows(file, plan!, options, api));
        Assert.Equal(
            expected.Split(';'),
            row.Errors.Select(e => $"{e.Column} {e.Text?.Key} {(e.Text is { Args.Count: > 0 } t ? t.Args[0] : "")}")
        );
        Assert.All(row.Errors, e => Assert.Equal(e.Text!.English(), e.Message));
    }

    [Fact]
    public void A_member_given_twice_in_a_grant_is_its_row_error_as_post_refuses_it()
    {
        var file = Stream("{\"grants\": [{\"id\": \"A\", \"id\": \"B\", \"title\": \"T\"}]}");
        var options = new CsvImportOptions();
        Assert.Null(JsonPackageImport.Inspect(file, options, out var plan));
        var api = new System.Text.Json.JsonSerializerOptions();
        FundAudit.Api.Infrastructure.Http.JsonDefaults.Configure(api);

        var row = Assert.Single(JsonPackageImport.ReadRows(file, plan!, options, api));
        var error = Assert.Single(row.Errors);
        Assert.Equal(("grants[0].id", "Row_JsonShape"), (error.Column, error.Text!.Key));
        Assert.Null(row.Record);
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}

using FundAudit.Api.Features.GrantIngest.Csv;
using Xunit.Abstractions;
using static FundAudit.Api.Tests.GrantIngest.Csv.CsvTestFiles;

namespace FundAudit.Api.Tests.GrantIngest.Csv;

/// <summary>
/// Every real 360Giving CSV under <c>../shared/data/360giving/</c> and its <c>derived/</c> folder (read in place, never
/// copied into the repository): each is accepted with every data row either a record or an explained error, or refused
/// as a whole with a problem naming what is missing. A missing data folder fails these tests.
/// </summary>
public sealed class SharedDataCsvTests(ITestOutputHelper output)
{
    /// <summary>The files expected to be refused without options, and the problem code and column of the refusal.</summary>
    private static readonly Dictionary<string, (string Code, string? Column)> ExpectedRefusals = new(
        StringComparer.Ordinal
    )
    {
        ["360g-multifunder-stack-2016.csv"] = (CsvProblemCodes.MissingColumn, "Title"),
        // Its only slash date (11/05/2017) can be read either way; the uploader must name dateFormat.
        ["360g-millfield-house-2013-2017.csv"] = (CsvProblemCodes.AmbiguousDateFormat, "Award Date"),
    };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        string root;
        try
        {
            root = SharedData();
        }
        catch (Xunit.Sdk.XunitException)
        {
            data.Add("<missing shared data folder>");
            return data;
        }

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

    private static string PathOf(string relative) => Path.Combine(SharedData(), relative);

    [Fact]
    public void Shared_data_folder_is_present_with_the_known_csv_files()
    {
        var root = SharedData();
        Assert.True(File.Exists(Path.Combine(root, "360giving", "360g-landaid-2014-15.csv")));
        Assert.True(Directory.EnumerateFiles(Path.Combine(root, "360giving", "derived"), "*.csv").Count() >= 14);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shared_csv_is_accepted_with_every_row_accounted_for_or_refused_naming_the_gap(string relative)
    {
        using var file = File.OpenRead(PathOf(relative));
        var name = Path.GetFileName(relative);
        var inspection = GrantCsvReader.Inspect(file, new CsvImportOptions());

        if (inspection is CsvInspection.Refused refused)
        {
            output.WriteLine(
                $"{name}: refused: "
                    + string.Join("; ", refused.Problems.Select(p => $"{p.Code} [{p.Column}] {p.Message}"))
            );
            Assert.True(
                ExpectedRefusals.TryGetValue(name, out var expected),
                $"{name} was refused unexpectedly: {refused.Problems[0].Code} {refused.Problems[0].Message}"
            );
            var problem = Assert.Single(refused.Problems);
            Assert.Equal(expected, (problem.Code, problem.Column));
            Assert.Contains($"\"{expected.Column}\"", problem.Message, StringComparison.Ordinal);
            return;
        }

        Assert.False(ExpectedRefusals.ContainsKey(name), $"{name} should have been refused");
        var plan = Assert.IsType<CsvInspection.Accepted>(inspection);
        Assert.True(plan.DataRowCount > 0, $"{name} has no data rows");

        var rows = GrantCsvReader.ReadRows(file, plan).ToList();
        var withRecord = rows.Count(r => r.Record is not null);
        var withErrors = rows.Count(r => r.Errors.Count > 0);
        output.WriteLine(
            $"{name}: {plan.Layout}, {plan.Encoding}, '{(plan.Delimiter == '\t' ? "\\t" : plan.Delimiter.ToString())}', dates {plan.DateOrder} ({plan.DateOrderSource} {plan.DateOrderRow}), "
                + $"{plan.DataRowCount} rows: {withRecord} records, {withErrors} with errors, {plan.Duplicates.Count} superseded, {rows.Sum(r => r.Warnings.Count)} warnings, extra columns {plan.ExtraColumns.Count}"
        );
        foreach (var e in rows.SelectMany(r => r.Errors).GroupBy(e => (e.Code, e.Column)))
        {
            output.WriteLine($"  {e.Key.Code} [{e.Key.Column}] x{e.Count()}: {e.First().Message}");
        }

        Assert.Equal(plan.DataRowCount, rows.Count);
        Assert.Equal(plan.DataRowCount, withRecord + withErrors);
        Assert.All(rows, r =>
            Assert.True((r.Record is null) == (r.Errors.Count > 0), $"row {r.Row}: a record with errors, or neither")
        );
        Assert.All(rows.SelectMany(r => r.Errors), e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Code));
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        });
        Assert.Equal(rows.Select(r => r.Row).Order(), rows.Select(r => r.Row));
        Assert.True(rows[0].Row >= 2);
    }

    [Fact]
    public void Landaid_2014_15_is_read_as_windows_1252_and_its_three_blank_currency_rows_are_blank_rows_skipped()
    {
        // The three rows with a blank Currency are ",,,,…" rows (every cell empty) at the end of the sheet: blank rows,
        // counted apart, not grants with errors.
        var (plan, rows) = ReadShared("360giving/360g-landaid-2014-15.csv");
        Assert.Equal("windows-1252", plan.Encoding);
        Assert.Equal(CsvProblemCodes.NotUtf8, Assert.Single(plan.Warnings).Code);
        Assert.Equal((20L, 3L), (plan.DataRowCount, plan.BlankRowCount));
        Assert.All(rows, r => Assert.NotNull(r.Record));
        Assert.Equal(21, rows[^1].Row);
        Assert.True(
            rows.Any(r =>
                r.Extra?.GetValueOrDefault("Recipient Org:Description")
                    ?.Contains("Fuse Youth Caf\u201A", StringComparison.Ordinal) == true
            ),
            "byte 0x82 should read as Windows-1252 \u201A (\"Caf\u201A\")"
        );
    }

    [Fact]
    public void Andrew_lloyd_webber_float_artefacts_are_read_as_the_spreadsheet_kept_them()
    {
        // Two amounts carry a double's binary noise (41133.770000000004): read at the 15 significant digits the
        // spreadsheet kept, as POST /api/grants reads the same file's JSON twin (PublishedAmount.WithoutDoubleNoise).
        var (_, rows) = ReadShared("360giving/derived/360g-andrew-lloyd-webber-2011-2021.csv");
        Assert.DoesNotContain(rows, r => r.Record is null);
        var amounts = rows.Where(r => r.Record!.Identifier is "360G-ALWF-1000029" or "360G-ALWF-1000063")
            .Select(r => (r.Record!.Identifier, r.Record.AmountAwardedMinor));
        Assert.Equal([("360G-ALWF-1000029", 4113377L), ("360G-ALWF-1000063", 4433713L)], amounts);
    }

    [Fact]
    public void Indigo_reads_day_first_dates_with_times_and_keeps_extra_columns_aside()
    {
        var (plan, rows) = ReadShared("360giving/360g-indigo-trust-2001-2015.csv");
        Assert.Equal((DateOrder.DayFirst, DateOrderSource.Detected), (plan.DateOrder, plan.DateOrderSource));
        Assert.Equal(269, rows.Count(r => r.Record is not null));
        Assert.Equal(new DateOnly(2001, 3, 26), rows[0].Record?.AwardDate);
        Assert.Contains("Internal Organisation ID", plan.ExtraColumns);
        Assert.Contains("WebAddress", plan.ExtraColumns);
        Assert.Equal("UK", rows[0].Record?.RecipientOrgCountry);
        Assert.Equal("6997", rows[0].Extra?["Internal Organisation ID"]);
    }

    [Fact]
    public void Nominet_reads_month_year_award_dates_as_the_first_of_the_month()
    {
        var (plan, rows) = ReadShared("360giving/derived/360g-nominet-trust.csv");
        Assert.Equal(270, rows.Count(r => r.Record is not null));
        Assert.Equal(new DateOnly(2013, 8, 1), rows[0].Record?.AwardDate);
        Assert.Equal(new DateOnly(2013, 4, 19), rows[0].Record?.PlannedStartDate);
        Assert.Equal(DateOrderSource.NotNeeded, plan.DateOrderSource);
    }

    [Fact]
    public void Multifunder_stack_is_refused_for_lacking_title()
    {
        using var file = File.OpenRead(PathOf("360giving/derived/360g-multifunder-stack-2016.csv"));
        Assert.Equal(
            "Title",
            RefusedWith(GrantCsvReader.Inspect(file, new CsvImportOptions()), CsvProblemCodes.MissingColumn).Column
        );
    }

    [Fact]
    public void Millfield_is_accepted_once_the_uploader_names_day_first()
    {
        var (plan, rows) = ReadShared(
            "360giving/derived/360g-millfield-house-2013-2017.csv",
            new CsvImportOptions(CsvImportOptions.DayFirst)
        );
        Assert.Equal(DateOrderSource.Given, plan.DateOrderSource);
        Assert.Equal(12, rows.Count(r => r.Record is not null));
        Assert.Equal(new DateOnly(2017, 5, 11), rows[0].Record?.AwardDate);
    }

    [Fact]
    public void Joseph_rowntree_keeps_mixed_currencies_in_minor_units()
    {
        var (_, rows) = ReadShared("360giving/derived/360g-joseph-rowntree-ct-2017.csv");
        var records = rows.Select(r => r.Record!).ToList();
        Assert.Equal(31, records.Count);
        Assert.Contains(records, r => r is { Currency: "EUR", AmountAwardedMinor: 15_000_000 });
        Assert.Contains(records, r => r is { Currency: "CHF", AmountAwardedMinor: 17_529_000 });
    }

    private static (CsvInspection.Accepted Plan, List<CsvRow> Rows) ReadShared(
        string relative,
        CsvImportOptions? options = null
    )
    {
        using var file = File.OpenRead(PathOf(relative));
        var plan = Accept(GrantCsvReader.Inspect(file, options ?? new CsvImportOptions()));
        return (plan, GrantCsvReader.ReadRows(file, plan).ToList());
    }
}

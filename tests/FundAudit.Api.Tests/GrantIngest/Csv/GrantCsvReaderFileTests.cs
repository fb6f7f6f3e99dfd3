using System.Text;
using FundAudit.Api.Features.GrantIngest.Csv;
using static FundAudit.Api.Tests.GrantIngest.Csv.CsvTestFiles;

namespace FundAudit.Api.Tests.GrantIngest.Csv;

/// <summary>Rules about the file as a whole: size, kind, encoding, delimiter, header, limits.</summary>
public sealed class GrantCsvReaderFileTests
{
    [Fact]
    public void Empty_file_is_refused()
    {
        var problem = RefusedWith(Inspect(""), CsvProblemCodes.EmptyFile);
        Assert.Contains("empty", problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void File_with_only_a_bom_and_blank_lines_is_refused_as_empty() =>
        RefusedWith(Inspect("\uFEFF\r\n\r\n"), CsvProblemCodes.EmptyFile);

    [Fact]
    public void Header_only_is_accepted_with_no_rows_and_the_caller_gets_a_no_data_rows_problem()
    {
        var plan = Accept(Inspect(Header360 + "\r\n"));
        Assert.Equal(0, plan.DataRowCount);
        var problem = plan.NoDataRowsProblem();
        Assert.NotNull(problem);
        Assert.Equal(CsvProblemCodes.NoDataRows, problem.Code);

        var withRow = Accept(Inspect(Header360 + "\nG1,T,,GBP,10,2024-01-01\n"));
        Assert.Null(withRow.NoDataRowsProblem());
    }

    [Fact]
    public void Missing_required_column_refuses_the_file_naming_it()
    {
        var problem = RefusedWith(
            Inspect("Identifier,Description,Currency,Amount Awarded,Award Date\nG1,d,GBP,1,2024-01-01\n"),
            CsvProblemCodes.MissingColumn
        );
        Assert.Equal("Title", problem.Column);
        Assert.Contains("Title", problem.Message, StringComparison.Ordinal);
        Assert.Equal(1, problem.Row);
    }

    [Fact]
    public void Every_missing_required_column_is_named()
    {
        var refused = Assert.IsType<CsvInspection.Refused>(Inspect("Identifier,Description\nG1,d\n"));
        Assert.Equal(
            new[] { "Amount Awarded", "Award Date", "Currency", "Title" },
            refused
                .Problems.Where(p => p.Code == CsvProblemCodes.MissingColumn)
                .Select(p => p.Column)
                .Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void Template_missing_amount_names_the_template_title()
    {
        var problem = RefusedWith(
            Inspect("Identifier,Title,Currency,Award Date,Recipient Name\nG1,T,GBP,2024-01-01,R\n"),
            CsvProblemCodes.MissingColumn
        );
        Assert.Equal("Amount", problem.Column);
    }

    [Fact]
    public void Duplicate_mapped_column_is_refused_naming_the_second_title_as_written() =>
        Assert.Equal(
            "currency",
            RefusedWith(
                Inspect("Identifier,Title,Currency,Amount Awarded,Award Date,currency\n"),
                CsvProblemCodes.DuplicateColumn
            ).Column
        );

    [Fact]
    public void Zip_file_renamed_csv_is_refused()
    {
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00 }
            .Concat(Encoding.ASCII.GetBytes("[Content_Types].xml"))
            .ToArray();
        RefusedWith(Inspect(zip), CsvProblemCodes.NotTextCsv);
    }

    /// <summary>
    /// An IATI activity file or a 360Giving JSON package sent to the CSV import is refused for what it is, not for the
    /// CSV columns it lacks (the probe of real files: each was refused naming Identifier, Title, Currency missing).
    /// </summary>
    [Theory]
    [InlineData("<?xml version=\"1.0\"?>\n<iati-activities version=\"2.03\">\n", "XML")]
    [InlineData("\uFEFF\r\n  <iati-activities generated-datetime=\"2014-09-10T07:15:37Z\">", "XML")]
    [InlineData("<!DOCTYPE html><html><body>Grants</body></html>", "XML")]
    [InlineData("<?xml version=\"1.0\"?><iati-activities><title>Roads, bridges</title>", "XML")]
    [InlineData("{\n  \"grants\": [\n    {\"id\": \"360G-X-1\"}]}", "POST /api/grants")]
    [InlineData("\uFEFF [ {\"model\": \"db.latest\", \"pk\": 4}]", "POST /api/grants")]
    public void Xml_and_json_files_are_refused_for_what_they_are(string text, string said)
    {
        var problem = RefusedWith(Inspect(text), CsvProblemCodes.NotTextCsv);
        Assert.Contains(said, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{Ref}")]
    [InlineData("[Ref]")]
    [InlineData("<Ref>")]
    [InlineData("\"{\"\"Ref\"\"}\"")]
    public void A_header_starting_with_a_bracket_is_still_read_as_csv(string first) =>
        Assert.Equal(1, Accept(Inspect(first + "," + Header360 + "\nR1,G1,T,,GBP,1,2024-01-01\n")).DataRowCount);

    [Fact]
    public void Nul_byte_in_the_first_kilobytes_is_refused_as_binary()
    {
        var bytes = Encoding
            .UTF8.GetBytes(Header360 + "\nG1,T,,GBP,1,2024-01-01\n")
            .Concat(new byte[] { 0, 1, 2, 0 })
            .ToArray();
        RefusedWith(Inspect(bytes), CsvProblemCodes.NotTextCsv);
    }

    [Fact]
    public void Utf16_file_is_refused_with_advice()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Header360 + "\n")).ToArray();
        var problem = RefusedWith(Inspect(bytes), CsvProblemCodes.UnsupportedEncoding);
        Assert.Contains("UTF-8", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_over_the_byte_limit_is_refused_before_parsing() =>
        RefusedWith(
            Inspect(Header360 + "\nG1,T,,GBP,1,2024-01-01\n", new CsvImportOptions(MaxFileBytes: 20)),
            CsvProblemCodes.FileTooLarge
        );

    [Fact]
    public void More_rows_than_the_limit_is_refused()
    {
        var csv = Header360 + "\n" + string.Concat(Enumerable.Range(1, 4).Select(i => $"G{i},T,,GBP,1,2024-01-01\n"));
        Assert.IsType<CsvInspection.Accepted>(Inspect(csv, new CsvImportOptions(MaxRows: 4)));
        var problem = RefusedWith(Inspect(csv, new CsvImportOptions(MaxRows: 3)), CsvProblemCodes.TooManyRows);
        Assert.Equal(5, problem.Row);
    }

    [Fact]
    public void Unterminated_quote_is_refused_naming_its_row()
    {
        var problem = RefusedWith(
            Inspect(
                Header360 + "\nG1,T,,GBP,1,2024-01-01\nG2,\"never closed,,GBP,1,2024-01-01\nG3,T,,GBP,1,2024-01-01\n"
            ),
            CsvProblemCodes.UnterminatedQuote
        );
        Assert.Equal(3, problem.Row);
    }

    [Fact]
    public void Row_longer_than_the_parser_buffer_limit_is_refused()
    {
        var csv = Header360 + "\nG1,T,,GBP,1,2024-01-01\nG2,\"" + new string('x', 200_000) + "\",,GBP,1,2024-01-01\n";
        var problem = RefusedWith(
            Inspect(csv, new CsvImportOptions(MaxRowBytes: 64 * 1024)),
            CsvProblemCodes.RowTooLarge
        );
        Assert.Equal(3, problem.Row);
        Assert.DoesNotContain("xxxx", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_date_format_option_is_refused() =>
        RefusedWith(Inspect(Header360 + "\n", new CsvImportOptions("YYYY/DD/MM")), CsvProblemCodes.InvalidOption);

    [Fact]
    public void Header_matching_ignores_case_spaces_and_bom()
    {
        var (plan, rows) = Read(
            "\uFEFF  identifier , TITLE ,Currency,  amount   awarded,Award Date ,grant programme : title\nG1,T,gbp,1,2024-01-01,P\n"
        );
        Assert.Equal(CsvLayout.Giving360, plan.Layout);
        var record = Assert.Single(rows).Record;
        Assert.NotNull(record);
        Assert.Equal("GBP", record.Currency);
        Assert.Equal("P", record.ProgrammeTitle);
        Assert.Equal("grant programme : title", plan.Columns[5].Title);
    }

    [Theory]
    [InlineData(',')]
    [InlineData(';')]
    [InlineData('\t')]
    public void Delimiter_is_detected_from_the_header_line(char delimiter)
    {
        var d = delimiter.ToString();
        var csv =
            string.Join(d, "Identifier", "Title", "Currency", "Amount Awarded", "Award Date")
            + "\n"
            + string.Join(d, "G1", "\"A, b; c\"", "GBP", "\"1,234.50\"", "2024-01-01")
            + "\n";
        var (plan, rows) = Read(csv);
        Assert.Equal(delimiter, plan.Delimiter);
        var record = Assert.Single(rows).Record;
        Assert.NotNull(record);
        Assert.Equal("A, b; c", record.Title);
        Assert.Equal(123450, record.AmountAwardedMinor);
    }

    [Fact]
    public void Invalid_utf8_is_read_as_windows_1252_with_a_warning()
    {
        var bytes = Encoding
            .ASCII.GetBytes(Header360 + "\nG1,Caf")
            .Concat(new byte[] { 0xE9, 0x20, 0x80 })
            .Concat(Encoding.ASCII.GetBytes(" fund,,GBP,1,2024-01-01\n"))
            .ToArray();
        var (plan, rows) = Read(bytes);
        Assert.Equal("windows-1252", plan.Encoding);
        Assert.Equal(CsvProblemCodes.NotUtf8, Assert.Single(plan.Warnings).Code);
        Assert.Equal("Café € fund", Assert.Single(rows).Record?.Title);
    }

    [Fact]
    public void Valid_utf8_is_read_as_utf8_without_warning()
    {
        var (plan, rows) = Read(Header360 + "\nG1,Café € fund,,GBP,1,2024-01-01\n");
        Assert.Equal("utf-8", plan.Encoding);
        Assert.Empty(plan.Warnings);
        Assert.Equal("Café € fund", Assert.Single(rows).Record?.Title);
    }

    [Fact]
    public void Second_pass_refuses_another_file()
    {
        var plan = Accept(Inspect(Header360 + "\nG1,T,,GBP,1,2024-01-01\n"));
        Assert.Throws<InvalidOperationException>(() =>
            GrantCsvReader.ReadRows(Utf8(Header360 + "\nG1,T,,GBP,1,2024-01-02,x\n"), plan).ToList()
        );
    }

    [Fact]
    public void A_non_seekable_stream_is_rejected_because_the_file_is_read_twice()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        Assert.Throws<ArgumentException>(() => GrantCsvReader.Inspect(pipe, new CsvImportOptions()));
    }
}

/// <summary>
/// Measures the whole process heap, so it runs alone: other tests allocating in parallel would make it fail
/// (or pass) for reasons that have nothing to do with the reader.
/// </summary>
[Collection(MemoryMeasurement.Name)]
public sealed class GrantCsvReaderMemoryTests
{
    [Fact]
    public void Memory_stays_flat_while_reading_a_large_generated_file()
    {
        const int rows = 300_000;
        using var file = new GeneratedCsvStream(rows);
        var plan = CsvTestFiles.Accept(GrantCsvReader.Inspect(file, new CsvImportOptions()));
        Assert.Equal(rows, plan.DataRowCount);
        Assert.True(file.Length > 30_000_000, "the generated file should be large");

        long records = 0;
        long? baseline = null;
        long worst = 0;
        foreach (var row in GrantCsvReader.ReadRows(file, plan))
        {
            records += row.Record is null ? 0 : 1;
            if (row.Row % 50_000 == 0)
            {
                var now = GC.GetTotalMemory(forceFullCollection: true);
                baseline ??= now;
                worst = Math.Max(worst, now - baseline.Value);
            }
        }

        Assert.Equal(rows, records);
        Assert.True(worst < 16 * 1024 * 1024, $"memory grew by {worst:N0} bytes while streaming");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "memory measurement (runs alone)";
}

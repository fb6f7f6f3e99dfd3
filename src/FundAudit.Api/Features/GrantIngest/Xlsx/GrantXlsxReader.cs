using System.Text;
using ExcelDataReader;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Xlsx;

/// <summary>
/// Reads an uploaded XLSX workbook (the 360Giving spreadsheet, single- or multi-sheet, or any export whose header row
/// follows the CSV rules) with ExcelDataReader, streaming, and writes its grants sheet as the UTF-8 CSV that
/// <see cref="GrantCsvReader"/> takes: one CSV line per sheet row from the header on, so the CSV path's header rules,
/// limits, dates, duplicates and row→grant mapping apply unchanged, and <see cref="XlsxSheetMap"/> turns the CSV's
/// row numbers and column titles back into cells (<c>grants!F12</c>).
/// </summary>
/// <remarks>
/// <para><b>Which sheet.</b> The first sheet named <c>grants</c> whose header row (found in its first
/// <see cref="HeaderScanRows"/> rows) maps every required column, else the first other sheet with such a row. Other
/// sheets whose header has an <c>Identifier</c> column and 360Giving titles (<c>Beneficiary Location:Name</c>) are
/// linked sheets: their rows are joined to the grants by identifier, in sheet order (<see cref="LinkedSheet"/>).</para>
/// <para><b>Cells.</b> Formulas give their cached value (never evaluated; none cached reads as empty). Numbers are
/// written as decimals (<c>1234.5</c>, never <c>1.2345E3</c>); cells formatted as dates are ISO dates, and so is a
/// plain number in a date column (an Excel serial date); text dates go through the CSV date rules.</para>
/// <para><b>Refused.</b> A file that is not an OOXML workbook (<c>not_xlsx_workbook</c>), an encrypted
/// (password-protected) workbook (<c>password_protected</c>), an Excel 97-2003 or other OLE file (<c>legacy_xls</c>), a
/// workbook with no header row (<c>no_header_row</c>, or the CSV's <c>missing_column</c> for the nearest row), a sheet
/// over <see cref="CsvImportOptions.MaxRows"/> data rows (<c>too_many_rows</c>).</para>
/// </remarks>
internal static partial class GrantXlsxReader
{
    /// <summary>Rows of each sheet searched for the header row.</summary>
    public const int HeaderScanRows = 30;

    public const string MediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // ExcelDataReader's configuration asks for Windows-1252 (for .xls fallback) when it is created.
    static GrantXlsxReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly byte[] ZipSignature = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] OleSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <summary>Whether the file is a zip (an XLSX, or any zip) or an OLE compound file (encrypted OOXML, .xls)
    /// rather than text; the stream is left at its start.</summary>
    public static bool IsWorkbookContainer(Stream file)
    {
        Span<byte> head = stackalloc byte[8];
        file.Position = 0;
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return head[..read].StartsWith(ZipSignature) || head[..read].StartsWith(OleSignature);
    }

    /// <summary>
    /// Writes the workbook's grants sheet to <paramref name="csv"/> as UTF-8 CSV, or says why the workbook is refused.
    /// </summary>
    /// <param name="workbook">The stored upload: readable and seekable; left open.</param>
    /// <param name="csv">Where the CSV goes (a temporary file); left open, at its end.</param>
    /// <param name="options">The import's limits (rows).</param>
    public static XlsxConversion ToCsv(Stream workbook, Stream csv, CsvImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(workbook);
        ArgumentNullException.ThrowIfNull(csv);
        workbook.Position = 0;
        Span<byte> head = stackalloc byte[8];
        var read = workbook.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        workbook.Position = 0;
        if (head[..read].StartsWith(OleSignature))
        {
            return HasEncryptedPackage(workbook)
                ? Refuse(XlsxProblemCodes.PasswordProtected, "File_PasswordProtected")
                : Refuse(XlsxProblemCodes.LegacyXls, "File_LegacyXls");
        }

        try
        {
            using var reader = ExcelReaderFactory.CreateOpenXmlReader(
                workbook,
                new ExcelReaderConfiguration { LeaveOpen = true }
            );
            return Convert(reader, csv, options);
        }
        catch (Exception e) when (IsDamagedWorkbook(e))
        {
            return Refuse(XlsxProblemCodes.NotXlsxWorkbook, "File_NotWorkbook");
        }
    }

    private static XlsxConversion Convert(IExcelDataReader reader, Stream csv, CsvImportOptions options)
    {
        var survey = SurveySheets(reader);
        if (survey.Grants is not { } grants)
        {
            return new XlsxConversion.Refused(NoHeaderProblems(survey));
        }

        reader.Reset();
        for (var i = 0; i < grants.SheetIndex; i++)
        {
            reader.NextResult();
        }

        var joins = survey.Linked.Select(l => l.Plan(grants.Titles)).ToList();
        var writer = new SheetCsvWriter(reader, csv, grants, joins, options);
        if (writer.Write() is { } refused)
        {
            return refused;
        }

        var warnings = writer.UntitledColumns().ToList();
        foreach (var other in survey.OtherSheets)
        {
            warnings.Add(
                CsvFileProblem.Keyed(XlsxProblemCodes.SheetNotRead, null, null, "File_SheetNotRead", other, grants.Name)
            );
        }

        foreach (var join in joins)
        {
            warnings.AddRange(join.KeptAside);
        }

        return new XlsxConversion.Converted(writer.Map, warnings);
    }

    /// <summary>
    /// The problems of a workbook without a grants header: the CSV's own header problems for the row that came
    /// nearest (most columns recognised), else <c>no_header_row</c>.
    /// </summary>
    private static IReadOnlyList<CsvFileProblem> NoHeaderProblems(SheetSurvey survey)
    {
        if (survey.Nearest is { } nearest)
        {
            return
            [
                .. nearest.Problems.Select(p =>
                    p with
                    {
                        Row = nearest.Row,
                        Message = $"{XlsxSheetMap.SheetRef(nearest.Sheet)}, row {nearest.Row}: {p.Message}",
                        Text = p.Text is { } text
                            ? text with
                            {
                                Place = new RowText(
                                    "File_PlaceSheetRow",
                                    [XlsxSheetMap.SheetRef(nearest.Sheet), nearest.Row]
                                ),
                            }
                            : null,
                    }
                ),
            ];
        }

        return [CsvFileProblem.Keyed(XlsxProblemCodes.NoHeaderRow, null, 1, "File_WorkbookNoHeader", HeaderScanRows)];
    }

    /// <summary>
    /// Whether an OLE compound file has an <c>EncryptedPackage</c> stream: an encrypted OOXML workbook. Directory
    /// entries lie on 128-byte boundaries and start with their UTF-16 name, followed at byte 64 by its length.
    /// </summary>
    private static bool HasEncryptedPackage(Stream file)
    {
        var name = Encoding.Unicode.GetBytes("EncryptedPackage\0");
        var buffer = new byte[1 << 16];
        file.Position = 0;
        int read;
        while ((read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            for (var at = 0; at + 128 <= read; at += 128)
            {
                var entry = buffer.AsSpan(at, 128);
                if (entry.StartsWith(name) && BitConverter.ToUInt16(entry[64..66]) == name.Length)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>What ExcelDataReader and the zip and XML layers under it throw on a file that is not a workbook or is
    /// damaged (programming errors and cancellation are not caught).</summary>
    private static bool IsDamagedWorkbook(Exception e) =>
        e
            is ExcelDataReader.Exceptions.ExcelReaderException
                or InvalidDataException
                or System.Xml.XmlException
                or EndOfStreamException
                or FormatException;

    /// <summary>A workbook refused as a whole with the ProblemText <paramref name="key"/>.</summary>
    private static XlsxConversion.Refused Refuse(string code, string key) =>
        new([CsvFileProblem.Keyed(code, null, null, key)]);
}

/// <summary>The outcome of <see cref="GrantXlsxReader.ToCsv"/>.</summary>
internal abstract record XlsxConversion
{
    private XlsxConversion() { }

    /// <summary>The workbook cannot be imported; nothing of it is stored.</summary>
    internal sealed record Refused(IReadOnlyList<CsvFileProblem> Problems) : XlsxConversion;

    /// <summary>The CSV is written; <paramref name="Map"/> locates its rows and columns in the workbook.</summary>
    internal sealed record Converted(XlsxSheetMap Map, IReadOnlyList<CsvFileProblem> Warnings) : XlsxConversion;
}

/// <summary>The codes of XLSX refusals and warnings (beside <see cref="CsvProblemCodes"/>).</summary>
internal static class XlsxProblemCodes
{
    public const string NotXlsxWorkbook = "not_xlsx_workbook";
    public const string PasswordProtected = "password_protected";
    public const string LegacyXls = "legacy_xls";
    public const string NoHeaderRow = "no_header_row";
    public const string SheetNotRead = "sheet_not_read";
    public const string UntitledColumn = "untitled_column";
}

using System.Text;
using ExcelDataReader;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Xlsx;

/// <summary>
/// Pass 2 over the workbook: writes the grants sheet from its header row on as CSV, one line per sheet row (blank rows
/// as empty lines, so CSV row <c>r</c> is sheet row <c>r + header row - 1</c>), each cell quoted, the linked sheets'
/// rows appended to their grant's row. Refuses a sheet over <see cref="CsvImportOptions.MaxRows"/> data rows as soon as
/// it passes the limit, and a workbook whose CSV grows past <see cref="ExpansionLimit"/> times
/// <see cref="CsvImportOptions.MaxFileBytes"/> (a zip bomb would otherwise fill the disk).
/// </summary>
internal sealed class SheetCsvWriter(
    IExcelDataReader reader,
    Stream csv,
    GrantsSheet sheet,
    IReadOnlyList<LinkedJoin> joins,
    CsvImportOptions options
)
{
    /// <summary>How many times the upload limit the CSV written from a workbook may take (real workbooks expand 3 to 8
    /// times).</summary>
    public const int ExpansionLimit = 16;

    private readonly bool[] dateColumns = DateColumns(sheet);

    private readonly long maxCsvBytes =
        options.MaxFileBytes > long.MaxValue / ExpansionLimit ? long.MaxValue : options.MaxFileBytes * ExpansionLimit;

    /// <summary>Columns right of the header's last title that hold values, with the first row holding one: not read,
    /// and named in the import's warnings.</summary>
    private readonly SortedDictionary<int, int> untitled = [];

    /// <summary>Where the CSV's rows and columns are in the workbook (set by <see cref="Write"/>).</summary>
    public XlsxSheetMap Map { get; private set; } = null!;

    /// <summary>Writes the CSV; null when written, else the refusal.</summary>
    public XlsxConversion.Refused? Write()
    {
        using var text = new StreamWriter(csv, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var titles = sheet.Titles.Concat(joins.SelectMany(j => j.Columns.Select(c => c.Title))).ToList();
        WriteLine(text, titles);

        // Move to the header row (the survey's reader was reset), then copy every row after it.
        while (reader.Depth + 1 < sheet.HeaderRow && reader.Read()) { }

        var width = sheet.Titles.Count;
        var cells = new string?[titles.Count];
        var line = sheet.HeaderRow;
        long dataRows = 0;
        while (reader.Read())
        {
            var row = reader.Depth + 1;
            for (; line < row - 1; line++)
            {
                text.Write("\r\n");
            }

            line = row;
            Array.Clear(cells);
            var any = false;
            for (var i = 0; i < width && i < reader.FieldCount; i++)
            {
                cells[i] = GrantXlsxReader.CellText(reader, i, dateColumns[i]);
                any |= !string.IsNullOrWhiteSpace(cells[i]);
            }

            NoteUntitled(width, row);
            if (any && ++dataRows > options.MaxRows)
            {
                return TooManyRows(row);
            }

            if (csv.Position > maxCsvBytes)
            {
                return TooLarge(row);
            }

            if (any)
            {
                Join(cells, width, sheet.Map.Identifier);
            }

            WriteLine(text, cells);
        }

        text.Flush();
        Map = new XlsxSheetMap(sheet, joins);
        return null;
    }

    /// <summary>One <c>untitled_column</c> warning per column right of the header that holds values.</summary>
    public IEnumerable<CsvFileProblem> UntitledColumns() =>
        untitled.Select(u =>
            CsvFileProblem.Keyed(
                XlsxProblemCodes.UntitledColumn,
                null,
                u.Value,
                "File_UntitledColumn",
                XlsxSheetMap.ColumnLetters(u.Key),
                sheet.Name,
                $"{XlsxSheetMap.SheetRef(sheet.Name)}!{XlsxSheetMap.ColumnLetters(u.Key)}{u.Value}"
            )
        );

    private void NoteUntitled(int width, int row)
    {
        for (var i = width; i < reader.FieldCount; i++)
        {
            if (!untitled.ContainsKey(i) && !string.IsNullOrWhiteSpace(GrantXlsxReader.CellText(reader, i, false)))
            {
                untitled[i] = row;
            }
        }
    }

    /// <summary>Fills the linked columns of a grant row from the linked sheets' rows with its identifier.</summary>
    private void Join(string?[] cells, int width, int identifier)
    {
        var id = cells[identifier]?.Trim();
        var at = width;
        foreach (var join in joins)
        {
            var rows = join.Sheet.RowsOf(id);
            foreach (var (column, k, _) in join.Columns)
            {
                cells[at++] = k < rows.Count ? rows[k][column] : null;
            }
        }
    }

    private static void WriteLine(StreamWriter text, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                text.Write(',');
            }

            if (cells[i] is { Length: > 0 } cell)
            {
                text.Write('"');
                text.Write(cell.Contains('"', StringComparison.Ordinal) ? cell.Replace("\"", "\"\"") : cell);
                text.Write('"');
            }
        }

        text.Write("\r\n");
    }

    private XlsxConversion.Refused TooManyRows(int row) =>
        new([
            CsvFileProblem.Keyed(
                CsvProblemCodes.TooManyRows,
                null,
                row,
                "File_SheetTooManyRows",
                sheet.Name,
                options.MaxRows,
                $"{XlsxSheetMap.SheetRef(sheet.Name)}!A{row}"
            ),
        ]);

    private XlsxConversion.Refused TooLarge(int row) =>
        new([
            CsvFileProblem.Keyed(
                CsvProblemCodes.FileTooLarge,
                null,
                row,
                "File_SheetTooLarge",
                sheet.Name,
                ExpansionLimit,
                options.MaxFileBytes / (1024 * 1024),
                $"{XlsxSheetMap.SheetRef(sheet.Name)}!A{row}"
            ),
        ]);

    private static bool[] DateColumns(GrantsSheet sheet)
    {
        var dates = new bool[sheet.Titles.Count];
        foreach (var i in sheet.Map.DateColumns)
        {
            dates[i] = true;
        }

        return dates;
    }
}

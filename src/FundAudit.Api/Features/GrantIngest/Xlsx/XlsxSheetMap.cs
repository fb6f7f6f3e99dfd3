using System.Text.RegularExpressions;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Xlsx;

/// <summary>
/// Where the CSV written from a workbook's grants sheet comes from: CSV row <c>r</c> is sheet row
/// <c>r + header row - 1</c>, a grants-sheet column is a column letter, a joined column is its linked sheet. Turns the
/// CSV reader's problems, row errors and warnings into ones that name the sheet and cell (<c>grants!F12: …</c>).
/// </summary>
internal sealed partial class XlsxSheetMap
{
    private readonly string sheet;
    private readonly int offset;
    private readonly Dictionary<string, string> places = new(StringComparer.Ordinal);

    public XlsxSheetMap(GrantsSheet grants, IReadOnlyList<LinkedJoin> joins)
    {
        sheet = grants.Name;
        offset = grants.HeaderRow - 1;
        for (var i = 0; i < grants.Titles.Count; i++)
        {
            places.TryAdd(grants.Titles[i], ColumnLetters(i));
        }

        foreach (var join in joins)
        {
            foreach (var column in join.Columns)
            {
                places.TryAdd(column.Title, string.Empty);
            }
        }

        Joined = joins.ToDictionary(j => j.Sheet.Name, j => j.Columns.Select(c => c.Title).ToHashSet());
    }

    /// <summary>The joined titles of each linked sheet.</summary>
    private Dictionary<string, HashSet<string>> Joined { get; }

    /// <summary>The workbook's size and the CSV's, for progress by workbook bytes.</summary>
    public (long Workbook, long Csv) Bytes { get; set; }

    /// <summary>A sheet name as a cell reference writes it: quoted when it is not a plain word.</summary>
    public static string SheetRef(string name) =>
        PlainSheetName().IsMatch(name) ? name : "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A 0-based column index as letters: 0 is A, 26 is AA.</summary>
    public static string ColumnLetters(int index)
    {
        var letters = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    /// <summary>The CSV inspection with its problems and warnings located in the workbook, and the workbook's own
    /// warnings first.</summary>
    public CsvInspection Locate(CsvInspection inspection, IReadOnlyList<CsvFileProblem> workbookWarnings) =>
        inspection switch
        {
            CsvInspection.Refused refused => new CsvInspection.Refused([.. refused.Problems.Select(Locate)]),
            CsvInspection.Accepted plan => plan with
            {
                Warnings = [.. workbookWarnings, .. plan.Warnings.Select(Locate)],
            },
            _ => inspection,
        };

    /// <summary>A row with its row number, errors and warnings in the workbook's terms, its progress in workbook
    /// bytes.</summary>
    public CsvRow Locate(CsvRow row) =>
        row with
        {
            Row = row.Row + offset,
            Errors = row.Errors.Count == 0 ? row.Errors : [.. row.Errors.Select(Locate)],
            Warnings = row.Warnings.Count == 0 ? row.Warnings : [.. row.Warnings.Select(Locate)],
            BytePosition = Bytes.Csv == 0 ? 0 : (long)((double)row.BytePosition * Bytes.Workbook / Bytes.Csv),
            SupersededByRow = row.SupersededByRow + offset,
        };

    public CsvRowError Locate(CsvRowError error)
    {
        var row = error.Row + offset;
        return error with
        {
            Row = row,
            Message = $"{Place(error.Column, row)}: {Renumber(error.Message)}",
            Text = error.Text is { } text ? Locate(Renumber(text, error.Message), error.Column, row) : null,
        };
    }

    /// <summary>The keyed message with its place: the cell as written (<c>grants!F12</c>), else the sheet's row or
    /// the linked sheet, keyed too (the same place as <see cref="Place"/> says in English).</summary>
    private RowText Locate(RowText text, string? column, long? row)
    {
        if (column is not null && places.TryGetValue(column, out var letters))
        {
            if (letters.Length > 0)
            {
                return text with { Cell = $"{SheetRef(sheet)}!{letters}{row}" };
            }

            var linked = Joined.First(j => j.Value.Contains(column)).Key;
            return text with
            {
                Place = new RowText("Row_PlaceJoined", [SheetRef(linked), SheetRef(sheet), (object?)row ?? ""]),
            };
        }

        return row is null
            ? text with
            {
                Cell = SheetRef(sheet),
            }
            : text with
            {
                Place = new RowText("Row_PlaceSheetRow", [SheetRef(sheet), row]),
            };
    }

    public CsvFileProblem Locate(CsvFileProblem problem)
    {
        var row = problem.Row + offset;
        var place = problem.Column is null && row is null ? SheetRef(sheet) : Place(problem.Column, row);
        var text = problem.Text is { } t ? Locate(Renumber(t, problem.Message), problem.Column, row) : null;
        return problem with { Row = row, Message = $"{place}: {Renumber(problem.Message)}", Text = text };
    }

    /// <summary>The keyed message's row numbers as sheet rows: each whole-number argument that the English
    /// <paramref name="message"/> names as a row (<c>row 5</c>), as <see cref="Renumber(string)"/> does.</summary>
    private RowText Renumber(RowText text, string message)
    {
        if (offset == 0)
        {
            return text;
        }

        var rows = RowNumber()
            .Matches(message)
            .Select(m => long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture))
            .ToHashSet();
        return rows.Count == 0
            ? text
            : text with
            {
                Args =
                [
                    .. text.Args.Select(a =>
                        a is long or int && rows.Contains(Convert.ToInt64(a)) ? Convert.ToInt64(a) + offset : a
                    ),
                ],
            };
    }

    /// <summary><c>grants!F12</c>, <c>grants!F</c> (no row), <c>grants row 12</c> (no column), or the linked sheet of
    /// a joined column.</summary>
    private string Place(string? column, long? row)
    {
        if (column is not null && places.TryGetValue(column, out var letters))
        {
            if (letters.Length == 0)
            {
                var linked = Joined.First(j => j.Value.Contains(column)).Key;
                return ProblemText.Invariant("Row_PlaceJoined", SheetRef(linked), SheetRef(sheet), row);
            }

            return $"{SheetRef(sheet)}!{letters}{row}";
        }

        return row is null ? SheetRef(sheet) : ProblemText.Invariant("Row_PlaceSheetRow", SheetRef(sheet), row);
    }

    /// <summary>Row numbers inside a CSV message (<c>row 5</c>, <c>Row 7</c>) as sheet rows.</summary>
    private string Renumber(string message) =>
        offset == 0
            ? message
            : RowNumber()
                .Replace(message, m =>
                    $"{m.Groups["word"].Value} "
                    + (long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) + offset).ToString(
                        CultureInfo.InvariantCulture
                    )
                );

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex PlainSheetName();

    [GeneratedRegex(@"\b(?<word>[Rr]ows?) (?<n>[0-9]+)\b")]
    private static partial Regex RowNumber();
}

using ExcelDataReader;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Xlsx;

/// <summary>
/// A linked sheet of the 360Giving multi-sheet template (<c>Beneficiary Location</c>, <c>Funding Org</c>,
/// <c>Grant Programme</c>, <c>Planned Dates</c>…): an <c>Identifier</c> column naming the grant, then columns titled
/// <c>Group:Part</c>. Its rows are kept by grant identifier (they are few beside the grants) and joined to each grant
/// row as numbered columns (<c>Beneficiary Location:0:Name</c>, <c>Beneficiary Location:1:Name</c>…), which the CSV
/// column map reads as it reads a flat file.
/// </summary>
internal sealed class LinkedSheet
{
    private readonly Dictionary<string, List<string?[]>> rowsById = new(StringComparer.Ordinal);

    private LinkedSheet(string name, List<string> titles, int identifier, int headerRow)
    {
        Name = name;
        Titles = titles;
        Identifier = identifier;
        HeaderRow = headerRow;
    }

    public string Name { get; }

    /// <summary>The header's row in the sheet, 1-based.</summary>
    public int HeaderRow { get; }

    public IReadOnlyList<string> Titles { get; }

    public int Identifier { get; }

    /// <summary>An <c>Identifier</c> column and at least one <c>Group:Part</c> title.</summary>
    public static bool IsLinkedHeader(IReadOnlyList<string> titles) =>
        titles.Any(t => ColumnMap.Normalize(t) == "identifier")
        && titles.Any(t => ColumnMap.Normalize(t).Contains(':', StringComparison.Ordinal));

    /// <summary>Reads the rest of the sheet, the reader being on its header row.</summary>
    public static LinkedSheet Read(IExcelDataReader reader, string name, List<string> titles)
    {
        var identifier = titles.FindIndex(t => ColumnMap.Normalize(t) == "identifier");
        var sheet = new LinkedSheet(name, titles, identifier, reader.Depth + 1);
        while (reader.Read())
        {
            var id =
                sheet.Identifier < reader.FieldCount
                    ? GrantXlsxReader.CellText(reader, sheet.Identifier, dateColumn: false)?.Trim()
                    : null;
            if (string.IsNullOrEmpty(id))
            {
                continue;
            }

            var values = new string?[titles.Count];
            for (var i = 0; i < titles.Count && i < reader.FieldCount; i++)
            {
                var date = ColumnMap.Normalize(titles[i]).EndsWith("date", StringComparison.Ordinal);
                values[i] = GrantXlsxReader.CellText(reader, i, date)?.Trim();
            }

            if (!sheet.rowsById.TryGetValue(id, out var rows))
            {
                sheet.rowsById[id] = rows = [];
            }

            rows.Add(values);
        }

        return sheet;
    }

    /// <summary>Decides which columns join the grants sheet (under which titles) and which are kept aside.</summary>
    /// <param name="grantTitles">The grants sheet's own titles: a title it has already is not joined again.</param>
    public LinkedJoin Plan(IReadOnlyList<string> grantTitles)
    {
        var taken = grantTitles.Select(ColumnMap.Normalize).ToHashSet(StringComparer.Ordinal);
        var numbered = new List<(int Column, string Group, string Part)>();
        var plain = new List<(int Column, string Title)>();
        var aside = new List<CsvFileProblem>();
        for (var i = 0; i < Titles.Count; i++)
        {
            var title = Titles[i].Trim();
            var colon = title.LastIndexOf(':');
            if (i == Identifier || title.Length == 0)
            {
                continue;
            }

            if (colon > 0 && Maps($"{title[..colon]}:0:{title[(colon + 1)..]}"))
            {
                numbered.Add((i, title[..colon].Trim(), title[(colon + 1)..].Trim()));
            }
            else if (Maps(title) && !taken.Contains(ColumnMap.Normalize(title)))
            {
                plain.Add((i, title));
            }
            else
            {
                aside.Add(KeptAside(title, i));
            }
        }

        var most = rowsById.Count == 0 ? 0 : rowsById.Values.Max(r => r.Count);
        var columns = new List<(int Column, int Row, string Title)>();
        for (var k = 0; k < (numbered.Count > 0 ? most : 0); k++)
        {
            columns.AddRange(numbered.Select(n => (n.Column, k, $"{n.Group}:{k}:{n.Part}")));
        }

        columns.AddRange(plain.Select(p => (p.Column, 0, p.Title)));
        if (plain.Count > 0 && most > 1)
        {
            aside.Add(
                CsvFileProblem.Keyed(
                    CsvProblemCodes.ColumnKeptAside,
                    null,
                    null,
                    "File_LinkedFirstRowOnly",
                    Name,
                    string.Join(", ", plain.Select(p => $"\"{p.Title}\""))
                )
            );
        }

        return new LinkedJoin(this, columns, aside);
    }

    /// <summary>The linked rows of one grant (none: empty).</summary>
    public IReadOnlyList<string?[]> RowsOf(string? identifier) =>
        identifier is not null && rowsById.TryGetValue(identifier, out var rows) ? rows : [];

    /// <summary>The column_kept_aside warning of one column, starting with its header cell
    /// (<c>'Beneficiary Location'!D1</c>) as the grants sheet's warnings do.</summary>
    private CsvFileProblem KeptAside(string title, int column)
    {
        var warning = GrantCsvReader.KeptAside(title, Name);
        var cell = $"{XlsxSheetMap.SheetRef(Name)}!{XlsxSheetMap.ColumnLetters(column)}{HeaderRow}";
        var text = warning.Text! with { Cell = cell };
        return warning with { Message = text.English(), Text = text };
    }

    private static bool Maps(string title)
    {
        var map = ColumnMap.Build([title], out _);
        return map.Fields[0] is not null;
    }
}

/// <summary>The columns a linked sheet adds to every grant row, and the ones it keeps aside.</summary>
/// <param name="Sheet">The linked sheet.</param>
/// <param name="Columns">Each added column: the linked sheet's column, which of the grant's linked rows, the
/// title.</param>
/// <param name="KeptAside">Warnings naming the linked sheet's columns that are not read.</param>
internal sealed record LinkedJoin(
    LinkedSheet Sheet,
    IReadOnlyList<(int Column, int Row, string Title)> Columns,
    IReadOnlyList<CsvFileProblem> KeptAside
);

using ExcelDataReader;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Xlsx;

/// <summary>The grants sheet: where its header is and what its columns are.</summary>
/// <param name="SheetIndex">0-based position among the workbook's sheets.</param>
/// <param name="Name">The sheet's name.</param>
/// <param name="HeaderRow">The header's row in the sheet, 1-based.</param>
/// <param name="Titles">The header's titles, up to the last non-empty one.</param>
/// <param name="Map">The CSV column map of those titles.</param>
internal sealed record GrantsSheet(
    int SheetIndex,
    string Name,
    int HeaderRow,
    IReadOnlyList<string> Titles,
    ColumnMap Map
);

/// <summary>The header row that came nearest to a grants header, and what it lacks.</summary>
internal sealed record NearestHeader(string Sheet, int Row, int Recognised, IReadOnlyList<CsvFileProblem> Problems);

/// <summary>What the first pass over the workbook found.</summary>
internal sealed class SheetSurvey
{
    public GrantsSheet? Grants { get; set; }

    public List<LinkedSheet> Linked { get; } = [];

    /// <summary>Sheets with content that are neither the grants sheet nor linked to it.</summary>
    public List<string> OtherSheets { get; } = [];

    public NearestHeader? Nearest { get; set; }
}

internal static partial class GrantXlsxReader
{
    /// <summary>
    /// Pass 1 over every sheet: the header of each (the first row, among the first <see cref="HeaderScanRows"/>, whose
    /// titles map every required grant column), the grants sheet, and the linked sheets with their rows by grant id.
    /// </summary>
    private static SheetSurvey SurveySheets(IExcelDataReader reader)
    {
        var survey = new SheetSurvey();
        var candidates = new List<GrantsSheet>();
        var index = 0;
        do
        {
            var name = reader.Name ?? $"Sheet{index + 1}";
            var (header, linkedTitles, hasContent) = FindHeader(reader, name, survey);
            if (header is not null)
            {
                candidates.Add(header with { SheetIndex = index });
            }
            else if (linkedTitles is not null)
            {
                survey.Linked.Add(LinkedSheet.Read(reader, name, linkedTitles));
            }
            else if (hasContent)
            {
                survey.OtherSheets.Add(name);
            }

            index++;
        } while (reader.NextResult());

        survey.Grants = candidates.FirstOrDefault(c => IsGrantsSheetName(c.Name)) ?? candidates.FirstOrDefault();
        survey.OtherSheets.AddRange(candidates.Where(c => c != survey.Grants).Select(c => c.Name));
        if (survey.Grants is null)
        {
            survey.Linked.Clear();
        }

        return survey;
    }

    /// <summary>
    /// Reads the sheet's first rows for a grants header, or else the header of a linked sheet (an Identifier column
    /// and 360Giving group titles such as <c>Beneficiary Location:Name</c>); leaves the reader on the header row found,
    /// else past the rows searched.
    /// </summary>
    private static (GrantsSheet? Grants, List<string>? LinkedTitles, bool HasContent) FindHeader(
        IExcelDataReader reader,
        string name,
        SheetSurvey survey
    )
    {
        var hasContent = false;
        while (reader.Depth + 1 < HeaderScanRows && reader.Read())
        {
            var titles = RowTitles(reader);
            if (titles.Count == 0)
            {
                continue;
            }

            hasContent = true;
            var map = ColumnMap.Build(titles, out var problems);
            if (problems.Count == 0)
            {
                return (new GrantsSheet(0, name, reader.Depth + 1, titles, map), null, true);
            }

            // The sheet named grants is where the 360Giving template keeps the grants: its header is reported on
            // however few grant columns it has, even one that looks like a linked sheet's (Identifier, Group:Part).
            var linked = LinkedSheet.IsLinkedHeader(titles);
            var recognised = map.Fields.Count(f => f is not null);
            var near = IsGrantsSheetName(name) ? recognised >= 1 : !linked && recognised >= 2;
            if (near && recognised > (survey.Nearest?.Recognised ?? 0))
            {
                survey.Nearest = new NearestHeader(name, reader.Depth + 1, recognised, problems);
            }

            if (linked)
            {
                return (null, titles, true);
            }
        }

        return (null, null, hasContent);
    }

    /// <summary>Whether the sheet has the 360Giving template's name for the grants sheet.</summary>
    private static bool IsGrantsSheetName(string name) =>
        name.Trim().Equals("grants", StringComparison.OrdinalIgnoreCase);

    /// <summary>The current row's cells as text up to the last non-empty one; empty for a blank row.</summary>
    internal static List<string> RowTitles(IExcelDataReader reader)
    {
        var titles = new List<string>(reader.FieldCount);
        var last = -1;
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var text = CellText(reader, i, dateColumn: false)?.Trim() ?? string.Empty;
            titles.Add(text);
            last = text.Length > 0 ? i : last;
        }

        titles.RemoveRange(last + 1, titles.Count - last - 1);
        return titles;
    }

    /// <summary>
    /// A cell as the CSV path reads it: text as it is; numbers in decimal notation; date-formatted cells, and plain
    /// numbers in a date column (Excel serial dates), as ISO dates; booleans as <c>true</c>/<c>false</c>.
    /// </summary>
    internal static string? CellText(IExcelDataReader reader, int i, bool dateColumn) =>
        reader.GetValue(i) switch
        {
            null => null,
            string s => s,
            double d when dateColumn && d is > 0 and < 2958466 => IsoDate(DateTime.FromOADate(d)),
            double d => Number(d),
            DateTime t => IsoDate(t),
            bool b => b ? "true" : "false",
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            var other => System.Convert.ToString(other, CultureInfo.InvariantCulture),
        };

    private static string IsoDate(DateTime t) =>
        t.TimeOfDay == TimeSpan.Zero
            ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// A number cell in decimal notation with the 15 significant digits Excel keeps (<c>0.1 + 0.2</c> is
    /// <c>0.3</c>; <c>1E+20</c> is <c>100000000000000000000</c>).
    /// </summary>
    private static string Number(double d)
    {
        if (Math.Abs(d) < 7.9e27)
        {
            return ((decimal)d).ToString(CultureInfo.InvariantCulture);
        }

        return d.ToString("R", CultureInfo.InvariantCulture);
    }
}

using System.Runtime.CompilerServices;
using CsvHelper;

namespace FundAudit.Api.Features.GrantIngest.Csv;

internal static partial class GrantCsvReader
{
    /// <summary>
    /// Notes the first slash date of the row that can only be day-first, only month-first, or either.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once a row: kept as cheap as the loop it came from
    private static void ExamineDates(
        CsvReader reader,
        int[] dateColumns,
        long row,
        DateOrderProof<(long Row, int Column)> dates
    )
    {
        foreach (var column in dateColumns)
        {
            // Only slash dates say anything about the order: the usual cell has no slash and is not decoded.
            var cell = column < reader.FieldCount ? reader.GetSpan(column) : default;
            if (cell.Length is 0 or > 64 || !cell.Contains((byte)'/'))
            {
                continue;
            }

            dates.Examine(reader.GetString(column), (row, column));
        }
    }

    /// <summary>
    /// The order the uploader gave, or the one the file's slash dates prove, or why they cannot: they disagree, or
    /// none decides (<see cref="DateOrderProof{TPlace}"/>, the rule a JSON package's dates follow too).
    /// </summary>
    private static CsvInspection.Refused? DecideDateOrder(
        DateOrder? givenOrder,
        DateOrderProof<(long Row, int Column)> dates,
        IReadOnlyList<string> headers,
        out DateOrder order,
        out DateOrderSource source,
        out long? orderRow
    )
    {
        var verdict = dates.Decide(givenOrder, out order);
        source = verdict switch
        {
            DateOrderVerdict.Given => DateOrderSource.Given,
            DateOrderVerdict.Proven => DateOrderSource.Detected,
            _ => DateOrderSource.NotNeeded,
        };
        orderRow = verdict == DateOrderVerdict.Proven ? dates.Proof.Row : null;
        switch (verdict)
        {
            case DateOrderVerdict.Disagree:
                var (first, later, key) =
                    dates.DayFirst.Row < dates.MonthFirst.Row
                        ? (dates.DayFirst, dates.MonthFirst, "File_DatesDisagreeDayFirst")
                        : (dates.MonthFirst, dates.DayFirst, "File_DatesDisagreeMonthFirst");
                return new CsvInspection.Refused([
                    CsvFileProblem.Keyed(
                        CsvProblemCodes.InconsistentDateFormat,
                        headers[later.Column],
                        later.Row,
                        key,
                        first.Row,
                        headers[first.Column],
                        later.Row,
                        headers[later.Column]
                    ),
                ]);
            case DateOrderVerdict.Ambiguous:
                var a = dates.AmbiguousAt;
                return new CsvInspection.Refused([
                    CsvFileProblem.Keyed(
                        CsvProblemCodes.AmbiguousDateFormat,
                        headers[a.Column],
                        a.Row,
                        "File_DatesAmbiguous",
                        a.Row,
                        headers[a.Column]
                    ),
                ]);
            default:
                return null;
        }
    }
}

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
        ref (long Row, int Column)? dayFirst,
        ref (long Row, int Column)? monthFirst,
        ref (long Row, int Column)? ambiguous
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

            switch (CsvDates.Examine(reader.GetString(column)))
            {
                case CsvDates.Evidence.DayFirst:
                    dayFirst ??= (row, column);
                    break;
                case CsvDates.Evidence.MonthFirst:
                    monthFirst ??= (row, column);
                    break;
                case CsvDates.Evidence.Ambiguous:
                    ambiguous ??= (row, column);
                    break;
            }
        }
    }

    /// <summary>
    /// The order the uploader gave, or the one the file's slash dates prove, or why they cannot: they disagree, or
    /// none decides.
    /// </summary>
    private static CsvInspection.Refused? DecideDateOrder(
        DateOrder? givenOrder,
        RowScan scan,
        IReadOnlyList<string> headers,
        out DateOrder order,
        out DateOrderSource source,
        out long? orderRow
    )
    {
        order = givenOrder ?? DateOrder.NotNeeded;
        source = givenOrder is null ? DateOrderSource.NotNeeded : DateOrderSource.Given;
        orderRow = null;
        if (givenOrder is not null)
        {
            return null;
        }

        if (scan.DayFirst is { } d && scan.MonthFirst is { } m)
        {
            var (first, later, key) =
                d.Row < m.Row ? (d, m, "File_DatesDisagreeDayFirst") : (m, d, "File_DatesDisagreeMonthFirst");
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
        }

        if ((scan.DayFirst ?? scan.MonthFirst) is { } proof)
        {
            order = scan.DayFirst is not null ? DateOrder.DayFirst : DateOrder.MonthFirst;
            source = DateOrderSource.Detected;
            orderRow = proof.Row;
        }
        else if (scan.Ambiguous is { } a)
        {
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
        }

        return null;
    }
}

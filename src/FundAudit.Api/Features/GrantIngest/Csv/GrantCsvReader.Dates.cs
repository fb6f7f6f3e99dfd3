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
            var (first, firstWay, later, laterWay) =
                d.Row < m.Row ? (d, "day-first", m, "month-first") : (m, "month-first", d, "day-first");
            return new CsvInspection.Refused([
                new CsvFileProblem(
                    CsvProblemCodes.InconsistentDateFormat,
                    $"Slash dates disagree: the date at row {first.Row} (column \"{headers[first.Column]}\") can only "
                        + $"be {firstWay}, the one at row {later.Row} (column \"{headers[later.Column]}\") only "
                        + $"{laterWay}. Use one date format in the whole file.",
                    headers[later.Column],
                    later.Row
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
                new CsvFileProblem(
                    CsvProblemCodes.AmbiguousDateFormat,
                    $"Slash dates such as the one at row {a.Row} (column \"{headers[a.Column]}\") can be read "
                        + $"day-first or month-first, and no date in the file decides. Upload again naming dateFormat "
                        + $"\"DD/MM/YYYY\" or \"MM/DD/YYYY\".",
                    headers[a.Column],
                    a.Row
                ),
            ]);
        }

        return null;
    }
}

using System.Runtime.InteropServices;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The exact median grant of each cell, from the grants read once through <see cref="IDbEngine.ReadRowsAsync"/>:
/// every row (the cell's grouped dimensions, then currency, award date and amount) is converted with its
/// (currency, day) factor and rounded to 6 decimals, half away from zero, as the SQL ranking did
/// (<c>ROUND(amount * factor, 6)</c>); each cell keeps its values in one list, and its one or two middle values are
/// found by selection (expected linear time, no sort of the cell). The answer is what the ranking answered: per
/// cell, the value at 1-based rank (n + 1) / 2 and, when n is even, the one at (n + 2) / 2.
/// </summary>
/// <param name="dimensions">The grouped dimensions' names, in the order the SQL selects them.</param>
/// <param name="factors">Report minor units per source minor unit, for every currency and award date read.</param>
internal sealed class MixMedians(
    IReadOnlyList<string> dimensions,
    IReadOnlyDictionary<(string Currency, DateOnly Date), decimal> factors
)
{
    private const int RoundsBeforeSort = 64;

    private readonly Dictionary<Cell, List<decimal>> _cells = [];
    private readonly string?[] _texts = new string?[dimensions.Count + 1];
    private (string Currency, DateOnly Date) _lastPair = ("", default);
    private decimal _lastFactor;
    private Cell _lastCell;
    private List<decimal>? _lastValues;
    private readonly bool _byLevel = dimensions.Contains("level");
    private readonly bool _byPurpose = dimensions.Contains("purpose");
    private readonly bool _byFlexible = dimensions.Contains("flexible");
    private readonly bool _byYear = dimensions.Contains("year");
    private readonly bool _byRegion = dimensions.Contains("region");
    private readonly bool _byCountry = dimensions.Contains("country");
    private readonly bool _byProgramme = dimensions.Contains("programme");

    /// <summary>One cell of the mix: the grouped dimensions' values, null where not grouped.</summary>
    private readonly record struct Cell(
        string? Level,
        string? Purpose,
        bool? Flexible,
        int? Year,
        string? Region,
        string? Country,
        string? Programme
    );

    /// <summary>Adds the current row: converts its amount and files it under its cell.</summary>
    public void Add(IRowCursor row)
    {
        string? level = null,
            purpose = null,
            region = null,
            country = null,
            programme = null;
        bool? flexible = null;
        int? year = null;
        for (var i = 0; i < dimensions.Count; i++)
        {
            switch (dimensions[i])
            {
                case "level":
                    level = TextAt(row, i);
                    break;
                case "purpose":
                    purpose = TextAt(row, i);
                    break;
                case "flexible":
                    flexible = row.IsNull(i) ? null : row.Int64(i) != 0;
                    break;
                case "year":
                    year = row.IsNull(i) ? null : (int)row.Int64(i);
                    break;
                case "region":
                    region = TextAt(row, i);
                    break;
                case "country":
                    country = TextAt(row, i);
                    break;
                default:
                    programme = TextAt(row, i);
                    break;
            }
        }

        var n = dimensions.Count;
        File(
            new Cell(level, purpose, flexible, year, region, country, programme),
            TextAt(row, n)!,
            row.Date(n + 1),
            row.Int64(n + 2)
        );
    }

    /// <summary>
    /// Adds one grant of the sums' group <paramref name="group"/> (<see cref="MixGrantScan"/>): its cell is the
    /// group's values of the grouped dimensions, the fiscal year from the group's award day.
    /// </summary>
    public void Add(MixRow group, int fiscalYearStartMonth, long amount)
    {
        var cell = new Cell(
            _byLevel ? group.Level : null,
            _byPurpose ? group.Purpose : null,
            _byFlexible ? group.Flexible : null,
            _byYear ? AuditPeriod.FiscalYearOf(group.AwardDate, fiscalYearStartMonth) : null,
            _byRegion ? group.Region : null,
            _byCountry ? group.Country : null,
            _byProgramme ? group.Programme : null
        );
        File(cell, group.Currency, group.AwardDate, amount);
    }

    /// <summary>Converts <paramref name="amount"/> at its (currency, day) factor and files it in its cell.</summary>
    private void File(Cell cell, string currency, DateOnly date, long amount)
    {
        if (!ReferenceEquals(currency, _lastPair.Currency) || date != _lastPair.Date)
        {
            _lastPair = (currency, date);
            _lastFactor = factors[_lastPair];
        }

        var x = Math.Round(amount * _lastFactor, 6, MidpointRounding.AwayFromZero);
        if (_lastValues is null || cell != _lastCell)
        {
            ref var values = ref CollectionsMarshal.GetValueRefOrAddDefault(_cells, cell, out _);
            values ??= [];
            (_lastCell, _lastValues) = (cell, values);
        }

        _lastValues.Add(x);
    }

    /// <summary>The one or two middle values of every cell read (the cell's median is their mean).</summary>
    public IReadOnlyList<MedianRow> Rows()
    {
        var rows = new List<MedianRow>(_cells.Count * 2);
        foreach (var (cell, list) in _cells)
        {
            var values = CollectionsMarshal.AsSpan(list);
            var low = (values.Length - 1) / 2;
            var high = values.Length / 2;
            Select(values, low);
            rows.Add(Row(cell, values[low]));
            if (high != low)
            {
                rows.Add(Row(cell, Min(values[high..])));
            }
        }

        return rows;
    }

    /// <summary>
    /// Reorders <paramref name="values"/> so that the value at <paramref name="k"/> is the one a sort would put
    /// there, with none greater before it and none smaller after it (Hoare's selection, median-of-three pivot;
    /// after <see cref="RoundsBeforeSort"/> rounds the rest is sorted, so the worst case stays n log n).
    /// </summary>
    internal static void Select(Span<decimal> values, int k)
    {
        int lo = 0,
            hi = values.Length - 1,
            rounds = 0;
        while (hi > lo)
        {
            if (++rounds > RoundsBeforeSort)
            {
                values[lo..(hi + 1)].Sort();
                return;
            }

            var pivot = MedianOfThree(values[lo], values[lo + ((hi - lo) / 2)], values[hi]);
            int i = lo,
                j = hi;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return; // between j and i every value equals the pivot
            }
        }
    }

    private static decimal MedianOfThree(decimal a, decimal b, decimal c) =>
        a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));

    private static decimal Min(ReadOnlySpan<decimal> values)
    {
        var min = values[0];
        foreach (var v in values[1..])
        {
            min = v < min ? v : min;
        }

        return min;
    }

    private static MedianRow Row(Cell c, decimal x) =>
        new()
        {
            Level = c.Level,
            Purpose = c.Purpose,
            Flexible = c.Flexible,
            Year = c.Year,
            Region = c.Region,
            Country = c.Country,
            Programme = c.Programme,
            X = x,
        };

    /// <summary>The column's text, or null; the previous row's string when the text is the same.</summary>
    private string? TextAt(IRowCursor row, int ordinal)
    {
        if (row.IsNull(ordinal))
        {
            return null;
        }

        if (_texts[ordinal] is { } last && row.TextIs(ordinal, last))
        {
            return last;
        }

        return _texts[ordinal] = row.Text(ordinal);
    }
}

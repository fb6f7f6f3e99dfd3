using System.Numerics;
using System.Runtime.InteropServices;

namespace FundAudit.Api.Features.Audit;

/// <summary>The medians' decimal path, for values past a long of millionths.</summary>
internal sealed partial class MixMedians
{
    /// <summary>
    /// The same answer in <see cref="decimal"/>, for grants whose converted value does not fit a long of millionths
    /// (over 9.2 × 10^12 report minor units): each cell's values in one list, selected alike.
    /// </summary>
    private List<MedianRow> DecimalRows(
        IReadOnlyDictionary<(string Currency, DateOnly Date), decimal> factorsByDay,
        string? identity
    )
    {
        var cells = _cells.Values.Select(_ => new List<decimal>()).ToArray();
        foreach (var g in _grants.AsSpan(0, _count))
        {
            var factor =
                factorsByDay.TryGetValue((_currencies[g.Currency], DateOnly.FromDayNumber(g.Day)), out var f) ? f
                : _currencies[g.Currency] == identity ? 1m
                : throw new ReadChangedException(
                    $"No conversion factor for {_currencies[g.Currency]} on {DateOnly.FromDayNumber(g.Day):yyyy-MM-dd}."
                );
            cells[g.Cell].Add(Math.Round(g.Amount * factor, 6, MidpointRounding.AwayFromZero));
        }

        var rows = new List<MedianRow>(_cells.Count * 2);
        for (var c = 0; c < cells.Length; c++)
        {
            var values = CollectionsMarshal.AsSpan(cells[c]);
            if (values.IsEmpty)
            {
                continue;
            }

            var low = (values.Length - 1) / 2;
            var high = values.Length / 2;
            MedianSelection.Select(values, low);
            rows.Add(Row(_cells[c], values[low]));
            if (high != low)
            {
                rows.Add(Row(_cells[c], MedianSelection.Min<decimal>(values[high..])));
            }
        }

        return rows;
    }

    /// <summary>Reorders <paramref name="values"/> so that the value at <paramref name="k"/> is the one a sort would
    /// put there (<see cref="MedianSelection.Select{T}"/>).</summary>
    internal static void Select<T>(Span<T> values, int k)
        where T : IComparisonOperators<T, T, bool> => MedianSelection.Select(values, k);
}

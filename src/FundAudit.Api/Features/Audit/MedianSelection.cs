using System.Numerics;

namespace FundAudit.Api.Features.Audit;

/// <summary>The selection the medians use: the k-th value of a span without sorting it, and the least value.</summary>
internal static class MedianSelection
{
    private const int RoundsBeforeSort = 64;

    /// <summary>
    /// Reorders <paramref name="values"/> so that the value at <paramref name="k"/> is the one a sort would put
    /// there, with none greater before it and none smaller after it (Hoare's selection, median-of-three pivot;
    /// after <see cref="RoundsBeforeSort"/> rounds the rest is sorted, so the worst case stays n log n).
    /// </summary>
    public static void Select<T>(Span<T> values, int k)
        where T : IComparisonOperators<T, T, bool>
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

    private static T MedianOfThree<T>(T a, T b, T c)
        where T : IComparisonOperators<T, T, bool> =>
        a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));

    public static T Min<T>(ReadOnlySpan<T> values)
        where T : IComparisonOperators<T, T, bool>
    {
        var min = values[0];
        foreach (var v in values[1..])
        {
            min = v < min ? v : min;
        }

        return min;
    }
}

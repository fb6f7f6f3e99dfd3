using System.Collections.Concurrent;

namespace FundAudit.Core.Classification;

/// <summary>
/// Evidence lines (and other answers) made from a few values that come back grant after grant (a score, a country
/// code, a place of the gazetteer, a funding type), each made once and then shared: the classifier wrote several such
/// lines per grant, and their text was most of what it allocated. Thread-safe; at most <see cref="MaxKept"/> are
/// kept, later ones are made every time, so odd data cannot grow it without bound. <paramref name="make"/> must
/// depend on the key alone.
/// </summary>
internal sealed class Kept<TKey, TValue>(Func<TKey, TValue> make, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    public const int MaxKept = 4096;

    private readonly ConcurrentDictionary<TKey, TValue> _lines = new(comparer);
    private int _count;

    public TValue this[TKey key]
    {
        get
        {
            if (_lines.TryGetValue(key, out var line))
            {
                return line;
            }

            line = make(key);
            if (Volatile.Read(ref _count) < MaxKept && _lines.TryAdd(key, line))
            {
                Interlocked.Increment(ref _count);
            }

            return line;
        }
    }
}

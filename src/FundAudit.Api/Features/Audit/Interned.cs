using System.Runtime.InteropServices;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// Distinct values numbered in the order first seen (0, 1, 2, …), so that a report's rows can carry a small number
/// instead of the value: the medians' cells and currencies (<see cref="MixMedians"/>), the scan's texts
/// (<see cref="MixGrantScan"/>).
/// </summary>
/// <typeparam name="T">The value numbered.</typeparam>
internal sealed class Interned<T>(IEqualityComparer<T>? comparer = null)
    where T : notnull
{
    private readonly Dictionary<T, int> _ids = new(comparer);
    private readonly List<T> _values = [];

    /// <summary>How many distinct values were numbered.</summary>
    public int Count => _values.Count;

    /// <summary>The value numbered <paramref name="id"/>.</summary>
    public T this[int id] => _values[id];

    /// <summary>The values, by number.</summary>
    public IReadOnlyList<T> Values => _values;

    /// <summary>The number of <paramref name="value"/>, the next one when it is new.</summary>
    public int IdOf(T value)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, value, out var exists);
        if (!exists)
        {
            id = _values.Count;
            _values.Add(value);
        }

        return id;
    }

    /// <summary>The number of <paramref name="value"/>, or −1 when it was never numbered.</summary>
    public int Find(T value) => _ids.TryGetValue(value, out var id) ? id : -1;
}

using System.Runtime.InteropServices;
using System.Text.Json;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// An import's grants and amounts summed by group in memory, the way both SQLite totals keep them
/// (<see cref="NewGrantDayTotals"/>, <see cref="NewGrantQualityTotals"/>), and added to their stored table through
/// <see cref="JsonTotalsRows"/>: each row is the group's key followed by grant_count and amount.
/// </summary>
/// <typeparam name="TKey">The group: one value per key column of the target but the funder.</typeparam>
internal sealed class JsonTotalsGroups<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, (long Grants, long Amount)> _groups = [];

    /// <summary>The groups held.</summary>
    public int Count => _groups.Count;

    /// <summary>Adds one grant of <paramref name="amount"/> to <paramref name="key"/>'s group.</summary>
    public void Add(TKey key, long amount)
    {
        ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups, key, out _);
        sum = (sum.Grants + 1, sum.Amount + amount);
    }

    /// <summary>Adds every group of <paramref name="other"/> to these.</summary>
    public void Add(JsonTotalsGroups<TKey> other)
    {
        foreach (var (key, value) in other._groups)
        {
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups, key, out _);
            sum = (sum.Grants + value.Grants, sum.Amount + value.Amount);
        }
    }

    /// <summary>
    /// Adds every group to <paramref name="target"/> inside <paramref name="transaction"/> and starts again from none;
    /// <paramref name="writeKey"/> writes a group's key columns (the funder first), in the target's order.
    /// </summary>
    public async Task FlushAsync(
        Action<Utf8JsonWriter, TKey> writeKey,
        JsonTotalsTarget target,
        DbTransaction transaction,
        IDbEngine engine,
        CancellationToken ct
    )
    {
        await JsonTotalsRows.AddAsync(
            _groups,
            (json, key, sum) =>
            {
                writeKey(json, key);
                json.WriteNumberValue(sum.Grants);
                json.WriteNumberValue(sum.Amount);
            },
            target,
            transaction,
            engine,
            ct
        );
        _groups.Clear();
    }
}

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The corrections of the grants a read covers (rows of <see cref="MixGrantScan.CorrectionsSql"/>: grant id, level,
/// purpose, flexible), held by grant id: a funder has few, so they are read first instead of joined per grant. A
/// correction wins over the grant's own level, purpose and flexibility where it sets one, as
/// <c>COALESCE(c.…, g.…)</c> does. Used by the scan over the database (<see cref="MixGrantScan"/>) and the snapshot's
/// read (<see cref="Snapshots.GrantSnapshot"/>), so that both apply them alike.
/// </summary>
internal sealed class GrantCorrections
{
    private readonly Dictionary<long, (int Level, int Purpose, int Flexible)> _byGrant = [];

    /// <summary>How many grants are corrected.</summary>
    public int Count => _byGrant.Count;

    /// <summary>
    /// Adds the correction of the current row, its level and purpose numbered by <paramref name="texts"/> in the
    /// slots given (−1 for none), its flexible as <see cref="MixFlexible.Of"/> reads it.
    /// </summary>
    public void Add(IRowCursor row, RowTexts texts, int levelSlot, int purposeSlot) =>
        _byGrant[row.Int64(0)] = (
            texts.IdOf(row, 1, levelSlot),
            texts.IdOf(row, 2, purposeSlot),
            MixFlexible.Of(row, 3)
        );

    /// <summary>Adds every correction of <paramref name="other"/> (its texts numbered as here).</summary>
    public void AddAll(GrantCorrections other)
    {
        foreach (var (id, correction) in other._byGrant)
        {
            _byGrant[id] = correction;
        }
    }

    /// <summary>The grant's effective level, purpose and flexible: its correction's where it sets one, else its
    /// own.</summary>
    public (int Level, int Purpose, int Flexible) Over(long grantId, int level, int purpose, int flexible) =>
        _byGrant.Count > 0 && _byGrant.TryGetValue(grantId, out var c)
            ? (
                c.Level >= 0 ? c.Level : level,
                c.Purpose >= 0 ? c.Purpose : purpose,
                c.Flexible >= 0 ? c.Flexible : flexible
            )
            : (level, purpose, flexible);
}

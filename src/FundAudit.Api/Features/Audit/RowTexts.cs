namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The texts of a row reader's columns as numbers (<see cref="Texts"/>), each column's last text kept in its slot so
/// that rows in a run with the same text (a funder's grants in award-date order: one currency, few levels and
/// purposes) are numbered without reading the text into a string or hashing it again. Used by the scans that read
/// grants row by row (<see cref="MixGrantScan"/>, <see cref="Snapshots.GrantSnapshot"/>).
/// </summary>
/// <param name="slots">How many columns keep their last text.</param>
internal sealed class RowTexts(int slots)
{
    private readonly (string? Text, int Id)[] _last = new (string?, int)[slots];

    /// <summary>The texts numbered so far.</summary>
    public Interned<string> Texts { get; } = new(StringComparer.Ordinal);

    /// <summary>The column's text as its number (−1 for NULL), the slot's last when the text is the same.</summary>
    public int IdOf(IRowCursor row, int ordinal, int slot)
    {
        if (row.IsNull(ordinal))
        {
            return -1;
        }

        ref var last = ref _last[slot];
        if (last.Text is { } text && row.TextIs(ordinal, text))
        {
            return last.Id;
        }

        text = row.Text(ordinal);
        last = (text, Texts.IdOf(text));
        return last.Id;
    }

    /// <summary>Forgets every slot's last text (before a statement whose columns are other ones).</summary>
    public void Forget() => Array.Clear(_last);
}

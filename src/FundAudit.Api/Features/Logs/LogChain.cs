namespace FundAudit.Api.Features.Logs;

/// <summary>
/// Appends to a hash-chained log. A writer inserts its rows as it always did (seq, prev_hash and hash null) and then,
/// in the same transaction, calls <see cref="SealAsync"/>: it takes the funder's lock for that log
/// (<see cref="IDbEngine.LockInTransactionAsync"/>: PostgreSQL advisory lock, SQL Server applock, SQLite's one write
/// lock), reads the chain's head, and gives each of the funder's unsealed rows, in insertion order, the next sequence
/// number, the previous link's hash and its own hash. Two instances appending at once therefore take turns and cannot
/// fork the chain; a unique (funder_id, seq) index refuses a fork should anything bypass the lock.
/// </summary>
internal static class LogChain
{
    /// <summary>Puts <paramref name="funderId"/>'s unsealed rows of <paramref name="table"/> into its chain, inside
    /// <paramref name="transaction"/> (which must be on the database holding the table).</summary>
    public static async Task SealAsync(
        IDbEngine engine,
        DbTransaction transaction,
        ChainedTable table,
        long funderId,
        CancellationToken ct
    )
    {
        await engine.LockInTransactionAsync(transaction, table.LockKey(funderId), wait: true, ct);
        var args = new { FunderId = funderId };
        var rows = await transaction.QueryListAsync<ChainRow>(table.SelectUnsealed, args, ct);
        if (rows.Count == 0)
        {
            return;
        }

        var head = (await transaction.QueryListAsync<ChainHead>(table.SelectHead, args, ct)).FirstOrDefault();
        var seq = head?.Seq ?? 0;
        var previous = head?.Hash;
        foreach (var row in rows)
        {
            seq++;
            var hash = table.HashOf(row, seq, previous);
            var link = new
            {
                row.Id,
                Seq = seq,
                PrevHash = previous,
                Hash = hash,
            };
            await transaction.ExecuteAsync(table.Seal, link, ct);
            previous = hash;
        }
    }

    private sealed class ChainHead
    {
        public long Seq { get; init; }

        public string Hash { get; init; } = "";
    }
}

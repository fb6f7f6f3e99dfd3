namespace FundAudit.Api.Features.Logs;

/// <summary>
/// Appends to a hash-chained log. A writer calls <see cref="AppendAsync"/> with its insert, inside its transaction: it
/// takes the funder's lock for that log first (<see cref="IDbEngine.LockInTransactionAsync"/>: PostgreSQL advisory
/// lock, SQL Server applock, SQLite's one write lock), then runs the insert (seq, prev_hash and hash null), then
/// seals (<see cref="SealAsync"/>): reads the chain's head and gives each of the funder's unsealed rows, in insertion
/// order, the next sequence number, the previous link's hash and its own hash. Two instances appending at once
/// therefore take turns and cannot fork the chain; a unique (funder_id, seq) index refuses a fork should anything
/// bypass the lock. The lock comes before the insert so that no one reading the funder's rows under the lock meets
/// another writer's uncommitted row (on SQL Server without snapshot reads that read would wait: a deadlock).
/// </summary>
internal static class LogChain
{
    /// <summary>
    /// Takes <paramref name="funderId"/>'s lock for <paramref name="table"/>, runs <paramref name="insert"/> (which
    /// answers how many rows it inserted) and seals what it inserted, all inside <paramref name="transaction"/>.
    /// Answers what <paramref name="insert"/> answered.
    /// </summary>
    public static async Task<int> AppendAsync(
        IDbEngine engine,
        DbTransaction transaction,
        ChainedTable table,
        long funderId,
        Func<Task<int>> insert,
        CancellationToken ct
    )
    {
        await engine.LockInTransactionAsync(transaction, table.LockKey(funderId), wait: true, ct);
        var inserted = await insert();
        if (inserted > 0)
        {
            await SealAsync(engine, transaction, table, funderId, ct);
        }

        return inserted;
    }

    /// <summary>Puts <paramref name="funderId"/>'s unsealed rows of <paramref name="table"/> into its chain, inside
    /// <paramref name="transaction"/> (which must be on the database holding the table). Takes the funder's lock for
    /// the log (again, when <see cref="AppendAsync"/> took it: the engines' locks are re-entrant).</summary>
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

namespace FundAudit.Api.Features.Logs;

/// <summary>
/// Appends to a hash-chained log. A staff or system writer calls <see cref="AppendAsync"/> with its insert, inside its
/// transaction: it takes the funder's lock for that log first (<see cref="IDbEngine.LockInTransactionAsync"/>:
/// PostgreSQL advisory lock, SQL Server applock, SQLite's one write lock), then runs the insert (seq, prev_hash and
/// hash null), then seals (<see cref="SealAsync"/>): reads the chain's head and gives each of the funder's committed
/// unsealed rows, in insertion (id) order, the next sequence number, the previous link's hash and its own hash. Two
/// instances appending at once therefore take turns and cannot fork the chain; a unique (funder_id, seq) index refuses
/// a fork should anything bypass the lock.
/// <para>
/// A defender's action (the form, the answer, the withdrawal, the applicant's reading of a question) only inserts its
/// row, unsealed and without the lock, so that one funder's defenders never queue behind each other or behind staff
/// (<see cref="ChainedTable.DefenderAppends"/>); the next staff append or the seal job (<see cref="LogSealJob"/>, every
/// minute) seals it. The sealer reads committed rows only and never waits for a row still being inserted
/// (<see cref="IDbDialect.ReadPastUncommitted"/>): such a row is sealed by a later run, so sequence numbers follow
/// the order rows were sealed in, and verification walks the chain by seq.
/// </para>
/// </summary>
internal static class LogChain
{
    /// <summary>
    /// Takes <paramref name="funderId"/>'s lock for <paramref name="table"/>, runs <paramref name="insert"/> (which
    /// answers how many rows it inserted) and seals what it inserted, all inside <paramref name="transaction"/> on
    /// <paramref name="db"/>. Answers what <paramref name="insert"/> answered.
    /// </summary>
    public static async Task<int> AppendAsync(
        Db db,
        DbTransaction transaction,
        ChainedTable table,
        long funderId,
        Func<Task<int>> insert,
        CancellationToken ct
    )
    {
        await db.Engine.LockInTransactionAsync(transaction, table.LockKey(funderId), wait: true, ct);
        var inserted = await insert();
        if (inserted > 0)
        {
            await SealAsync(db, transaction, table, funderId, ct);
        }

        return inserted;
    }

    /// <summary>Puts <paramref name="funderId"/>'s committed unsealed rows of <paramref name="table"/> (and the
    /// transaction's own) into its chain, inside <paramref name="transaction"/> on <paramref name="db"/> (the database
    /// holding the table). Takes the funder's lock for the log (again, when <see cref="AppendAsync"/> took it: the
    /// engines' locks are re-entrant). Answers how many rows it sealed.</summary>
    public static async Task<int> SealAsync(
        Db db,
        DbTransaction transaction,
        ChainedTable table,
        long funderId,
        CancellationToken ct
    )
    {
        await db.Engine.LockInTransactionAsync(transaction, table.LockKey(funderId), wait: true, ct);
        var args = new { FunderId = funderId };
        var rows = await transaction.QueryListAsync<ChainRow>(table.SelectUnsealed(db.Dialect), args, ct);
        if (rows.Count == 0)
        {
            return 0;
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

        return rows.Count;
    }

    private sealed class ChainHead
    {
        public long Seq { get; init; }

        public string Hash { get; init; } = "";
    }
}

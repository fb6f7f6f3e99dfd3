namespace FundAudit.Api.Features.Logs;

/// <summary>The first link of a chain that does not hold: where, what, and the expected and found values.</summary>
/// <param name="Seq">The sequence number where the chain breaks (the expected one when a row is missing).</param>
/// <param name="What"><c>seq</c> (a row missing, added or moved), <c>prev_hash</c>, <c>hash</c> (a row's content
/// or place changed) or <c>unsealed</c> (rows outside the chain).</param>
/// <param name="Expected">What the chain says the value must be.</param>
/// <param name="Found">What the row holds.</param>
internal sealed record ChainBreak(long Seq, string What, string Expected, string Found);

/// <summary>One funder's chain of one log, as verified.</summary>
/// <param name="Log">The log's table: request_events, request_access_log or admin_log.</param>
/// <param name="FunderId">Whose chain.</param>
/// <param name="Links">Rows in the chain.</param>
/// <param name="HeadSeq">The last link's sequence number (null for an empty chain).</param>
/// <param name="HeadHash">The last link's hash: keep it outside the database to detect a rewritten chain.</param>
/// <param name="Unsealed">Rows of the funder outside the chain that no defender wrote (none unless written behind the
/// service's back): a break.</param>
/// <param name="Break">The first broken link, or null when the chain holds.</param>
/// <param name="Pending">Rows a defender's action wrote that are not sealed yet (sealed within about a minute by
/// <see cref="LogSealJob"/>): counted and reported, not a break.</param>
internal sealed record ChainReport(
    string Log,
    long FunderId,
    long Links,
    long? HeadSeq,
    string? HeadHash,
    long Unsealed,
    ChainBreak? Break,
    long Pending = 0
)
{
    public bool Intact => Break is null;
}

/// <summary>
/// Reads and verifies the chains of the three logs (<see cref="LogChains"/>); seals rows not chained yet: every log's
/// once at start (<see cref="SealPendingAsync"/>: rows from before the chains existed), the defenders' rows every
/// minute (<see cref="SealDefenderRowsAsync"/>, from <see cref="LogSealJob"/>).
/// </summary>
internal sealed class LogChainStore(Db db, RapidResponseDb rapidResponse)
{
    /// <summary>Chains every row not yet chained (rows from before migration 0011), funder by funder; answers how many
    /// funder logs had some.</summary>
    public async Task<int> SealPendingAsync(CancellationToken ct) => (await SealAsync(LogChains.All, ct)).Funders;

    /// <summary>
    /// Chains the committed unsealed rows of the logs defenders append to (<see cref="ChainedTable.DefenderAppends"/>),
    /// every funder that has some, each funder in a short transaction of its own under its lock (cross-tenant by
    /// design, like the SLA sweep: it reads ids only). Answers how many rows it sealed.
    /// </summary>
    public async Task<int> SealDefenderRowsAsync(CancellationToken ct) =>
        (await SealAsync(LogChains.All.Where(t => t.DefenderAppends), ct)).Rows;

    private async Task<(int Funders, int Rows)> SealAsync(IEnumerable<ChainedTable> tables, CancellationToken ct)
    {
        var (funders, rows) = (0, 0);
        foreach (var table in tables)
        {
            var database = DatabaseOf(table);
            var unsealed = table.SelectUnsealedFunders(database.Dialect);
            foreach (var funderId in await database.QueryListAsync<long>(unsealed, null, ct))
            {
                var sealedRows = 0;
                await database.InTransactionAsync(
                    async tx => sealedRows = await LogChain.SealAsync(database, tx, table, funderId, ct),
                    ct
                );
                funders++;
                rows += sealedRows;
            }
        }

        return (funders, rows);
    }

    /// <summary>Verifies every funder's chains (or only <paramref name="funderId"/>'s), log by log.</summary>
    public async Task<IReadOnlyList<ChainReport>> VerifyAsync(long? funderId, CancellationToken ct)
    {
        var reports = new List<ChainReport>();
        foreach (var table in LogChains.All)
        {
            var database = DatabaseOf(table);
            var funders = funderId is { } one
                ? [one]
                : (await database.QueryListAsync<long>(table.SelectFunders, null, ct)).Order().ToList();
            foreach (var funder in funders)
            {
                reports.Add(await VerifyAsync(database, table, funder, ct));
            }
        }

        return reports;
    }

    private static async Task<ChainReport> VerifyAsync(
        Db database,
        ChainedTable table,
        long funderId,
        CancellationToken ct
    )
    {
        var args = new { FunderId = funderId };
        var rows = await database.QueryListAsync<ChainRow>(table.SelectChain, args, ct);
        var counts = await database.QuerySingleOrDefaultAsync<UnsealedCounts>(
            table.CountUnsealed(database.Dialect),
            new { FunderId = funderId, PendingActors = table.DefenderAppends ? ChainedTable.DefenderActors : null },
            ct
        );
        var pending = counts?.Pending ?? 0;
        var unsealed = (counts?.Unsealed ?? 0) - pending;
        var found = FirstBreak(table, rows);
        if (found is null && unsealed > 0)
        {
            var next = rows.Count + 1;
            found = new ChainBreak(next, "unsealed", "every row in the chain", $"{unsealed} rows outside it");
        }

        var head = rows.Count == 0 ? null : rows[^1];
        return new ChainReport(table.Name, funderId, rows.Count, head?.Seq, head?.Hash, unsealed, found, pending);
    }

    private static ChainBreak? FirstBreak(ChainedTable table, IReadOnlyList<ChainRow> rows)
    {
        string? previous = null;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            long expectedSeq = i + 1;
            if (row.Seq != expectedSeq)
            {
                return new ChainBreak(expectedSeq, "seq", Text(expectedSeq), Text(row.Seq));
            }

            if (row.PrevHash != previous)
            {
                return new ChainBreak(expectedSeq, "prev_hash", previous ?? "(none)", row.PrevHash ?? "(none)");
            }

            var hash = table.HashOf(row, expectedSeq, previous);
            if (row.Hash != hash)
            {
                return new ChainBreak(expectedSeq, "hash", hash, row.Hash ?? "(none)");
            }

            previous = row.Hash;
        }

        return null;
    }

    private Db DatabaseOf(ChainedTable table) => table.RapidResponse ? rapidResponse : db;

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "(none)";

    private sealed class UnsealedCounts
    {
        public long Unsealed { get; init; }

        public long Pending { get; init; }
    }
}

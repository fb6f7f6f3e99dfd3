namespace FundAudit.Api.Features.GrantIngest.Imports.Loaders;

/// <summary>
/// SQL Server: every grant is staged by SqlBulkCopy into a #temp table outside any transaction, and one MERGE in the
/// load transaction, opened at the end, writes them all (the table's trigger runs for it as usual). Row errors and
/// progress are written in short statements of their own, visible at once (<see cref="VisibleWritesLoad"/>). Written to
/// the same contract as the other engines but not exercised here (no SQL Server runs on these machines).
/// </summary>
internal sealed class SqlServerGrantLoader(Db db, GrantImportStore store, TimeProvider clock) : IGrantLoader
{
    public async Task<IGrantLoad> BeginAsync(GrantImportRun run, CancellationToken ct) =>
        new VisibleWritesLoad(
            run,
            store,
            clock,
            await GrantLoadSession.OpenAsync(
                db,
                run.FunderId,
                transactionFirst: false,
                (tx, c) => FunderImportTurn.TakeAsync(db.Engine, tx, run, store, clock, c),
                ct
            )
        );

    public Task BeatAsync(long importId, string token, DateTimeOffset now, CancellationToken ct) =>
        store.HeartbeatAsync(importId, token, now, ct);
}

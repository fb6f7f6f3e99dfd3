namespace FundAudit.Api.Features.GrantIngest.Imports.Loaders;

/// <summary>
/// The loader of an engine whose load transaction leaves other connections free to write (PostgreSQL, SQL Server):
/// each load is a <see cref="VisibleWritesLoad"/> that first takes the funder's import turn
/// (<see cref="FunderImportTurn"/>); the engine only says whether the load transaction opens before the first batch
/// (<paramref name="transactionFirst"/>) or at the end. The heartbeat is written to the database at once.
/// </summary>
internal abstract class VisibleWritesLoader(Db db, GrantImportStore store, TimeProvider clock, bool transactionFirst)
    : IGrantLoader
{
    public async Task<IGrantLoad> BeginAsync(GrantImportRun run, CancellationToken ct) =>
        new VisibleWritesLoad(
            run,
            store,
            clock,
            await GrantLoadSession.OpenAsync(
                db,
                run.FunderId,
                transactionFirst,
                (tx, c) => FunderImportTurn.TakeAsync(db.Engine, tx, run, store, clock, c),
                ct
            )
        );

    public Task BeatAsync(long importId, string token, DateTimeOffset now, CancellationToken ct) =>
        store.HeartbeatAsync(importId, token, now, ct);
}

/// <summary>
/// A load on an engine whose load transaction leaves other connections free to write (PostgreSQL, SQL Server): row
/// errors and progress go in short statements of their own, visible at once, and the table's triggers keep the day
/// totals.
/// </summary>
internal sealed class VisibleWritesLoad(
    GrantImportRun run,
    GrantImportStore store,
    TimeProvider clock,
    GrantLoadSession session
) : IGrantLoad
{
    public StoredHashes Stored => session.Stored;

    public MappedRows NewBatch(int capacity) => new(capacity, sumDayTotals: false);

    public async Task WriteAsync(
        MappedRows? rows,
        IReadOnlyList<ImportRowError> errors,
        ImportProgressCounts? progress,
        CancellationToken ct
    )
    {
        if (rows is not null)
        {
            await session.WriteAsync(rows, ct);
        }

        await store.AddErrorsAsync(run.FunderId, run.ImportId, errors, ct);
        if (progress is not null)
        {
            await store.ProgressAsync(run.ImportId, run.Token, progress, clock.GetUtcNow(), ct);
        }
    }

    public async Task<LoadCompletion> CompleteAsync(ImportOutcome outcome, CancellationToken ct)
    {
        var result = await session.MergeAsync(ct);
        var finished = await session.FinishAsync(store, run, outcome, result, clock.GetUtcNow(), ct);
        return new LoadCompletion(finished, result, 0, TimeSpan.Zero);
    }

    public ValueTask DisposeAsync() => session.DisposeAsync();
}

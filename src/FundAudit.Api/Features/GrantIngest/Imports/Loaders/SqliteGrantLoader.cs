using System.Diagnostics;

namespace FundAudit.Api.Features.GrantIngest.Imports.Loaders;

/// <summary>
/// SQLite: one writer. The load transaction (IMMEDIATE) opens before the first batch and new grants go straight into
/// grants inside it, so SQLite writes while the other threads still read and map the file; it keeps every other
/// connection from writing until the commit. So row errors are written in it too, and progress is published in
/// memory (<see cref="GrantImportStore.PublishProgress"/>; SQLite runs one service process only). The bulk path drops
/// grants' day-totals insert trigger inside the transaction (run once per row it cost more than inserting the row),
/// so this load adds its new grants' day totals itself: summed while mapping, written every
/// <see cref="GrantImportOptions.DayTotalsPerFlush"/> groups and at the end.
/// </summary>
internal sealed class SqliteGrantLoader(Db db, GrantImportStore store, TimeProvider clock) : IGrantLoader
{
    public async Task<IGrantLoad> BeginAsync(GrantImportRun run, CancellationToken ct)
    {
        var session = await GrantLoadSession.OpenAsync(
            db,
            run.FunderId,
            transactionFirst: true,
            (tx, c) => FunderImportTurn.TakeAsync(db.Engine, tx, run, store, clock, c),
            ct
        );
        return new Load(run, store, clock, db.Engine, session);
    }

    public Task BeatAsync(long importId, string token, DateTimeOffset now, CancellationToken ct)
    {
        store.PublishHeartbeat(importId, token, now); // the load transaction holds SQLite's one writer lock
        return Task.CompletedTask;
    }

    private sealed class Load(
        GrantImportRun run,
        GrantImportStore store,
        TimeProvider clock,
        IDbEngine engine,
        GrantLoadSession session
    ) : IGrantLoad
    {
        /// <summary>What the new grants written since the last flush add to the day totals.</summary>
        private readonly NewGrantDayTotals _dayTotals = new();

        public StoredHashes Stored => session.Stored;

        public MappedRows NewBatch(int capacity) => new(capacity, sumDayTotals: true);

        public async Task WriteAsync(
            MappedRows? rows,
            IReadOnlyList<ImportRowError> errors,
            ImportProgressCounts? progress,
            CancellationToken ct
        )
        {
            if (rows is not null)
            {
                _dayTotals.Add(rows.DayTotals!);
                if (_dayTotals.Groups >= run.DayTotalsPerFlush)
                {
                    // Written as they come, inside the load transaction, so memory stays flat whatever the file size.
                    await _dayTotals.FlushAsync(session.Transaction, engine, run.FunderId, ct);
                }

                await session.WriteAsync(rows, ct);
            }

            await store.AddErrorsAsync(run.FunderId, run.ImportId, errors, ct, session.Transaction);
            if (progress is not null)
            {
                store.PublishProgress(run.ImportId, run.Token, progress);
            }
        }

        public async Task<LoadCompletion> CompleteAsync(ImportOutcome outcome, CancellationToken ct)
        {
            var result = await session.MergeAsync(ct); // puts the insert triggers back
            await GrantDataVersions.AddNewGrantsAsync(session.Transaction, run.FunderId, result.Created, ct);
            var groups = _dayTotals.Groups;
            var totals = Stopwatch.StartNew();
            await _dayTotals.FlushAsync(session.Transaction, engine, run.FunderId, ct);
            totals.Stop();
            var finished = await session.FinishAsync(store, run, outcome, result, clock.GetUtcNow(), ct);
            return new LoadCompletion(finished, result, groups, totals.Elapsed);
        }

        public ValueTask DisposeAsync() => session.DisposeAsync();
    }
}

namespace FundAudit.Api.Features.GrantIngest.Imports.Loaders;

/// <summary>
/// PostgreSQL: the load transaction opens before the first batch and new grants go by binary COPY straight into
/// grants inside it, so the server writes them while the client still reads the file. Other connections keep writing
/// meanwhile, so row errors and progress are written in short statements of their own, visible at once
/// (<see cref="VisibleWritesLoad"/>). Grants' day-totals trigger runs as usual: its FOR EACH STATEMENT form is cheap
/// per COPY batch, and skipping it (a row trigger with a WHEN on a transaction setting, the import adding the totals
/// itself) made 100k-row imports about 2 s slower, not faster.
/// </summary>
internal sealed class PostgresGrantLoader(Db db, GrantImportStore store, TimeProvider clock) : IGrantLoader
{
    public async Task<IGrantLoad> BeginAsync(GrantImportRun run, CancellationToken ct) =>
        new VisibleWritesLoad(
            run,
            store,
            clock,
            await GrantLoadSession.OpenAsync(
                db,
                run.FunderId,
                transactionFirst: true,
                (tx, c) => FunderImportTurn.TakeAsync(db.Engine, tx, run, store, clock, c),
                ct
            )
        );

    public Task BeatAsync(long importId, string token, DateTimeOffset now, CancellationToken ct) =>
        store.HeartbeatAsync(importId, token, now, ct);
}

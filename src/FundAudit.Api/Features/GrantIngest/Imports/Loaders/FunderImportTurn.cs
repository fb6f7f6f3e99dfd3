namespace FundAudit.Api.Features.GrantIngest.Imports.Loaders;

/// <summary>
/// One funder's imports take turns: each load transaction first takes the funder's import lock
/// (<see cref="IDbEngine.LockInTransactionAsync"/>, held until it commits or rolls back), so two imports of one funder
/// never write the same grants and day totals at once (on PostgreSQL they deadlocked in the day-totals trigger). An
/// import that finds the lock taken is shown <c>waiting</c> until its turn comes, then <c>running</c> again.
/// </summary>
internal static class FunderImportTurn
{
    /// <summary>The lock key of a funder's imports: "FI" in the top bytes, the funder's id below.</summary>
    public static long Key(long funderId) => unchecked((long)0x4649_0000_0000_0000UL) | funderId;

    public static async Task TakeAsync(
        IDbEngine engine,
        DbTransaction transaction,
        GrantImportRun run,
        GrantImportStore store,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var key = Key(run.FunderId);
        if (await engine.LockInTransactionAsync(transaction, key, wait: false, ct))
        {
            return;
        }

        await store.SetWaitingAsync(run.ImportId, run.Token, waiting: true, clock.GetUtcNow(), ct);
        await engine.LockInTransactionAsync(transaction, key, wait: true, ct);
        await store.SetWaitingAsync(run.ImportId, run.Token, waiting: false, clock.GetUtcNow(), ct);
    }
}

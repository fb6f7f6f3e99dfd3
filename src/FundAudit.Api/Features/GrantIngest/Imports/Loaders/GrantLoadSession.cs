namespace FundAudit.Api.Features.GrantIngest.Imports.Loaders;

/// <summary>
/// What every engine's load shares: the import's own connection, the engine's bulk upsert of grants on it
/// (<see cref="GrantStore.BulkTarget"/>), the load transaction, and the funder's stored hashes read at the start
/// (inside the transaction when it opens first). The engine's loader decides when the transaction opens and what else
/// goes in it.
/// </summary>
internal sealed class GrantLoadSession : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly IBulkUpsert _bulk;
    private readonly Func<DbTransaction, CancellationToken, Task> _takeTurn;
    private DbTransaction? _transaction;
    private long _skippedUnchanged;

    private GrantLoadSession(
        DbConnection connection,
        IBulkUpsert bulk,
        DbTransaction? transaction,
        StoredHashes stored,
        Func<DbTransaction, CancellationToken, Task> takeTurn
    )
    {
        _connection = connection;
        _takeTurn = takeTurn;
        _bulk = bulk;
        _transaction = transaction;
        Stored = stored;
    }

    public StoredHashes Stored { get; }

    /// <summary>The load transaction; only for loads that open it first.</summary>
    public DbTransaction Transaction =>
        _transaction ?? throw new InvalidOperationException("This load opens its transaction for the merge only.");

    /// <summary>
    /// Opens the import's connection and bulk upsert; with <paramref name="transactionFirst"/>, the load transaction
    /// too (new grants are then written in it as they come), before the stored hashes are read. Each time the load
    /// transaction opens, <paramref name="takeTurn"/> runs in it first (the funder's import lock,
    /// <see cref="FunderImportTurn"/>), so the hashes read after it include every earlier import's grants.
    /// </summary>
    public static async Task<GrantLoadSession> OpenAsync(
        Db db,
        long funderId,
        bool transactionFirst,
        Func<DbTransaction, CancellationToken, Task> takeTurn,
        CancellationToken ct
    )
    {
        var connection = await db.OpenAsync(ct);
        IBulkUpsert? bulk = null;
        DbTransaction? transaction = null;
        try
        {
            bulk = db.Engine.BeginBulkUpsert(connection, GrantStore.BulkTarget);
            transaction = transactionFirst ? await connection.BeginTransactionAsync(ct) : null;
            if (transaction is not null)
            {
                await takeTurn(transaction, ct);
            }

            var stored = await GrantStore.StoredHashesAsync(connection, transaction, funderId, ct);
            return new GrantLoadSession(connection, bulk, transaction, stored, takeTurn);
        }
        catch
        {
            await DisposeAsync(transaction, bulk, connection);
            throw;
        }
    }

    /// <summary>Writes a batch's new grants (into grants itself where the engine can), stages changed ones.</summary>
    public async Task WriteAsync(MappedRows rows, CancellationToken ct)
    {
        _skippedUnchanged += rows.Unchanged;
        await _bulk.InsertNewAsync(rows.New, _transaction, ct);
        await _bulk.StageAsync(rows.Changed, _transaction, ct);
    }

    /// <summary>Merges the staged grants in the load transaction (opened now if not yet).</summary>
    public async Task<ImportResultCounts> MergeAsync(CancellationToken ct)
    {
        if (_transaction is null)
        {
            _transaction = await _connection.BeginTransactionAsync(ct);
            await _takeTurn(_transaction, ct);
        }

        var merged = await _bulk.MergeAsync(_transaction, ct);
        return new ImportResultCounts(merged.Created, merged.Updated, merged.Unchanged + _skippedUnchanged);
    }

    /// <summary>
    /// Ends the run in the load transaction (after <see cref="MergeAsync"/>) and commits it; rolls back instead when
    /// another run holds the import. A succeeded <paramref name="outcome"/> gets <paramref name="result"/>.
    /// </summary>
    public async Task<bool> FinishAsync(
        GrantImportStore store,
        GrantImportRun run,
        ImportOutcome outcome,
        ImportResultCounts result,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        run.Faults.BeforeCommit(run.ImportId);
        var final = outcome.Succeeded ? outcome with { Result = result } : outcome;
        if (!await store.FinishAsync(run.ImportId, run.Token, final, now, Transaction, ct))
        {
            await Transaction.RollbackAsync(ct); // another run took the import over: this one stores nothing
            return false;
        }

        await Transaction.CommitAsync(ct);
        return true;
    }

    public ValueTask DisposeAsync() => DisposeAsync(_transaction, _bulk, _connection);

    private static async ValueTask DisposeAsync(DbTransaction? transaction, IBulkUpsert? bulk, DbConnection connection)
    {
        // An open transaction rolls back: a load that did not complete stores nothing. A COPY still open would keep
        // the connection busy, so it is cancelled first.
        if (bulk is not null)
        {
            await bulk.CancelWritesAsync();
        }

        if (transaction is not null)
        {
            await transaction.DisposeAsync();
        }

        if (bulk is not null)
        {
            await bulk.DisposeAsync();
        }

        await connection.DisposeAsync();
    }
}

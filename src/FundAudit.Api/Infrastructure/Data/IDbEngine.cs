namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// The engine's I/O: how connections are made and set up, where migrations come from, and the paths that run on a
/// connection in the engine's own way (the bulk loader, the row stream, the JSON totals upsert). The SQL text that
/// stores write themselves comes from the dialect (<see cref="IDbDialect"/>).
/// </summary>
internal interface IDbEngine
{
    DatabaseProvider Provider { get; }

    /// <summary>Folder under migrations/ holding this engine's scripts.</summary>
    string MigrationFolder { get; }

    DbConnection CreateConnection();

    /// <summary>
    /// Per-connection settings, applied each time a connection opens (SQLite's pragmas; nothing elsewhere).
    /// </summary>
    Task PrepareAsync(DbConnection connection, CancellationToken ct);

    /// <summary>The synchronous <see cref="PrepareAsync"/>, for the few synchronous framework callbacks.</summary>
    void Prepare(DbConnection connection);

    /// <summary>
    /// Runs one best-effort statement on an open connection only if it can write at once: true when it ran, false
    /// when another writer holds the lock (SQLite: BEGIN IMMEDIATE without waiting; the other engines lock rows and
    /// just run it). Never waits for a file's write lock.
    /// </summary>
    Task<bool> TryExecuteNowAsync(DbConnection connection, CommandDefinition command);

    /// <summary>
    /// After personal data was erased on this database: drops the copies of erased pages the engine keeps beside it.
    /// SQLite checkpoints its write-ahead log with TRUNCATE (secure_delete has zeroed the freed content, the
    /// checkpoint writes those pages into the database file and empties the -wal file); nothing elsewhere (see the
    /// README on what PostgreSQL keeps). False when the engine could not finish it now (a reader held the log).
    /// </summary>
    Task<bool> FlushErasedAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// The engine's bulk path for many rows into <paramref name="target"/> on an open <paramref name="connection"/>
    /// (see <see cref="IBulkUpsert"/>): SQLite batched prepared inserts bound by position, PostgreSQL binary COPY,
    /// SQL Server SqlBulkCopy, each followed by one merge statement.
    /// </summary>
    IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target);

    /// <summary>
    /// Runs <paramref name="sql"/> (parameters named <c>@Name</c>, bound from <paramref name="parameters"/>) on an
    /// open connection and hands each row to <paramref name="row"/>. For queries answering very many narrow rows:
    /// SQLite reads them through its C API without allocating per row; the other engines through their ADO.NET reader.
    /// </summary>
    Task ReadRowsAsync(
        DbConnection connection,
        string sql,
        IReadOnlyDictionary<string, object> parameters,
        Action<IRowCursor> row,
        CancellationToken ct
    );

    /// <summary>
    /// Writes many rows of <paramref name="target"/> in one statement inside <paramref name="transaction"/>: a row
    /// whose key is already stored gets its sums added to instead. <paramref name="rowsJson"/> is a JSON array of
    /// arrays, each holding the target's columns in order (dates as yyyy-MM-dd). SQLite reads it with jsonb_each,
    /// PostgreSQL with json_array_elements, SQL Server with OPENJSON.
    /// </summary>
    Task AddFromJsonAsync(DbTransaction transaction, JsonTotalsTarget target, string rowsJson, CancellationToken ct);

    /// <summary>
    /// Takes the exclusive lock named <paramref name="key"/> for the rest of <paramref name="transaction"/>, so work
    /// that must not overlap is serialised across connections and instances: PostgreSQL
    /// <c>pg_advisory_xact_lock</c>, SQL Server <c>sp_getapplock</c> (Exclusive, Transaction); SQLite's write
    /// transaction is its one lock already, so nothing more there. With <paramref name="wait"/> false, answers false
    /// at once when another transaction holds the lock; otherwise waits for it and answers true.
    /// </summary>
    Task<bool> LockInTransactionAsync(DbTransaction transaction, long key, bool wait, CancellationToken ct);
}

/// <summary>
/// A table of running totals written in bulk by <see cref="IDbEngine.AddFromJsonAsync"/>: its
/// <see cref="Columns"/> in the order of each JSON row, the <see cref="KeyColumns"/> that identify a stored row and
/// the <see cref="SumColumns"/> added to a stored row with the same key.
/// </summary>
internal sealed record JsonTotalsTarget(
    string Table,
    IReadOnlyList<(string Column, ColumnType Type)> Columns,
    IReadOnlyList<string> KeyColumns,
    IReadOnlyList<string> SumColumns
);

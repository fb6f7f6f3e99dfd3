namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// What a bulk upsert writes: rows of <see cref="InsertColumns"/> into <see cref="Table"/>, matched on
/// <see cref="KeyColumns"/>; a matched row has <see cref="UpdateColumns"/> overwritten only when
/// <see cref="ChangedWhen"/> holds (a <see cref="MergeCondition"/> over the stored row <c>{target}</c> and the new row
/// <c>{source}</c>), each with the new row's value or, where <see cref="UpdateValues"/> names it, that expression
/// over <c>{source}</c> (<see cref="MergeCondition.SetList"/>). <see cref="IdColumn"/> is the table's generated key
/// (used by SQLite to tell inserts from updates). <see cref="InsertTriggers"/> names the table's insert triggers that
/// SQLite's <see cref="IBulkUpsert.InsertNewAsync"/> drops inside the load transaction (the caller then writes what
/// they would have); the other engines run them as usual.
/// </summary>
internal sealed record BulkUpsertTarget(
    string Table,
    string IdColumn,
    IReadOnlyList<string> KeyColumns,
    IReadOnlyList<string> InsertColumns,
    IReadOnlyList<string> UpdateColumns,
    string ChangedWhen,
    IReadOnlyList<string> InsertTriggers,
    IReadOnlyDictionary<string, string> UpdateValues
)
{
    public string StagingTable => Table + "_staging";

    public string ColumnList => string.Join(", ", InsertColumns);
}

/// <summary>
/// What a merge did: rows inserted, rows updated, and staged rows left alone because nothing changed.
/// </summary>
internal sealed record BulkUpsertCounts(long Created, long Updated, long Unchanged);

/// <summary>
/// One bulk upsert on one open connection (see <see cref="IDbEngine.BeginBulkUpsert"/>): write or stage rows batch by
/// batch, then merge the staged ones in one statement inside the caller's transaction. Disposing drops the staging
/// table. Values are given in the order of <see cref="BulkUpsertTarget.InsertColumns"/>.
/// </summary>
/// <remarks>
/// How each engine writes (which decides how its callers hold the load transaction): SQLite writes new rows straight
/// into the table inside the caller's IMMEDIATE transaction, which keeps every other connection from writing, and
/// drops the target's <see cref="BulkUpsertTarget.InsertTriggers"/> in it; PostgreSQL COPYs new rows straight into the
/// table inside the caller's transaction; SQL Server stages every row and merges them all at the end.
/// </remarks>
internal interface IBulkUpsert : IAsyncDisposable
{
    long Staged { get; }

    /// <summary>
    /// Rows to merge (they may match stored rows); inside <paramref name="transaction"/> when the caller has one open.
    /// </summary>
    Task StageAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct);

    /// <summary>
    /// Rows whose key no stored row had when the load began: written straight into the table inside
    /// <paramref name="transaction"/> where the engine can (SQLite and PostgreSQL, which then require it), otherwise
    /// staged like the others. A row that meanwhile got stored by someone else makes the load fail on the unique key,
    /// never stores it twice.
    /// </summary>
    Task InsertNewAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct);

    /// <summary>
    /// Merges the staged rows in one statement inside <paramref name="transaction"/>, after the target's insert
    /// triggers are back in force: call it before committing any load that wrote rows.
    /// </summary>
    Task<BulkUpsertCounts> MergeAsync(DbTransaction transaction, CancellationToken ct);

    /// <summary>
    /// Stops rows still streaming to the server (PostgreSQL keeps one COPY open across batches) without storing them,
    /// so that the caller's transaction can roll back; nothing to do where each call ends its own statements.
    /// </summary>
    ValueTask CancelWritesAsync() => ValueTask.CompletedTask;
}

/// <summary>What the engines that write new rows straight into the table inside the load transaction check.</summary>
internal static class BulkUpsertGuards
{
    /// <summary>The load transaction the new rows go in; writing them outside one is a programming error.</summary>
    public static DbTransaction RequireLoadTransaction(DbTransaction? transaction, string engine) =>
        transaction
        ?? throw new InvalidOperationException(
            engine + " writes new rows inside the load transaction: open it before the first batch."
        );
}

using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// What the engines share: the ADO.NET row stream, no per-connection set-up, the JSON totals statement.
/// </summary>
internal abstract class DbEngineBase(IDbDialect dialect) : IDbEngine
{
    protected IDbDialect Dialect { get; } = dialect;

    public abstract DatabaseProvider Provider { get; }

    public abstract string MigrationFolder { get; }

    public abstract DbConnection CreateConnection();

    public virtual Task PrepareAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    public virtual void Prepare(DbConnection connection) { }

    public virtual async Task<bool> TryExecuteNowAsync(DbConnection connection, CommandDefinition command)
    {
        await connection.ExecuteAsync(command);
        return true;
    }

    public virtual Task<bool> FlushErasedAsync(DbConnection connection, CancellationToken ct) => Task.FromResult(true);

    public abstract IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target);

    public virtual Task ReadRowsAsync(
        DbConnection connection,
        string sql,
        IReadOnlyDictionary<string, object> parameters,
        Action<IRowCursor> row,
        CancellationToken ct
    ) => DataReaderCursor.ReadAsync(connection, sql, parameters, row, ct);

    public async Task AddFromJsonAsync(
        DbTransaction transaction,
        JsonTotalsTarget target,
        string rowsJson,
        CancellationToken ct
    )
    {
        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has ended.");
        await connection.ExecuteAsync(
            new CommandDefinition(
                AddFromJsonSql(target),
                new { Rows = rowsJson },
                transaction,
                commandTimeout: 0,
                cancellationToken: ct
            )
        );
    }

    public virtual Task<bool> LockInTransactionAsync(
        DbTransaction transaction,
        long key,
        bool wait,
        CancellationToken ct
    ) => Task.FromResult(true);

    /// <summary>Runs <paramref name="sql"/> in <paramref name="transaction"/> without a time limit; its one cell.
    /// </summary>
    protected static Task<T?> ScalarAsync<T>(
        DbTransaction transaction,
        string sql,
        object parameters,
        CancellationToken ct
    )
    {
        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has ended.");
        return connection.ExecuteScalarAsync<T>(
            new CommandDefinition(sql, parameters, transaction, commandTimeout: 0, cancellationToken: ct)
        );
    }

    /// <summary>
    /// The statement of <see cref="AddFromJsonAsync"/>, reading the JSON text in <c>@Rows</c>. The same text on
    /// SQLite and PostgreSQL but for the JSON table function; "WHERE true" keeps SQLite from reading ON CONFLICT as a
    /// join constraint, and the key order takes row locks in one order (as the triggers do).
    /// </summary>
    protected virtual string AddFromJsonSql(JsonTotalsTarget target)
    {
        var names = target.Columns.Select(c => c.Column).ToList();
        var order = target.KeyColumns.Select(k => (names.IndexOf(k) + 1).ToString(CultureInfo.InvariantCulture));
        return $"""
            INSERT INTO {target.Table} ({string.Join(", ", names)})
            SELECT {string.Join(", ", target.Columns.Select((c, i) => JsonElement(i, c.Type)))}
            FROM {JsonRows("@Rows")}
            WHERE true
            ORDER BY {string.Join(", ", order)}
            ON CONFLICT ({string.Join(", ", target.KeyColumns)}) DO UPDATE SET
              {string.Join(", ", target.SumColumns.Select(c => $"{c} = {target.Table}.{c} + excluded.{c}"))}
            """;
    }

    /// <summary>
    /// A table of JSON array elements, aliased e, from the JSON text in <paramref name="parameter"/>.
    /// </summary>
    protected abstract string JsonRows(string parameter);

    /// <summary>Element <paramref name="index"/> of the JSON array e, as <paramref name="type"/>.</summary>
    protected abstract string JsonElement(int index, ColumnType type);

    protected static string Ordinal(int index) => index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// SQLite through Microsoft.Data.Sqlite, with its C API (SQLitePCL) for the bulk loader and row stream.
/// </summary>
internal sealed class SqliteEngine(IDbDialect dialect, string connectionString, int busyTimeoutMs)
    : DbEngineBase(dialect)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string MigrationFolder => "sqlite";

    /// <summary>Per-connection settings (DESIGN "Storage"): applied each time a connection opens.</summary>
    public string ConnectionPragmas =>
        $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = {busyTimeoutMs}; "
        + "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

    public override DbConnection CreateConnection() =>
        new SqliteConnection(connectionString) { DefaultTimeout = Math.Max(1, busyTimeoutMs / 1000) };

    public override async Task PrepareAsync(DbConnection connection, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(ConnectionPragmas, cancellationToken: ct));

    public override void Prepare(DbConnection connection) => connection.Execute(ConnectionPragmas);

    /// <summary>
    /// BEGIN IMMEDIATE through SQLite's C API with no busy wait (Microsoft.Data.Sqlite would retry until its command
    /// timeout): SQLITE_BUSY answers false at once; otherwise the statement runs inside it and commits.
    /// </summary>
    public override async Task<bool> TryExecuteNowAsync(DbConnection connection, CommandDefinition command)
    {
        var handle = ((SqliteConnection)connection).Handle!;
        raw.sqlite3_busy_timeout(handle, 0);
        try
        {
            var rc = raw.sqlite3_exec(handle, "BEGIN IMMEDIATE");
            if (rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED)
            {
                return false;
            }

            SqliteException.ThrowExceptionForRC(rc, handle);
            try
            {
                await connection.ExecuteAsync(command);
                SqliteException.ThrowExceptionForRC(raw.sqlite3_exec(handle, "COMMIT"), handle);
                return true;
            }
            catch
            {
                raw.sqlite3_exec(handle, "ROLLBACK");
                throw;
            }
        }
        finally
        {
            raw.sqlite3_busy_timeout(handle, busyTimeoutMs);
        }
    }

    public override async Task<bool> FlushErasedAsync(DbConnection connection, CancellationToken ct)
    {
        // One row: busy (1 when a reader kept the checkpoint from finishing), log frames, frames checkpointed.
        var busy = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken: ct)
        );
        return busy == 0;
    }

    public override IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target) =>
        new SqliteBulkUpsert((SqliteConnection)connection, target);

    public override Task ReadRowsAsync(
        DbConnection connection,
        string sql,
        IReadOnlyDictionary<string, object> parameters,
        Action<IRowCursor> row,
        CancellationToken ct
    ) => SqliteRowCursor.ReadAsync((SqliteConnection)connection, sql, parameters, row, ct);

    // jsonb_each, not json_each: each row's e.value is then a JSONB blob, which ->> reads as it is; json_each gives it
    // as text, which SQLite printed from its parse of the array and ->> parsed again for every column (a quarter of
    // SQLite's CPU in a 1M-row import, whose day and quality totals are written this way). The same values.
    protected override string JsonRows(string parameter) => $"jsonb_each({parameter}) e";

    protected override string JsonElement(int index, ColumnType type) => $"e.value ->> {Ordinal(index)}";
}

/// <summary>PostgreSQL through one Npgsql data source.</summary>
internal sealed class PostgresEngine(IDbDialect dialect, string connectionString) : DbEngineBase(dialect)
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override string MigrationFolder => "postgres";

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target) =>
        new PostgresBulkUpsert((NpgsqlConnection)connection, target);

    public override async Task<bool> LockInTransactionAsync(
        DbTransaction transaction,
        long key,
        bool wait,
        CancellationToken ct
    )
    {
        if (!wait)
        {
            return await ScalarAsync<bool>(
                transaction,
                "SELECT pg_try_advisory_xact_lock(@Key)",
                new { Key = key },
                ct
            );
        }

        await ScalarAsync<object>(transaction, "SELECT pg_advisory_xact_lock(@Key)", new { Key = key }, ct);
        return true;
    }

    protected override string JsonRows(string parameter) => $"json_array_elements(CAST({parameter} AS json)) e";

    protected override string JsonElement(int index, ColumnType type) =>
        $"CAST(e ->> {Ordinal(index)} AS {Dialect.TypeName(type)})";
}

/// <summary>
/// SQL Server through Microsoft.Data.SqlClient (no server runs on these machines: not exercised here).
/// </summary>
internal sealed class SqlServerEngine(IDbDialect dialect, string connectionString) : DbEngineBase(dialect)
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public override string MigrationFolder => "sqlserver";

    public override DbConnection CreateConnection() => new SqlConnection(connectionString);

    public override IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target) =>
        new SqlServerBulkUpsert((SqlConnection)connection, target);

    public override async Task<bool> LockInTransactionAsync(
        DbTransaction transaction,
        long key,
        bool wait,
        CancellationToken ct
    )
    {
        const string sql = """
            DECLARE @Result int;
            EXEC @Result = sp_getapplock @Resource = @Resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction',
                @LockTimeout = @Timeout;
            SELECT @Result;
            """;
        var parameters = new
        {
            Resource = "fundaudit." + key.ToString(CultureInfo.InvariantCulture),
            Timeout = wait ? -1 : 0,
        };
        return await ScalarAsync<int>(transaction, sql, parameters, ct) >= 0;
    }

    protected override string AddFromJsonSql(JsonTotalsTarget target)
    {
        var columns = target.Columns;
        var values = columns.Select((c, i) => $"{JsonElement(i, c.Type)} AS {c.Column}");
        return $"""
            MERGE {target.Table} WITH (HOLDLOCK) AS t
            USING (SELECT {string.Join(", ", values)} FROM {JsonRows("@Rows")}) AS s
            ON {string.Join(" AND ", target.KeyColumns.Select(c => $"t.{c} = s.{c}"))}
            WHEN MATCHED THEN UPDATE SET {string.Join(", ", target.SumColumns.Select(c => $"{c} = t.{c} + s.{c}"))}
            WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(c => c.Column))})
              VALUES ({string.Join(", ", columns.Select(c => "s." + c.Column))});
            """;
    }

    protected override string JsonRows(string parameter) => $"OPENJSON({parameter}) e";

    protected override string JsonElement(int index, ColumnType type) =>
        $"CAST(JSON_VALUE(e.value, '$[{Ordinal(index)}]') AS {Dialect.TypeName(type)})";
}

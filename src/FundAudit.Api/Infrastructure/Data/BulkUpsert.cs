using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// What a bulk upsert writes: rows of <see cref="InsertColumns"/> into <see cref="Table"/>, matched on
/// <see cref="KeyColumns"/>; a matched row has <see cref="UpdateColumns"/> overwritten only when
/// <see cref="ChangedWhen"/> (a predicate over the stored row <c>t</c> and the new row <c>s</c>) holds.
/// <see cref="IdColumn"/> is the table's generated key (used by SQLite to tell inserts from updates).
/// <see cref="InsertTriggers"/> names the table's insert triggers that rows written by
/// <see cref="IBulkUpsert.InsertNewAsync"/> skip where the engine allows it (<see cref="IBulkUpsert.SkipsInsertTriggers"/>).
/// </summary>
internal sealed record BulkUpsertTarget(
    string Table,
    string IdColumn,
    IReadOnlyList<string> KeyColumns,
    IReadOnlyList<string> InsertColumns,
    IReadOnlyList<string> UpdateColumns,
    string ChangedWhen,
    IReadOnlyList<string> InsertTriggers)
{
    public string StagingTable => Table + "_staging";

    public string ColumnList => string.Join(", ", InsertColumns);
}

/// <summary>What a merge did: rows inserted, rows updated, and staged rows left alone because nothing changed.</summary>
internal sealed record BulkUpsertCounts(long Created, long Updated, long Unchanged);

/// <summary>
/// One bulk upsert on one open connection (see <see cref="IDbDialect.BeginBulkUpsert"/>): stage rows batch by batch,
/// then merge them all in one statement inside the caller's transaction. Disposing drops the staging table.
/// Values are given in the order of <see cref="BulkUpsertTarget.InsertColumns"/>.
/// </summary>
internal interface IBulkUpsert : IAsyncDisposable
{
    long Staged { get; }

    /// <summary>
    /// True when <see cref="InsertNewAsync"/> writes into the table itself, so the caller opens the load transaction
    /// before the first batch and gives it to every call (PostgreSQL); false when rows are only staged until the merge.
    /// </summary>
    bool WritesWhileStaging { get; }

    /// <summary>
    /// True when the load transaction, once open, keeps every other connection from writing (SQLite's one writer):
    /// the caller then writes everything else of the load (row errors) through this connection and transaction, and
    /// cannot store progress where others see it before the commit.
    /// </summary>
    bool BlocksOtherWriters { get; }

    /// <summary>
    /// True when rows written by <see cref="InsertNewAsync"/> do not run the target's
    /// <see cref="BulkUpsertTarget.InsertTriggers"/>: the caller then writes what those triggers would have, in the load
    /// transaction. SQLite drops them inside it and <see cref="MergeAsync"/> creates them again; the other engines run
    /// them as usual (PostgreSQL's fire once per COPY batch, SQL Server's once per MERGE).
    /// </summary>
    bool SkipsInsertTriggers { get; }

    /// <summary>Rows to merge (they may match stored rows); inside <paramref name="transaction"/> when the caller has one open.</summary>
    Task StageAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct);

    /// <summary>
    /// Rows whose key no stored row had when the import began: written straight into the table where the engine can
    /// (inside <paramref name="transaction"/>, see <see cref="WritesWhileStaging"/>), otherwise staged like the others.
    /// A row that meanwhile got stored by someone else makes the load fail on the unique key, never stores it twice.
    /// </summary>
    Task InsertNewAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct);

    /// <summary>
    /// Merges the staged rows in one statement inside <paramref name="transaction"/>, after the target's insert triggers
    /// are back in force: call it before committing any load that wrote rows.
    /// </summary>
    Task<BulkUpsertCounts> MergeAsync(DbTransaction transaction, CancellationToken ct);
}

/// <summary>
/// SQLite: batched prepared multi-row INSERTs bound by position. Rows new to the table go straight into it inside the
/// caller's (IMMEDIATE) load transaction, opened before the first batch, so SQLite writes them while other threads
/// still read the file; rows that may match stored ones go into a TEMP table, then one INSERT … SELECT … ON CONFLICT
/// DO UPDATE WHERE changed. Without a caller's transaction, staging commits each batch on the temp database only
/// (the main database stays unlocked). SQLite has one writer: counting rows with an id above the largest id before
/// the merge tells inserts from updates exactly.
/// </summary>
internal sealed class SqliteBulkUpsert(SqliteConnection connection, BulkUpsertTarget target) : IBulkUpsert
{
    /// <summary>Rows per multi-row INSERT … VALUES (…),(…): far fewer statement steps than one row each, well under SQLite's 32766 parameters.</summary>
    internal const int RowsPerStatement = 64;

    // Prepared INSERT statements by their number of rows (RowsPerStatement, and the remainder of a batch), bound by
    // position through SQLitePCL directly: Microsoft.Data.Sqlite binds by name, a linear search per parameter that
    // makes wide multi-row statements quadratic.
    private readonly Dictionary<int, sqlite3_stmt> _inserts = [];
    private readonly Dictionary<int, sqlite3_stmt> _direct = [];
    private bool _staging;
    private long _inserted;
    private (long Main, long Temp)? _cacheSizes;

    // The insert triggers dropped inside the load transaction, with the SQL that creates them again.
    private List<string>? _droppedTriggers;

    /// <summary>Page cache of this connection while it imports, per database (main and temp), in KiB: the merge maintains three indexes.</summary>
    internal const int ImportCacheKiB = 32_768;

    public long Staged { get; private set; }

    public bool WritesWhileStaging => true;

    public bool BlocksOtherWriters => true;

    public bool SkipsInsertTriggers => target.InsertTriggers.Count > 0;

    /// <summary>
    /// New rows go into main.{table} at once, inside the caller's (IMMEDIATE) load transaction: no staging, no merge.
    /// The first call drops the target's insert triggers inside that transaction (an AFTER INSERT trigger doubled the
    /// cost of each row); <see cref="MergeAsync"/> creates them again from their stored SQL before the commit, and a
    /// rollback brings them back with everything else. SQLite's one writer means no other connection inserts meanwhile.
    /// </summary>
    public async Task InsertNewAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (transaction is null)
        {
            throw new InvalidOperationException("SQLite writes new rows inside the load transaction: open it before the first batch.");
        }

        await EnsureCacheAsync(transaction, ct);
        await DropInsertTriggersAsync(transaction, ct);
        Insert(_direct, $"main.{target.Table}", rows, ct);
        _inserted += rows.Count;
    }

    private async Task DropInsertTriggersAsync(DbTransaction transaction, CancellationToken ct)
    {
        if (_droppedTriggers is not null)
        {
            return;
        }

        _droppedTriggers = [];
        foreach (var name in target.InsertTriggers)
        {
            var sql = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = @Table AND name = @Name",
                new { Table = target.Table, Name = name }, transaction, cancellationToken: ct))
                ?? throw new InvalidOperationException($"The trigger {name} on {target.Table} does not exist.");
            await connection.ExecuteAsync(new CommandDefinition($"DROP TRIGGER main.{name}", transaction: transaction, cancellationToken: ct));
            _droppedTriggers.Add(sql);
        }
    }

    private async Task RestoreInsertTriggersAsync(DbTransaction transaction, CancellationToken ct)
    {
        if (_droppedTriggers is null)
        {
            return;
        }

        foreach (var sql in _droppedTriggers)
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: ct));
        }

        _droppedTriggers = null;
    }

    public async Task StageAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await EnsureCacheAsync(transaction, ct);
        await EnsureStagingAsync(transaction, ct);
        if (transaction is not null)
        {
            Insert(_inserts, $"temp.{target.StagingTable}", rows, ct);
        }
        else
        {
            // A deferred transaction that writes only the temp database never locks the main one.
            await using var tx = connection.BeginTransaction(deferred: true);
            Insert(_inserts, $"temp.{target.StagingTable}", rows, ct);
            await tx.CommitAsync(ct);
        }

        Staged += rows.Count;
    }

    private void Insert(Dictionary<int, sqlite3_stmt> statements, string table, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            ct.ThrowIfCancellationRequested();
            var count = Math.Min(RowsPerStatement, rows.Count - start);
            var insert = InsertFor(statements, table, count);
            var p = 1;
            for (var r = start; r < start + count; r++)
            {
                foreach (var value in rows[r])
                {
                    Check(Bind(insert, p++, value));
                }
            }

            var rc = raw.sqlite3_step(insert);
            raw.sqlite3_reset(insert);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }
        }
    }

    /// <summary>
    /// Binds one value as Microsoft.Data.Sqlite (and so the Dapper path) binds it: integers and booleans as integers,
    /// DateOnly as yyyy-MM-dd, instants in UTC as yyyy-MM-dd HH:mm:ss.FFFFFFFzzz, so both write paths store the same text.
    /// </summary>
    internal static int Bind(sqlite3_stmt statement, int index, object? value) => value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        string text => BindText(statement, index, text),
        long l => raw.sqlite3_bind_int64(statement, index, l),
        int i => raw.sqlite3_bind_int64(statement, index, i),
        short i => raw.sqlite3_bind_int64(statement, index, i),
        bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
        double d => raw.sqlite3_bind_double(statement, index, d),
        float f => raw.sqlite3_bind_double(statement, index, f),
        DateOnly date => BindDate(statement, index, date),
        DateTimeOffset instant => BindInstant(statement, index, instant),
        _ => throw new NotSupportedException($"The bulk path does not bind {value.GetType().Name} values."),
    };

    private static int BindDate(sqlite3_stmt statement, int index, DateOnly date)
    {
        Span<byte> text = stackalloc byte[10];
        return date.TryFormat(text, out var length, @"yyyy\-MM\-dd", CultureInfo.InvariantCulture)
            ? raw.sqlite3_bind_text(statement, index, text[..length])
            : raw.sqlite3_bind_text(statement, index, date.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture));
    }

    // An import stamps every row with the same instants (created, updated, classified): formatted once, not per value.
    [ThreadStatic]
    private static (DateTimeOffset Instant, byte[] Utf8)? _lastInstant;

    private static int BindInstant(sqlite3_stmt statement, int index, DateTimeOffset instant)
    {
        if (_lastInstant is not { } last || last.Instant != instant)
        {
            last = (instant, System.Text.Encoding.UTF8.GetBytes(
                instant.ToUniversalTime().ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)));
            _lastInstant = last;
        }

        return raw.sqlite3_bind_text(statement, index, last.Utf8);
    }

    [ThreadStatic]
    private static byte[]? _utf8;

    /// <summary>
    /// Text as UTF-8 through one reused buffer (SQLite copies it: SQLITE_TRANSIENT) rather than a new array per value.
    /// An empty string goes the ordinary way: an empty span would bind NULL.
    /// </summary>
    private static int BindText(sqlite3_stmt statement, int index, string text)
    {
        if (text.Length == 0)
        {
            return raw.sqlite3_bind_text(statement, index, text);
        }

        var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        var buffer = _utf8 is { } b && b.Length >= max ? b : (_utf8 = new byte[Math.Max(max, 16 * 1024)]);
        var length = System.Text.Encoding.UTF8.GetBytes(text, buffer);
        return raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, length));
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc);
        }
    }

    private sqlite3_stmt InsertFor(Dictionary<int, sqlite3_stmt> statements, string table, int rowCount)
    {
        if (statements.TryGetValue(rowCount, out var insert))
        {
            return insert;
        }

        var t = target;
        var columns = t.InsertColumns.Count;
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", columns)) + ")";
        var sql = $"INSERT INTO {table} ({t.ColumnList}) VALUES {string.Join(",\n", Enumerable.Repeat(row, rowCount))}";
        Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out insert));
        statements[rowCount] = insert;
        return insert;
    }

    public async Task<BulkUpsertCounts> MergeAsync(DbTransaction transaction, CancellationToken ct)
    {
        await RestoreInsertTriggersAsync(transaction, ct);
        if (Staged == 0)
        {
            return new BulkUpsertCounts(_inserted, 0, 0);
        }

        await EnsureStagingAsync(transaction, ct);
        var t = target;
        var maxBefore = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT coalesce(max({t.IdColumn}), 0) FROM main.{t.Table}", transaction: transaction, cancellationToken: ct));
        var merge = $"""
            INSERT INTO main.{t.Table} AS t ({t.ColumnList})
            SELECT {t.ColumnList} FROM temp.{t.StagingTable} WHERE true
            ON CONFLICT ({string.Join(", ", t.KeyColumns)}) DO UPDATE SET
              {string.Join(",\n  ", t.UpdateColumns.Select(c => $"{c} = excluded.{c}"))}
            WHERE {t.ChangedWhen.Replace("s.", "excluded.", StringComparison.Ordinal)}
            """;
        var affected = await connection.ExecuteAsync(new CommandDefinition(merge, transaction: transaction, cancellationToken: ct, commandTimeout: 0));
        var created = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM main.{t.Table} WHERE {t.IdColumn} > @MaxBefore", new { MaxBefore = maxBefore }, transaction, cancellationToken: ct));
        return new BulkUpsertCounts(created + _inserted, affected - created, Staged - affected);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var insert in _inserts.Values.Concat(_direct.Values))
        {
            insert.Dispose();
        }

        _inserts.Clear();
        _direct.Clear();
        if (connection.State == ConnectionState.Open)
        {
            if (_staging)
            {
                await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE IF EXISTS temp.{target.StagingTable}"));
            }

            if (_cacheSizes is var (main, temp))
            {
                // The connection goes back to the pool as it came.
                await connection.ExecuteAsync(new CommandDefinition(
                    $"PRAGMA main.cache_size = {main.ToString(CultureInfo.InvariantCulture)}; PRAGMA temp.cache_size = {temp.ToString(CultureInfo.InvariantCulture)};"));
            }
        }
    }

    private async Task EnsureCacheAsync(DbTransaction? transaction, CancellationToken ct)
    {
        if (_cacheSizes is not null)
        {
            return;
        }

        _cacheSizes = (await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA main.cache_size", transaction: transaction, cancellationToken: ct)),
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA temp.cache_size", transaction: transaction, cancellationToken: ct)));
        await connection.ExecuteAsync(new CommandDefinition(
            $"PRAGMA main.cache_size = -{ImportCacheKiB}; PRAGMA temp.cache_size = -{ImportCacheKiB};", transaction: transaction, cancellationToken: ct));
    }

    private async Task EnsureStagingAsync(DbTransaction? transaction, CancellationToken ct)
    {
        if (_staging)
        {
            return;
        }

        var t = target;
        _staging = true;
        await connection.ExecuteAsync(new CommandDefinition(
            $"DROP TABLE IF EXISTS temp.{t.StagingTable}; CREATE TEMP TABLE {t.StagingTable} AS SELECT {t.ColumnList} FROM main.{t.Table} WHERE 0;",
            transaction: transaction,
            cancellationToken: ct));
    }
}

/// <summary>
/// PostgreSQL: rows new to the table go by binary COPY (<see cref="NpgsqlBinaryImporter"/>) straight into it, batch by
/// batch inside the load transaction, so the server writes them while the client still reads the file. Rows that may
/// match stored ones go by binary COPY into a session temp table, then one INSERT … SELECT … ON CONFLICT DO UPDATE WHERE
/// changed; <c>xmax = 0</c> on the returned rows marks the inserted ones.
/// </summary>
internal sealed class PostgresBulkUpsert(NpgsqlConnection connection, BulkUpsertTarget target) : IBulkUpsert
{
    private string[]? _types;
    private string[]? _tableTypes;
    private long _inserted;

    public long Staged { get; private set; }

    public bool WritesWhileStaging => true;

    public bool BlocksOtherWriters => false;

    /// <summary>
    /// PostgreSQL runs the table's insert triggers for COPY as for any insert. Skipping grants' day-totals trigger
    /// (a FOR EACH ROW trigger with a WHEN clause on a transaction setting, the import adding the totals itself) made
    /// 100k-row imports about 2 s slower, not faster: its FOR EACH STATEMENT form is already cheap per batch.
    /// </summary>
    public bool SkipsInsertTriggers => false;

    public async Task StageAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var types = await EnsureStagingAsync(ct);
        await CopyAsync(target.StagingTable, types, rows, ct);
        Staged += rows.Count;
    }

    /// <summary>Binary COPY into the table itself: no staging, no merge (the caller's transaction is the connection's).</summary>
    public async Task InsertNewAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (transaction is null)
        {
            throw new InvalidOperationException("PostgreSQL writes new rows inside the load transaction: open it before the first batch.");
        }

        _tableTypes ??= await ColumnTypesAsync($"to_regclass('{target.Table}')", null, ct);
        await CopyAsync(target.Table, _tableTypes, rows, ct);
        _inserted += rows.Count;
    }

    private async Task CopyAsync(string table, string[] types, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({target.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);

        // Synchronous, typed writes: the importer buffers and only blocks to send a full buffer, while an awaited
        // write per value resolved by type name cost more than the server's work on the row.
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            importer.StartRow();
            for (var i = 0; i < row.Length; i++)
            {
                switch (row[i], types[i])
                {
                    case (null, _):
                        importer.WriteNull();
                        break;
                    case (string text, "text"):
                        importer.Write(text, NpgsqlTypes.NpgsqlDbType.Text);
                        break;
                    case (long number, "bigint"):
                        importer.Write(number, NpgsqlTypes.NpgsqlDbType.Bigint);
                        break;
                    case (double number, "double precision"):
                        importer.Write(number, NpgsqlTypes.NpgsqlDbType.Double);
                        break;
                    case (bool flag, "boolean"):
                        importer.Write(flag, NpgsqlTypes.NpgsqlDbType.Boolean);
                        break;
                    case (DateOnly date, "date"):
                        importer.Write(date, NpgsqlTypes.NpgsqlDbType.Date);
                        break;
                    case (DateTimeOffset instant, _):
                        importer.Write(instant.ToUniversalTime(), types[i]);
                        break;
                    case (var value, var type):
                        importer.Write(value, type);
                        break;
                }
            }
        }

        await importer.CompleteAsync(ct);
    }

    public async Task<BulkUpsertCounts> MergeAsync(DbTransaction transaction, CancellationToken ct)
    {
        if (Staged == 0)
        {
            return new BulkUpsertCounts(_inserted, 0, 0);
        }

        var t = target;
        var merge = $"""
            WITH merged AS (
              INSERT INTO {t.Table} AS t ({t.ColumnList})
              SELECT {t.ColumnList} FROM {t.StagingTable}
              ON CONFLICT ({string.Join(", ", t.KeyColumns)}) DO UPDATE SET
                {string.Join(",\n    ", t.UpdateColumns.Select(c => $"{c} = excluded.{c}"))}
              WHERE {t.ChangedWhen.Replace("s.", "excluded.", StringComparison.Ordinal)}
              RETURNING (t.xmax = 0) AS inserted)
            SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM merged
            """;
        var (created, updated) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(merge, transaction: transaction, cancellationToken: ct, commandTimeout: 0));
        return new BulkUpsertCounts(created + _inserted, updated, Staged - created - updated);
    }

    public async ValueTask DisposeAsync()
    {
        if (_types is not null && connection.State == ConnectionState.Open)
        {
            var drop = $"DROP TABLE IF EXISTS {target.StagingTable}";
            await connection.ExecuteAsync(new CommandDefinition(drop));
        }
    }

    private async Task<string[]> EnsureStagingAsync(CancellationToken ct)
    {
        if (_types is not null)
        {
            return _types;
        }

        var t = target;
        await connection.ExecuteAsync(new CommandDefinition(
            $"DROP TABLE IF EXISTS {t.StagingTable}; CREATE TEMP TABLE {t.StagingTable} ON COMMIT PRESERVE ROWS AS SELECT {t.ColumnList} FROM {t.Table} WITH NO DATA;",
            cancellationToken: ct));
        _types = await ColumnTypesAsync("to_regclass('pg_temp.' || @Table)", t.StagingTable, ct);
        return _types;
    }

    /// <summary>The PostgreSQL type of each insert column of a relation, in <see cref="BulkUpsertTarget.InsertColumns"/> order.</summary>
    private async Task<string[]> ColumnTypesAsync(string relation, string? table, CancellationToken ct)
    {
        var types = (await connection.QueryAsync<(string Name, string Type)>(new CommandDefinition(
                $"""
                SELECT a.attname, format_type(a.atttypid, NULL)
                FROM pg_attribute a
                WHERE a.attrelid = {relation} AND a.attnum > 0 AND NOT a.attisdropped
                """,
                new { Table = table }, cancellationToken: ct)))
            .ToDictionary(x => x.Name, x => x.Type, StringComparer.Ordinal);
        return target.InsertColumns.Select(c => types[c]).ToArray();
    }
}

/// <summary>
/// SQL Server: SqlBulkCopy into a #temp table, then one MERGE whose OUTPUT $action counts inserts and updates.
/// Written to the same contract as the other engines but not exercised here (no SQL Server runs on these machines).
/// </summary>
internal sealed class SqlServerBulkUpsert(SqlConnection connection, BulkUpsertTarget target) : IBulkUpsert
{
    private bool _staging;

    private string Staging => "#" + target.StagingTable;

    public long Staged { get; private set; }

    public bool WritesWhileStaging => false;

    public bool BlocksOtherWriters => false;

    /// <summary>New rows are staged and MERGEd like the others, so the table's trigger runs for them as usual.</summary>
    public bool SkipsInsertTriggers => false;

    public Task InsertNewAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct) => StageAsync(rows, transaction, ct);

    public async Task StageAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await EnsureStagingAsync(ct);
        using var table = new DataTable();
        foreach (var column in target.InsertColumns)
        {
            table.Columns.Add(column, typeof(object));
        }

        foreach (var row in rows)
        {
            table.Rows.Add(row.Select(v => v switch
            {
                null => DBNull.Value,
                DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                DateTimeOffset o => o.ToUniversalTime(),
                _ => v,
            }).ToArray());
        }

        using var copy = new SqlBulkCopy(connection) { DestinationTableName = Staging, BatchSize = 0, BulkCopyTimeout = 0 };
        foreach (var column in target.InsertColumns)
        {
            copy.ColumnMappings.Add(column, column);
        }

        await copy.WriteToServerAsync(table, ct);
        Staged += rows.Count;
    }

    public async Task<BulkUpsertCounts> MergeAsync(DbTransaction transaction, CancellationToken ct)
    {
        await EnsureStagingAsync(ct);
        var t = target;
        var merge = $"""
            DECLARE @actions TABLE (merge_action nvarchar(10));
            MERGE {t.Table} WITH (HOLDLOCK) AS t
            USING {Staging} AS s
            ON {string.Join(" AND ", t.KeyColumns.Select(c => $"t.{c} = s.{c}"))}
            WHEN MATCHED AND ({t.ChangedWhen}) THEN UPDATE SET {string.Join(", ", t.UpdateColumns.Select(c => $"{c} = s.{c}"))}
            WHEN NOT MATCHED THEN INSERT ({t.ColumnList}) VALUES ({string.Join(", ", t.InsertColumns.Select(c => "s." + c))})
            OUTPUT $action INTO @actions;
            SELECT CAST(count(CASE WHEN merge_action = 'INSERT' THEN 1 END) AS bigint), CAST(count(CASE WHEN merge_action = 'UPDATE' THEN 1 END) AS bigint) FROM @actions;
            """;
        var (created, updated) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(merge, transaction: transaction, cancellationToken: ct, commandTimeout: 0));
        return new BulkUpsertCounts(created, updated, Staged - created - updated);
    }

    public async ValueTask DisposeAsync()
    {
        if (_staging && connection.State == ConnectionState.Open)
        {
            var drop = $"DROP TABLE IF EXISTS {Staging}";
            await connection.ExecuteAsync(new CommandDefinition(drop));
        }
    }

    private async Task EnsureStagingAsync(CancellationToken ct)
    {
        if (_staging)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"DROP TABLE IF EXISTS {Staging}; SELECT TOP 0 {target.ColumnList} INTO {Staging} FROM {target.Table};", cancellationToken: ct));
        _staging = true;
    }
}

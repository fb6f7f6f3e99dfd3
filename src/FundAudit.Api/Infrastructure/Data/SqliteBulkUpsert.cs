using System.Data;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FundAudit.Api.Infrastructure.Data;

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
    /// <summary>
    /// Rows per multi-row INSERT … VALUES (…),(…): far fewer statement steps than one row each, well under SQLite's
    /// 32766 parameters.
    /// </summary>
    internal const int RowsPerStatement = 64;

    // Prepared INSERT statements by their number of rows (RowsPerStatement, and the remainder of a batch), bound by
    // position through SQLitePCL directly: Microsoft.Data.Sqlite binds by name, a linear search per parameter that
    // makes wide multi-row statements quadratic.
    private readonly Dictionary<int, SqliteValues.Prepared> _inserts = [];
    private readonly Dictionary<int, SqliteValues.Prepared> _direct = [];
    private bool _staging;
    private long _inserted;
    private (long Main, long Temp)? _cacheSizes;

    // The insert triggers dropped inside the load transaction, with the SQL that creates them again.
    private List<string>? _droppedTriggers;

    /// <summary>
    /// Page cache of this connection while it imports, per database (main and temp), in KiB: the merge maintains three
    /// indexes.
    /// </summary>
    internal const int ImportCacheKiB = 32_768;

    public long Staged { get; private set; }

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

        var tx = BulkUpsertGuards.RequireLoadTransaction(transaction, "SQLite");
        await EnsureCacheAsync(tx, ct);
        await DropInsertTriggersAsync(tx, ct);
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
            var sql = await connection.ExecuteScalarAsync<string?>(
                new CommandDefinition(
                    "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = @Table AND name = @Name",
                    new { Table = target.Table, Name = name },
                    transaction,
                    cancellationToken: ct
                )
            ) ?? throw new InvalidOperationException($"The trigger {name} on {target.Table} does not exist.");
            await connection.ExecuteAsync(
                new CommandDefinition($"DROP TRIGGER main.{name}", transaction: transaction, cancellationToken: ct)
            );
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

    private void Insert(
        Dictionary<int, SqliteValues.Prepared> statements,
        string table,
        IReadOnlyList<object?[]> rows,
        CancellationToken ct
    )
    {
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            ct.ThrowIfCancellationRequested();
            var count = Math.Min(RowsPerStatement, rows.Count - start);
            var prepared = InsertFor(statements, table, count);
            var insert = prepared.Statement;
            var bound = prepared.Bound;
            var p = 1;
            for (var r = start; r < start + count; r++)
            {
                foreach (var value in rows[r])
                {
                    if (!SqliteValues.Same(bound[p], value))
                    {
                        bound[p] = SqliteValues.Unknown; // until the bind succeeds: a failed bind leaves NULL
                        Check(SqliteValues.Bind(insert, p, value));
                        bound[p] = value;
                    }

                    p++;
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

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc);
        }
    }

    private SqliteValues.Prepared InsertFor(
        Dictionary<int, SqliteValues.Prepared> statements,
        string table,
        int rowCount
    )
    {
        if (statements.TryGetValue(rowCount, out var prepared))
        {
            return prepared;
        }

        var t = target;
        var columns = t.InsertColumns.Count;
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", columns)) + ")";
        var sql = $"INSERT INTO {table} ({t.ColumnList}) VALUES {string.Join(",\n", Enumerable.Repeat(row, rowCount))}";
        Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out var insert));
        prepared = new SqliteValues.Prepared(insert, columns * rowCount);
        statements[rowCount] = prepared;
        return prepared;
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
        var maxBefore = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(
                $"SELECT coalesce(max({t.IdColumn}), 0) FROM main.{t.Table}",
                transaction: transaction,
                cancellationToken: ct
            )
        );
        var merge = $"""
            INSERT INTO main.{t.Table} AS t ({t.ColumnList})
            SELECT {t.ColumnList} FROM temp.{t.StagingTable} WHERE true
            ON CONFLICT ({string.Join(", ", t.KeyColumns)}) DO UPDATE SET
              {MergeCondition.SetList(t.UpdateColumns, t.UpdateValues, "t", "excluded", ",\n  ")}
            WHERE {MergeCondition.Render(t.ChangedWhen, "t", "excluded")}
            """;
        var affected = await connection.ExecuteAsync(
            new CommandDefinition(merge, transaction: transaction, cancellationToken: ct, commandTimeout: 0)
        );
        var created = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(
                $"SELECT count(*) FROM main.{t.Table} WHERE {t.IdColumn} > @MaxBefore",
                new { MaxBefore = maxBefore },
                transaction,
                cancellationToken: ct
            )
        );
        return new BulkUpsertCounts(created + _inserted, affected - created, Staged - affected);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var insert in _inserts.Values.Concat(_direct.Values))
        {
            insert.Statement.Dispose();
        }

        _inserts.Clear();
        _direct.Clear();
        if (connection.State == ConnectionState.Open)
        {
            if (_staging)
            {
                await connection.ExecuteAsync(
                    new CommandDefinition($"DROP TABLE IF EXISTS temp.{target.StagingTable}")
                );
            }

            if (_cacheSizes is var (main, temp))
            {
                // The connection goes back to the pool as it came.
                await connection.ExecuteAsync(
                    new CommandDefinition(
                        $"PRAGMA main.cache_size = {main.ToString(CultureInfo.InvariantCulture)}; "
                            + $"PRAGMA temp.cache_size = {temp.ToString(CultureInfo.InvariantCulture)};"
                    )
                );
            }
        }
    }

    private async Task EnsureCacheAsync(DbTransaction? transaction, CancellationToken ct)
    {
        if (_cacheSizes is not null)
        {
            return;
        }

        _cacheSizes = (
            await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("PRAGMA main.cache_size", transaction: transaction, cancellationToken: ct)
            ),
            await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("PRAGMA temp.cache_size", transaction: transaction, cancellationToken: ct)
            )
        );
        await connection.ExecuteAsync(
            new CommandDefinition(
                $"PRAGMA main.cache_size = -{ImportCacheKiB}; PRAGMA temp.cache_size = -{ImportCacheKiB};",
                transaction: transaction,
                cancellationToken: ct
            )
        );
    }

    private async Task EnsureStagingAsync(DbTransaction? transaction, CancellationToken ct)
    {
        if (_staging)
        {
            return;
        }

        var t = target;
        _staging = true;
        await connection.ExecuteAsync(
            new CommandDefinition(
                $"DROP TABLE IF EXISTS temp.{t.StagingTable}; "
                    + $"CREATE TEMP TABLE {t.StagingTable} AS SELECT {t.ColumnList} FROM main.{t.Table} WHERE 0;",
                transaction: transaction,
                cancellationToken: ct
            )
        );
    }
}

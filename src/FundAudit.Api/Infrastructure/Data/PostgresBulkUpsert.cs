using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// PostgreSQL: rows new to the table go by binary COPY (<see cref="NpgsqlBinaryImporter"/>) straight into it inside the
/// load transaction, so the server writes them while the client still reads the file. Rows that may match stored ones
/// go by binary COPY into a session temp table, then one INSERT … SELECT … ON CONFLICT DO UPDATE WHERE changed;
/// <c>xmax = 0</c> on the returned rows marks the inserted ones.
/// </summary>
/// <remarks>
/// One COPY stays open across batches, ended only when the rows switch between the table and the staging table and
/// before the merge (<see cref="EndWritesAsync"/>): a COPY per batch made the writer wait for the server at the end of
/// every batch (the reader and mapper idle meanwhile) and ran the table's statement triggers once per batch (the
/// day-totals trigger then updated the same groups again and again, leaving a dead row version each time).
/// </remarks>
internal sealed class PostgresBulkUpsert(NpgsqlConnection connection, BulkUpsertTarget target) : IBulkUpsert
{
    private PgColumn[]? _types;
    private PgColumn[]? _tableTypes;
    private long _inserted;
    private NpgsqlBinaryImporter? _copy;
    private string? _copyTable;

    /// <summary>How a value of a column is written: by a known <see cref="NpgsqlDbType"/>, else by type name.</summary>
    private enum PgKind
    {
        Other,
        Text,
        Bigint,
        Double,
        Boolean,
        Date,
    }

    /// <summary>A column's PostgreSQL type name and how its values are written.</summary>
    private sealed record PgColumn(string TypeName, PgKind Kind)
    {
        public static PgColumn Of(string name) =>
            new(
                name,
                name switch
                {
                    "text" => PgKind.Text,
                    "bigint" => PgKind.Bigint,
                    "double precision" => PgKind.Double,
                    "boolean" => PgKind.Boolean,
                    "date" => PgKind.Date,
                    _ => PgKind.Other,
                }
            );
    }

    public long Staged { get; private set; }

    public async Task StageAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var types = await EnsureStagingAsync(ct);
        var copy = await CopyIntoAsync(target.StagingTable, ct);
        Write(copy, types, rows, ct);
        Staged += rows.Count;
    }

    /// <summary>
    /// Binary COPY into the table itself: no staging, no merge (the caller's transaction is the connection's). The COPY
    /// stays open for the next batches (see the class remarks).
    /// </summary>
    public async Task InsertNewAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        BulkUpsertGuards.RequireLoadTransaction(transaction, "PostgreSQL");
        _tableTypes ??= await ColumnTypesAsync($"to_regclass('{target.Table}')", null, ct);
        var copy = await CopyIntoAsync(target.Table, ct);
        Write(copy, _tableTypes, rows, ct);
        _inserted += rows.Count;
    }

    /// <summary>Ends the open COPY, if any; the server then runs the table's statement triggers once for it.</summary>
    public async Task EndWritesAsync(CancellationToken ct)
    {
        if (_copy is { } copy)
        {
            _copy = null;
            _copyTable = null;
            await using (copy)
            {
                await copy.CompleteAsync(ct);
            }
        }
    }

    /// <summary>Cancels the open COPY, if any, so the connection can roll back: none of its rows are stored.</summary>
    public async ValueTask CancelWritesAsync()
    {
        if (_copy is { } copy)
        {
            _copy = null;
            _copyTable = null;
            await copy.DisposeAsync();
        }
    }

    /// <summary>The COPY open into <paramref name="table"/>: the one open, or a new one (ending another).</summary>
    private async Task<NpgsqlBinaryImporter> CopyIntoAsync(string table, CancellationToken ct)
    {
        if (_copy is not null && _copyTable == table)
        {
            return _copy;
        }

        await EndWritesAsync(ct);
        _copy = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({target.ColumnList}) FROM STDIN (FORMAT BINARY)",
            ct
        );
        _copy.Timeout = TimeSpan.Zero; // no timeout: the end of a long COPY waits for the server's triggers over it
        _copyTable = table;
        return _copy;
    }

    /// <summary>
    /// Synchronous, typed writes: the importer buffers and only blocks to send a full buffer (to a server that is
    /// behind), while an awaited write per value resolved by type name cost more than the server's work on the row.
    /// </summary>
    private static void Write(
        NpgsqlBinaryImporter importer,
        PgColumn[] columns,
        IReadOnlyList<object?[]> rows,
        CancellationToken ct
    )
    {
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            importer.StartRow();
            for (var i = 0; i < row.Length; i++)
            {
                var column = columns[i];
                switch (row[i])
                {
                    case null:
                        importer.WriteNull();
                        break;
                    case string text when column.Kind == PgKind.Text:
                        importer.Write(text, NpgsqlDbType.Text);
                        break;
                    case long number when column.Kind == PgKind.Bigint:
                        importer.Write(number, NpgsqlDbType.Bigint);
                        break;
                    case double number when column.Kind == PgKind.Double:
                        importer.Write(number, NpgsqlDbType.Double);
                        break;
                    case bool flag when column.Kind == PgKind.Boolean:
                        importer.Write(flag, NpgsqlDbType.Boolean);
                        break;
                    case DateOnly date when column.Kind == PgKind.Date:
                        importer.Write(date, NpgsqlDbType.Date);
                        break;
                    case DateTimeOffset instant:
                        importer.Write(instant.ToUniversalTime(), column.TypeName);
                        break;
                    case var value:
                        importer.Write(value, column.TypeName);
                        break;
                }
            }
        }
    }

    public async Task<BulkUpsertCounts> MergeAsync(DbTransaction transaction, CancellationToken ct)
    {
        await EndWritesAsync(ct);
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
                {MergeCondition.SetList(t.UpdateColumns, t.UpdateValues, "t", "excluded", ",\n    ")}
              WHERE {MergeCondition.Render(t.ChangedWhen, "t", "excluded")}
              RETURNING (t.xmax = 0) AS inserted)
            SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated
            FROM merged
            """;
        var (created, updated) = await connection.QuerySingleAsync<(long, long)>(
            new CommandDefinition(merge, transaction: transaction, cancellationToken: ct, commandTimeout: 0)
        );
        return new BulkUpsertCounts(created + _inserted, updated, Staged - created - updated);
    }

    public async ValueTask DisposeAsync()
    {
        await CancelWritesAsync();
        if (_types is not null && connection.State == ConnectionState.Open)
        {
            var drop = $"DROP TABLE IF EXISTS {target.StagingTable}";
            await connection.ExecuteAsync(new CommandDefinition(drop));
        }
    }

    private async Task<PgColumn[]> EnsureStagingAsync(CancellationToken ct)
    {
        if (_types is not null)
        {
            return _types;
        }

        await EndWritesAsync(ct); // the connection runs one thing at a time
        var t = target;
        await connection.ExecuteAsync(
            new CommandDefinition(
                $"DROP TABLE IF EXISTS {t.StagingTable}; CREATE TEMP TABLE {t.StagingTable} ON COMMIT PRESERVE ROWS "
                    + $"AS SELECT {t.ColumnList} FROM {t.Table} WITH NO DATA;",
                cancellationToken: ct
            )
        );
        _types = await ColumnTypesAsync("to_regclass('pg_temp.' || @Table)", t.StagingTable, ct);
        return _types;
    }

    /// <summary>
    /// The PostgreSQL type of each insert column of a relation, in <see cref="BulkUpsertTarget.InsertColumns"/> order.
    /// </summary>
    private async Task<PgColumn[]> ColumnTypesAsync(string relation, string? table, CancellationToken ct)
    {
        await EndWritesAsync(ct);
        var types = (
            await connection.QueryAsync<(string Name, string Type)>(
                new CommandDefinition(
                    $"""
                    SELECT a.attname, format_type(a.atttypid, NULL)
                    FROM pg_attribute a
                    WHERE a.attrelid = {relation} AND a.attnum > 0 AND NOT a.attisdropped
                    """,
                    new { Table = table },
                    cancellationToken: ct
                )
            )
        ).ToDictionary(x => x.Name, x => x.Type, StringComparer.Ordinal);
        return target.InsertColumns.Select(c => PgColumn.Of(types[c])).ToArray();
    }
}

using System.Data;
using Npgsql;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// PostgreSQL: rows new to the table go by binary COPY (<see cref="NpgsqlBinaryImporter"/>) straight into it, batch by
/// batch inside the load transaction, so the server writes them while the client still reads the file. Rows that may
/// match stored ones go by binary COPY into a session temp table, then one INSERT … SELECT … ON CONFLICT DO UPDATE
/// WHERE changed; <c>xmax = 0</c> on the returned rows marks the inserted ones.
/// </summary>
internal sealed class PostgresBulkUpsert(NpgsqlConnection connection, BulkUpsertTarget target) : IBulkUpsert
{
    private string[]? _types;
    private string[]? _tableTypes;
    private long _inserted;

    public long Staged { get; private set; }

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

    /// <summary>
    /// Binary COPY into the table itself: no staging, no merge (the caller's transaction is the connection's).
    /// </summary>
    public async Task InsertNewAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        BulkUpsertGuards.RequireLoadTransaction(transaction, "PostgreSQL");
        _tableTypes ??= await ColumnTypesAsync($"to_regclass('{target.Table}')", null, ct);
        await CopyAsync(target.Table, _tableTypes, rows, ct);
        _inserted += rows.Count;
    }

    private async Task CopyAsync(string table, string[] types, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({target.ColumnList}) FROM STDIN (FORMAT BINARY)",
            ct
        );

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
    private async Task<string[]> ColumnTypesAsync(string relation, string? table, CancellationToken ct)
    {
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
        return target.InsertColumns.Select(c => types[c]).ToArray();
    }
}

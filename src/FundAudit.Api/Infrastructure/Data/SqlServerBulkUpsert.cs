using System.Data;
using Microsoft.Data.SqlClient;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// SQL Server: SqlBulkCopy into a #temp table, then one MERGE whose OUTPUT $action counts inserts and updates.
/// Written to the same contract as the other engines but not exercised here (no SQL Server runs on these machines).
/// </summary>
internal sealed class SqlServerBulkUpsert(SqlConnection connection, BulkUpsertTarget target) : IBulkUpsert
{
    private bool _staging;

    private string Staging => "#" + target.StagingTable;

    public long Staged { get; private set; }

    /// <summary>
    /// New rows are staged and MERGEd like the others, so the table's trigger runs for them as usual.
    /// </summary>
    public Task InsertNewAsync(IReadOnlyList<object?[]> rows, DbTransaction? transaction, CancellationToken ct) =>
        StageAsync(rows, transaction, ct);

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
            table.Rows.Add(
                row.Select(v =>
                        v switch
                        {
                            null => DBNull.Value,
                            DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                            DateTimeOffset o => o.ToUniversalTime(),
                            _ => v,
                        }
                    )
                    .ToArray()
            );
        }

        using var copy = new SqlBulkCopy(connection)
        {
            DestinationTableName = Staging,
            BatchSize = 0,
            BulkCopyTimeout = 0,
        };
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
            WHEN MATCHED AND ({MergeCondition.Render(t.ChangedWhen, "t", "s")})
              THEN UPDATE SET {string.Join(", ", t.UpdateColumns.Select(c => $"{c} = s.{c}"))}
            WHEN NOT MATCHED
              THEN INSERT ({t.ColumnList}) VALUES ({string.Join(", ", t.InsertColumns.Select(c => "s." + c))})
            OUTPUT $action INTO @actions;
            SELECT CAST(count(CASE WHEN merge_action = 'INSERT' THEN 1 END) AS bigint),
                   CAST(count(CASE WHEN merge_action = 'UPDATE' THEN 1 END) AS bigint)
            FROM @actions;
            """;
        var (created, updated) = await connection.QuerySingleAsync<(long, long)>(
            new CommandDefinition(merge, transaction: transaction, cancellationToken: ct, commandTimeout: 0)
        );
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

        await connection.ExecuteAsync(
            new CommandDefinition(
                $"DROP TABLE IF EXISTS {Staging}; SELECT TOP 0 {target.ColumnList} INTO {Staging} FROM {target.Table};",
                cancellationToken: ct
            )
        );
        _staging = true;
    }
}

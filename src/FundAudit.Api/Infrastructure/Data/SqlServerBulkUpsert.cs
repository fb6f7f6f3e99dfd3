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

    private string Staging => StagingName(target);

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
        var merge = MergeSql(target);
        var (created, updated) = await connection.QuerySingleAsync<(long, long)>(
            new CommandDefinition(merge, transaction: transaction, cancellationToken: ct, commandTimeout: 0)
        );
        return new BulkUpsertCounts(created, updated, Staged - created - updated);
    }

    public async ValueTask DisposeAsync()
    {
        if (_staging && connection.State == ConnectionState.Open)
        {
            await connection.ExecuteAsync(new CommandDefinition(DropStagingSql(target)));
        }
    }

    private async Task EnsureStagingAsync(CancellationToken ct)
    {
        if (_staging)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(CreateStagingSql(target), cancellationToken: ct));
        _staging = true;
    }

    /// <summary>The connection-private staging table of <paramref name="t"/>.</summary>
    internal static string StagingName(BulkUpsertTarget t) => "#" + t.StagingTable;

    /// <summary>Creates the staging table empty, shaped like the target's columns.</summary>
    internal static string CreateStagingSql(BulkUpsertTarget t) =>
        $"DROP TABLE IF EXISTS {StagingName(t)}; SELECT TOP 0 {t.ColumnList} INTO {StagingName(t)} FROM {t.Table};";

    /// <summary>Drops the staging table.</summary>
    internal static string DropStagingSql(BulkUpsertTarget t) => $"DROP TABLE IF EXISTS {StagingName(t)}";

    /// <summary>
    /// The one MERGE of the staged rows into the target, answering (inserted, updated) from its OUTPUT $action.
    /// </summary>
    internal static string MergeSql(BulkUpsertTarget t) =>
        $"""
            DECLARE @actions TABLE (merge_action nvarchar(10));
            MERGE {t.Table} WITH (HOLDLOCK) AS t
            USING {StagingName(t)} AS s
            ON {string.Join(" AND ", t.KeyColumns.Select(c => $"t.{c} = s.{c}"))}
            WHEN MATCHED AND ({MergeCondition.Render(t.ChangedWhen, "t", "s")})
              THEN UPDATE SET {MergeCondition.SetList(t.UpdateColumns, t.UpdateValues, "t", "s", ", ")}
            WHEN NOT MATCHED
              THEN INSERT ({t.ColumnList}) VALUES ({string.Join(", ", t.InsertColumns.Select(c => "s." + c))})
            OUTPUT $action INTO @actions;
            SELECT CAST(count(CASE WHEN merge_action = 'INSERT' THEN 1 END) AS bigint),
                   CAST(count(CASE WHEN merge_action = 'UPDATE' THEN 1 END) AS bigint)
            FROM @actions;
            """;
}

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Rows upserted in as few statements as the engine allows: a multi-row upsert (<see cref="IDbDialect.UpsertRows"/>)
/// per chunk of <see cref="IDbDialect.UpsertRowsPerStatement"/> rows. On PostgreSQL that is one round trip, and one
/// firing of the target's statement-level triggers, per chunk instead of per row. Where the engine takes one row per
/// statement (SQLite), one prepared statement runs once per row. Runs inside the caller's transaction, which keeps the
/// write all or nothing.
/// </summary>
internal static class MultiRowUpsert
{
    /// <summary>
    /// Writes <paramref name="rows"/> (values in the order of <see cref="BulkUpsertTarget.InsertColumns"/>, keys
    /// distinct) into <paramref name="target"/>'s table.
    /// </summary>
    public static async Task WriteAsync(
        DbTransaction tx,
        IDbDialect dialect,
        BulkUpsertTarget target,
        IReadOnlyList<object?[]> rows,
        CancellationToken ct
    )
    {
        var perStatement = dialect.UpsertRowsPerStatement(target.InsertColumns.Count);
        if (perStatement == 1 && rows.Count > 0)
        {
            await tx.ExecuteAsync(Sql(dialect, target, 1), rows.Select(r => Bind([r])).ToList(), ct);
            return;
        }

        foreach (var chunk in rows.Chunk(perStatement))
        {
            await tx.ExecuteAsync(Sql(dialect, target, chunk.Length), Bind(chunk), ct);
        }
    }

    private static string Sql(IDbDialect dialect, BulkUpsertTarget target, int rows) =>
        dialect.UpsertRows(
            target.Table,
            target.KeyColumns,
            target.InsertColumns,
            target.UpdateColumns,
            target.ChangedWhen,
            target.UpdateValues,
            rows
        );

    /// <summary>The parameters of <see cref="IDbDialect.UpsertRows"/> for <paramref name="rows"/>.</summary>
    private static DynamicParameters Bind(object?[][] rows)
    {
        var p = new DynamicParameters();
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                p.Add(IDbDialect.RowParameter(r, c), rows[r][c]);
            }
        }

        return p;
    }
}

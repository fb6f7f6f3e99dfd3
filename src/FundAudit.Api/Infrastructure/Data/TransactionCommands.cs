namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// One statement inside an open transaction, on the transaction's own connection: the counterpart of
/// <see cref="Db"/>'s one-statement methods for code that writes several statements atomically.
/// </summary>
internal static class TransactionCommands
{
    /// <summary>Runs one statement inside <paramref name="tx"/>; returns the rows it changed.</summary>
    public static Task<int> ExecuteAsync(this DbTransaction tx, string sql, object? args, CancellationToken ct) =>
        ConnectionOf(tx).ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));

    /// <summary>Runs one statement inside <paramref name="tx"/>; returns the first cell of its answer.</summary>
    public static Task<T?> ExecuteScalarAsync<T>(
        this DbTransaction tx,
        string sql,
        object? args,
        CancellationToken ct
    ) => ConnectionOf(tx).ExecuteScalarAsync<T>(new CommandDefinition(sql, args, tx, cancellationToken: ct));

    /// <summary>Runs one query inside <paramref name="tx"/>: every row.</summary>
    public static async Task<List<T>> QueryListAsync<T>(
        this DbTransaction tx,
        string sql,
        object? args,
        CancellationToken ct
    ) => (await ConnectionOf(tx).QueryAsync<T>(new CommandDefinition(sql, args, tx, cancellationToken: ct))).AsList();

    private static DbConnection ConnectionOf(DbTransaction tx) =>
        tx.Connection ?? throw new InvalidOperationException("The transaction ended.");
}

using System.Runtime.CompilerServices;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Opens connections configured for the chosen engine, and carries its SQL dialect and engine I/O. Stores ask it for
/// connections, or run a one-statement query through it on a connection of its own; they never branch on the engine.
/// This one opens the main database; <see cref="RapidResponseDb"/> opens the rapid-response data.
/// </summary>
internal class Db(IDbDialect dialect, IDbEngine engine)
{
    /// <summary>The SQL fragments where the engines differ.</summary>
    public IDbDialect Dialect => dialect;

    /// <summary>The engine's own I/O paths: bulk loader, row stream, JSON totals.</summary>
    public IDbEngine Engine => engine;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = engine.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await engine.PrepareAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one query on a connection of its own: every row.</summary>
    public async Task<List<T>> QueryListAsync<T>(CommandDefinition command)
    {
        await using var connection = await OpenAsync(command.CancellationToken);
        return (await connection.QueryAsync<T>(command)).AsList();
    }

    /// <summary>Runs one query on a connection of its own: its only row, or the default when there is none.</summary>
    public async Task<T?> QuerySingleOrDefaultAsync<T>(CommandDefinition command)
    {
        await using var connection = await OpenAsync(command.CancellationToken);
        return await connection.QuerySingleOrDefaultAsync<T>(command);
    }

    /// <summary>Runs one query on a connection of its own: its first row, or the default when there is none.</summary>
    public async Task<T?> QueryFirstOrDefaultAsync<T>(CommandDefinition command)
    {
        await using var connection = await OpenAsync(command.CancellationToken);
        return await connection.QueryFirstOrDefaultAsync<T>(command);
    }

    /// <summary>Runs one statement on a connection of its own; returns the rows it changed.</summary>
    public async Task<int> ExecuteAsync(CommandDefinition command)
    {
        await using var connection = await OpenAsync(command.CancellationToken);
        return await connection.ExecuteAsync(command);
    }

    /// <summary>
    /// Runs one best-effort statement on a connection of its own without waiting for a lock: true when it ran, false
    /// when the database was busy (another writer holds the lock) and it was skipped.
    /// </summary>
    public async Task<bool> TryExecuteWithoutWaitingAsync(CommandDefinition command)
    {
        try
        {
            await using var connection = await OpenAsync(command.CancellationToken);
            return await engine.TryExecuteNowAsync(connection, command);
        }
        catch (Exception ex) when (DatabaseBusy.Is(ex))
        {
            return false;
        }
    }

    /// <summary>Runs one statement on a connection of its own; returns the first cell of its answer.</summary>
    public async Task<T?> ExecuteScalarAsync<T>(CommandDefinition command)
    {
        await using var connection = await OpenAsync(command.CancellationToken);
        return await connection.ExecuteScalarAsync<T>(command);
    }

    /// <summary>Runs one query on a connection of its own: every row. The arguments are Dapper's.</summary>
    public Task<List<T>> QueryListAsync<T>(string sql, object? args, CancellationToken ct) =>
        QueryListAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));

    /// <summary>
    /// After erasing: makes the engine drop the copies of erased pages it keeps beside this database (SQLite: a
    /// TRUNCATE checkpoint of its -wal file), on a connection of its own. False when the engine could not finish it
    /// now.
    /// </summary>
    public async Task<bool> FlushErasedAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await engine.FlushErasedAsync(connection, ct);
    }

    /// <summary>Runs one query on a connection of its own, row by row as they are read (never all in memory): the
    /// connection stays open until the enumeration ends. The arguments are Dapper's.</summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(
        string sql,
        object? args,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        await using var connection = await OpenAsync(ct);
        await foreach (var row in connection.QueryUnbufferedAsync<T>(sql, args).WithCancellation(ct))
        {
            yield return row;
        }
    }

    /// <summary>Runs one query on a connection of its own: its only row, or the default when there is none.</summary>
    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args, CancellationToken ct) =>
        QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));

    /// <summary>Runs one query on a connection of its own: its first row, or the default when there is none.</summary>
    public Task<T?> QueryFirstOrDefaultAsync<T>(string sql, object? args, CancellationToken ct) =>
        QueryFirstOrDefaultAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));

    /// <summary>Runs one statement on a connection of its own; returns the rows it changed.</summary>
    public Task<int> ExecuteAsync(string sql, object? args, CancellationToken ct) =>
        ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct));

    /// <summary>Runs one statement on a connection of its own; returns the first cell of its answer.</summary>
    public Task<T?> ExecuteScalarAsync<T>(string sql, object? args, CancellationToken ct) =>
        ExecuteScalarAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));

    /// <summary>
    /// Inserts one row into <paramref name="table"/> on a connection of its own and returns its new id. The columns
    /// are <paramref name="columns"/>; <paramref name="args"/> has a property of the same name for each.
    /// </summary>
    public async Task<long> InsertReturningIdAsync(
        string table,
        IReadOnlyList<string> columns,
        object args,
        CancellationToken ct
    ) => await ExecuteScalarAsync<long>(dialect.InsertReturningId(table, columns, "id"), args, ct);

    /// <summary>Runs <paramref name="work"/> in one transaction on a connection of its own, and commits it.</summary>
    public async Task InTransactionAsync(Func<DbTransaction, Task> work, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await work(tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Records or replaces one row in one transaction: runs <paramref name="updateSql"/>, and
    /// <paramref name="insertSql"/> when the update changed nothing. Both take <paramref name="args"/>.
    /// </summary>
    public Task UpdateOrInsertAsync(string updateSql, string insertSql, object args, CancellationToken ct) =>
        InTransactionAsync(
            async tx =>
            {
                if (await tx.ExecuteAsync(updateSql, args, ct) == 0)
                {
                    await tx.ExecuteAsync(insertSql, args, ct);
                }
            },
            ct
        );

    /// <summary>
    /// A guarded write in one transaction on a connection of its own: runs <paramref name="guard"/> (a conditional
    /// statement that answers whether it changed the row it guards); when it did not, rolls back and answers false,
    /// otherwise runs <paramref name="then"/>, commits and answers true.
    /// </summary>
    public async Task<bool> WriteIfAsync(
        Func<DbTransaction, Task<bool>> guard,
        Func<DbTransaction, Task> then,
        CancellationToken ct
    )
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await guard(tx))
        {
            await tx.RollbackAsync(ct);
            return false;
        }

        await then(tx);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// A synchronous open, for the few framework callbacks that are synchronous (the Data Protection key repository).
    /// </summary>
    public DbConnection Open()
    {
        var connection = engine.CreateConnection();
        try
        {
            connection.Open();
            engine.Prepare(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}

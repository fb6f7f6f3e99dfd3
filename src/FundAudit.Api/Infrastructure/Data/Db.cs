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

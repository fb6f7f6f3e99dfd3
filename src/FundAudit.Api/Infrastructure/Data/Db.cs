using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>Opens connections configured for the chosen engine. Stores ask it for connections; they never branch on the engine.</summary>
internal sealed class Db(IDbDialect dialect)
{
    public IDbDialect Dialect => dialect;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = dialect.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (dialect is SqliteDialect sqlite && connection is SqliteConnection)
            {
                await connection.ExecuteAsync(new CommandDefinition(sqlite.ConnectionPragmas, cancellationToken: cancellationToken));
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A synchronous open, for the few framework callbacks that are synchronous (the Data Protection key repository).</summary>
    public DbConnection Open()
    {
        var connection = dialect.CreateConnection();
        try
        {
            connection.Open();
            if (dialect is SqliteDialect sqlite && connection is SqliteConnection)
            {
                connection.Execute(sqlite.ConnectionPragmas);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}

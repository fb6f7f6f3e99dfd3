using Dapper;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>SQLite's query plan of a statement over a fresh, migrated database file (deleted afterwards).</summary>
internal static class SqlitePlans
{
    /// <summary>The lines of <c>EXPLAIN QUERY PLAN</c> of <paramref name="sql"/>, one a line.</summary>
    public static async Task<string> ExplainAsync(string sql, object? parameters = null)
    {
        var file = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "plan-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
        try
        {
            new Migrator(
                new SqliteEngine(new SqliteDialect(), connectionString, 5000),
                new DatabaseOptions { ConnectionString = connectionString },
                NullLogger<Migrator>.Instance
            ).Migrate();
            await using var connection = new SqliteConnection(connectionString);
            var rows = await connection.QueryAsync("EXPLAIN QUERY PLAN " + sql, parameters);
            return string.Join("\n", rows.Select(row => (string)row.detail));
        }
        finally
        {
            File.Delete(file);
        }
    }
}

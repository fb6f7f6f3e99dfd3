using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Instances that start together all migrate: the migration lock makes them take turns, so every one succeeds and the
/// journal lists each script once (without it, they race on CREATE TABLE and all but one crash).
/// </summary>
public sealed class MigrationLockTests
{
    private const int Migrators = 6;

    [Fact]
    public async Task Six_migrators_started_at_once_on_a_fresh_postgres_database_all_succeed_and_run_each_script_once()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        await MigrateTogetherAsync(new PostgresEngine(new PostgresDialect(), connectionString), connectionString);

        await using var connection = new NpgsqlConnection(connectionString);
        var journal = (await connection.QueryAsync<string>("SELECT scriptname FROM schemaversions")).ToList();
        AssertEachScriptOnce(journal, "postgres");
    }

    [Fact]
    public async Task Six_migrators_started_at_once_on_a_fresh_sqlite_file_all_succeed_and_run_each_script_once()
    {
        var folder = Path.Combine(
            Path.GetTempPath(),
            "fundaudit-tests",
            "migrate-" + Guid.NewGuid().ToString("N")[..8]
        );
        Directory.CreateDirectory(folder);
        var connectionString = $"Data Source={Path.Combine(folder, "fundaudit.db")}";
        await MigrateTogetherAsync(new SqliteEngine(new SqliteDialect(), connectionString, 5000), connectionString);

        await using var connection = new SqliteConnection(connectionString);
        var journal = (await connection.QueryAsync<string>("SELECT ScriptName FROM SchemaVersions")).ToList();
        AssertEachScriptOnce(journal, "sqlite");
    }

    private static async Task MigrateTogetherAsync(IDbEngine engine, string connectionString)
    {
        var options = new DatabaseOptions { ConnectionString = connectionString };
        using var start = new Barrier(Migrators);
        var runs = Enumerable
            .Range(0, Migrators)
            .Select(_ =>
                Task.Factory.StartNew(
                    () =>
                    {
                        start.SignalAndWait();
                        new Migrator(engine, options, NullLogger<Migrator>.Instance).Migrate();
                    },
                    TaskCreationOptions.LongRunning
                )
            )
            .ToList();
        var failures = new List<Exception>();
        foreach (var run in runs)
        {
            try
            {
                await run;
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        Assert.True(
            failures.Count == 0,
            $"{failures.Count} of {Migrators} migrators failed: {failures.FirstOrDefault()}"
        );
    }

    private static void AssertEachScriptOnce(List<string> journal, string folder)
    {
        var expected = Migrator.ScriptNames()[folder];
        Assert.Equal(expected.Count, journal.Count);
        Assert.Equal(expected.Count, journal.Distinct(StringComparer.Ordinal).Count());
        Assert.All(expected, script => Assert.Contains(journal, j => j.EndsWith(script, StringComparison.Ordinal)));
    }
}

using FundAudit.Api.Infrastructure.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// The app fixtures' databases start migrated: the service's own migrations (<see cref="Migrator"/>, and the SQLite
/// rapid-response file's) run once per test run into a template, a PostgreSQL database or a SQLite folder, and each
/// fixture gets a copy of it. The service's start then finds every script in the journal and runs none, as a
/// restarted service does. Migrating on start is still tested on empty databases: TwoProcessesTests, MigrationLockTests
/// and the backup's restore target create theirs with <see cref="PostgresCluster.CreateDatabaseAsync"/>.
/// </summary>
internal static class MigratedTemplate
{
    private static readonly Lazy<Task<string>> PostgresTemplate = new(
        MigratePostgresAsync,
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    private static readonly Lazy<string> SqliteTemplate = new(
        MigrateSqlite,
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    /// <summary>A new PostgreSQL database, a copy of the migrated template; answers its connection string.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync() =>
        await PostgresCluster.CreateDatabaseAsync(template: await PostgresTemplate.Value);

    /// <summary>Copies the migrated SQLite files (the main file and the rapid-response file) into
    /// <paramref name="folder"/>.</summary>
    public static void CopySqliteInto(string folder)
    {
        foreach (var file in Directory.GetFiles(SqliteTemplate.Value))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
    }

    private static async Task<string> MigratePostgresAsync()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        Migrate("postgres", connectionString);
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        // A database is copied only while nobody is connected to it: end the migration's pooled sessions.
        await using var connection = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(connection);
        await PostgresCluster.EndSessionsAsync(name);
        return name;
    }

    private static string MigrateSqlite()
    {
        var folder = Directory
            .CreateDirectory(
                Path.Combine(Path.GetTempPath(), "fundaudit-tests", "template-" + Guid.NewGuid().ToString("N"))
            )
            .FullName;
        Migrate("sqlite", $"Data Source={Path.Combine(folder, "fundaudit.db")}");
        // Closing the last connection checkpoints the WAL into the file; any file left beside it is copied too.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return folder;
    }

    /// <summary>What the service's start does first (Program.cs), with only the database's settings.</summary>
    private static void Migrate(string provider, string connectionString)
    {
        KeyValuePair<string, string?>[] settings =
        [
            new("Database:Provider", provider),
            new("Database:ConnectionString", connectionString),
        ];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection()
            .AddLogging()
            .AddFundAuditData(configuration)
            .BuildServiceProvider();
        services.MigrateDatabase();
    }
}

using System.Reflection;
using DbUp;
using Microsoft.Data.Sqlite;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>Where the rapid-response file of a SQLite installation is (see <see cref="RapidResponseDb"/>).</summary>
internal static class RapidResponseFile
{
    /// <summary>The rapid-response file's connection string: the main one's settings with another file.</summary>
    public static string ConnectionString(string mainConnectionString, string? configuredFile)
    {
        var main = new SqliteConnectionStringBuilder(mainConnectionString);
        var path = string.IsNullOrWhiteSpace(configuredFile)
            ? Path.Combine(
                Path.GetDirectoryName(Path.GetFullPath(main.DataSource)) ?? ".",
                Path.GetFileNameWithoutExtension(main.DataSource) + "-rapid-response.db"
            )
            : Path.GetFullPath(configuredFile);
        return DataServiceCollectionExtensions.SqliteConnectionString(
            new SqliteConnectionStringBuilder(mainConnectionString) { DataSource = path }.ToString()
        );
    }
}

/// <summary>
/// SQLite only (elsewhere nothing to do): applies migrations/sqlite-rapid-response/NNNN_*.sql to the rapid-response
/// file with DbUp (its own journal), then moves rapid-response rows still in the main file (an installation from
/// before the split) into it, once: see <see cref="MoveFromMainFile"/>.
/// </summary>
internal sealed class RapidResponseMigrator(
    IDbEngine engine,
    DatabaseOptions options,
    ILogger<RapidResponseMigrator> log
)
{
    /// <summary>Embedded-resource folder of the scripts (MSBuild spells the folder's dashes as underscores).</summary>
    public const string Folder = Migrator.ResourcePrefix + "sqlite_rapid_response.";

    /// <summary>The tables that live in the rapid-response file, parents before children.</summary>
    public static readonly IReadOnlyList<string> Tables =
    [
        "funds",
        "emergency_requests",
        "idempotent_responses",
        "request_events",
        "request_sla_goals",
        "request_messages",
        "request_payment_details",
        "disbursements",
        "request_access_log",
        "webhook_outbox",
    ];

    public void Migrate()
    {
        if (engine.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        var result = DeployChanges
            .To.SqliteDatabase(options.RapidResponseConnectionString!)
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), n =>
                n.StartsWith(Folder, StringComparison.Ordinal)
            )
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
        }

        MoveFromMainFile();
    }

    /// <summary>
    /// Moves the rapid-response tables of the main file into the rapid-response file, then drops them from the main
    /// file. Two transactions, because SQLite in WAL mode commits each attached file on its own: first every row is
    /// copied with its own id (INSERT OR IGNORE, so a second run after a crash copies nothing twice) and committed;
    /// then, in the main file's transaction, every main row is checked to be present, equal, in the rapid-response
    /// file (an EXCEPT over the common columns) before the tables are dropped. A crash anywhere leaves the main file's
    /// rows in place and the next start finishes the move; a difference stops the start and drops nothing.
    /// </summary>
    public void MoveFromMainFile()
    {
        using var connection = new SqliteConnection(options.ConnectionString);
        connection.Open();
        connection.Execute($"PRAGMA busy_timeout = {options.BusyTimeoutMs}; PRAGMA foreign_keys = OFF;");
        var present = Tables.Where(t => TableExists(connection, "main", t)).ToList();
        if (present.Count == 0)
        {
            return;
        }

        var file = new SqliteConnectionStringBuilder(options.RapidResponseConnectionString).DataSource;
        connection.Execute("ATTACH DATABASE @File AS rapid", new { File = file });
        var columns = present.ToDictionary(t => t, t => CommonColumns(connection, t));
        long rows = 0;
        using (var copy = connection.BeginTransaction())
        {
            foreach (var (table, cols) in columns)
            {
                rows += connection.Execute(
                    $"INSERT OR IGNORE INTO rapid.{table} ({cols}) SELECT {cols} FROM main.{table}",
                    transaction: copy
                );
            }

            copy.Commit();
        }

        using (var drop = connection.BeginTransaction())
        {
            foreach (var (table, cols) in columns)
            {
                var missing = connection.ExecuteScalar<long>(
                    $"SELECT COUNT(*) FROM (SELECT {cols} FROM main.{table} EXCEPT SELECT {cols} FROM rapid.{table})",
                    transaction: drop
                );
                if (missing != 0)
                {
                    throw new InvalidOperationException(
                        $"Moving {table} into the rapid-response file: {missing} rows of the main file differ from "
                            + "the rows stored there; nothing was dropped. Compare the two files before starting again."
                    );
                }
            }

            foreach (var table in present.AsEnumerable().Reverse())
            {
                connection.Execute($"DROP TABLE main.{table}", transaction: drop);
            }

            drop.Commit();
        }

        connection.Execute("DETACH DATABASE rapid");
        connection.Execute("PRAGMA main.wal_checkpoint(TRUNCATE)");
        log.LogInformation(
            "Moved {Rows} rapid-response rows of {Tables} tables from the main file into the rapid-response file.",
            rows,
            present.Count
        );
    }

    private static bool TableExists(SqliteConnection connection, string schema, string table) =>
        connection.ExecuteScalar<long>(
            $"SELECT COUNT(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = @Table",
            new { Table = table }
        ) > 0;

    /// <summary>The columns the table has in both files, in the main file's order.</summary>
    private static string CommonColumns(SqliteConnection connection, string table)
    {
        var main = connection.Query<string>($"SELECT name FROM pragma_table_info('{table}', 'main')").AsList();
        var rapid = connection.Query<string>($"SELECT name FROM pragma_table_info('{table}', 'rapid')").ToHashSet();
        return string.Join(", ", main.Where(rapid.Contains));
    }
}

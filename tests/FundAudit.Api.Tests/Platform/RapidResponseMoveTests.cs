using System.Globalization;
using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Issue 17: a SQLite installation from before the rapid-response file kept the rapid-response tables in its main file.
/// On start the migrator moves their rows into the new file once (ATTACH, copy, compare, drop), on real files: a
/// second start does nothing, a start after a crash between the copy and the drop finishes the move without
/// duplicates, and a main row that differs from the one already in the new file stops the start and drops nothing.
/// </summary>
public sealed class RapidResponseMoveTests : IDisposable
{
    private readonly string _folder = Path.Combine(
        Path.GetTempPath(),
        "fundaudit-tests",
        "move-" + Guid.NewGuid().ToString("N")[..12]
    );
    private readonly DatabaseOptions _options;

    public RapidResponseMoveTests()
    {
        Directory.CreateDirectory(_folder);
        var main = DataServiceCollectionExtensions.SqliteConnectionString(
            $"Data Source={Path.Combine(_folder, "fundaudit.db")}"
        );
        _options = new DatabaseOptions
        {
            Provider = "sqlite",
            ConnectionString = main,
            RapidResponseConnectionString = RapidResponseFile.ConnectionString(main, null),
        };
    }

    private string MainFile => new SqliteConnectionStringBuilder(_options.ConnectionString).DataSource;

    private string RapidFile => new SqliteConnectionStringBuilder(_options.RapidResponseConnectionString).DataSource;

    private SqliteEngine Engine => new(new SqliteDialect(), _options.ConnectionString!, 5000);

    private RapidResponseMigrator Rapid => new(Engine, _options, NullLogger<RapidResponseMigrator>.Instance);

    /// <summary>The main file as the service before the split left it, with two rows in every moving table.</summary>
    private Dictionary<string, List<string>> OldInstallation()
    {
        new Migrator(Engine, _options, NullLogger<Migrator>.Instance).Migrate();
        using var connection = new SqliteConnection(_options.ConnectionString);
        connection.Open();
        connection.Execute("PRAGMA foreign_keys = OFF"); // made-up ids: the rows need not point at each other
        foreach (var table in RapidResponseMigrator.Tables)
        {
            var columns = connection
                .Query<(string Name, string Type, long NotNull)>(
                    $"SELECT name, type, \"notnull\" FROM pragma_table_info('{table}')"
                )
                .AsList();
            for (var row = 1; row <= 2; row++)
            {
                var values = columns.Select(c =>
                    row == 2 && c.NotNull == 0 ? "NULL"
                    : c.Type == "INTEGER" ? row.ToString(CultureInfo.InvariantCulture)
                    : $"'{table}.{c.Name}.{row}'"
                );
                connection.Execute(
                    $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) "
                        + $"VALUES ({string.Join(", ", values)})"
                );
            }
        }

        return Rows(_options.ConnectionString!);
    }

    /// <summary>Every row of every moving table in a file, as text (empty for a table the file lacks).</summary>
    private static Dictionary<string, List<string>> Rows(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in RapidResponseMigrator.Tables)
        {
            var exists = connection.ExecuteScalar<long>(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table",
                new { table }
            );
            rows[table] =
                exists == 0
                    ? []
                    : connection
                        .Query($"SELECT * FROM {table} ORDER BY rowid")
                        .Select(r =>
                            string.Join(
                                "|",
                                ((IDictionary<string, object?>)r).Select(p => $"{p.Key}={p.Value ?? "NULL"}")
                            )
                        )
                        .ToList();
        }

        return rows;
    }

    private static void Copy(string from, string to)
    {
        SqliteConnection.ClearAllPools();
        using var source = new SqliteConnection($"Data Source={from}");
        using var target = new SqliteConnection($"Data Source={to}");
        source.Open();
        target.Open();
        source.BackupDatabase(target);
    }

    private void AssertMoved(Dictionary<string, List<string>> before)
    {
        var main = Rows(_options.ConnectionString!);
        Assert.All(RapidResponseMigrator.Tables, t => Assert.Empty(main[t])); // dropped from the main file
        var rapid = Rows(_options.RapidResponseConnectionString!);
        Assert.All(RapidResponseMigrator.Tables, t =>
            Assert.Equal(before[t], rapid[t].Select(r => Moved(before[t], r)))
        );
    }

    /// <summary>
    /// A row of the rapid-response file as the old main file had it: columns that later rapid-response migrations
    /// added (absent from the old layout) must be NULL on moved rows, and are left out of the comparison.
    /// </summary>
    private static string Moved(List<string> oldRows, string row)
    {
        var oldColumns = oldRows[0].Split('|').Select(p => p[..p.IndexOf('=')]).ToHashSet(StringComparer.Ordinal);
        var parts = row.Split('|');
        Assert.All(parts.Where(p => !oldColumns.Contains(p[..p.IndexOf('=')])), p => Assert.EndsWith("=NULL", p));
        return string.Join("|", parts.Where(p => oldColumns.Contains(p[..p.IndexOf('=')])));
    }

    [Fact]
    public void The_rapid_response_scripts_are_numbered_from_0001_and_all_embedded()
    {
        var onDisk = Directory
            .GetFiles(Path.Combine(RepoPaths.Root, "migrations", "sqlite-rapid-response"), "*.sql")
            .Select(f => Path.GetFileName(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(onDisk);
        for (var i = 0; i < onDisk.Count; i++)
        {
            Assert.StartsWith($"{i + 1:0000}_", onDisk[i], StringComparison.Ordinal);
        }

        Assert.Equal(onDisk, Migrator.ScriptNames()["sqlite_rapid_response"]);
    }

    [Fact]
    public void An_old_installation_has_its_rows_moved_once_and_its_main_tables_dropped()
    {
        var before = OldInstallation();
        Assert.All(RapidResponseMigrator.Tables, t => Assert.Equal(2, before[t].Count));
        Assert.False(File.Exists(RapidFile));

        Rapid.Migrate();
        AssertMoved(before);

        Rapid.Migrate(); // the next start: nothing left to move, nothing copied twice
        AssertMoved(before);
    }

    [Fact]
    public void A_move_stopped_between_the_copy_and_the_drop_is_finished_by_the_next_start_without_duplicates()
    {
        var before = OldInstallation();
        var saved = Path.Combine(_folder, "main-before-the-drop.db");
        Copy(MainFile, saved);
        Rapid.Migrate();
        Copy(saved, MainFile); // the main file as a crash before the drop left it; the copy is in the new file

        Assert.Equal(before, Rows(_options.ConnectionString!));
        Rapid.Migrate();
        AssertMoved(before);
    }

    [Fact]
    public void A_main_row_that_differs_from_the_new_file_stops_the_start_and_drops_nothing()
    {
        var before = OldInstallation();
        var saved = Path.Combine(_folder, "main-before-the-drop.db");
        Copy(MainFile, saved);
        Rapid.Migrate();
        Copy(saved, MainFile);
        using (var rapid = new SqliteConnection(_options.RapidResponseConnectionString))
        {
            rapid.Open();
            rapid.Execute("UPDATE emergency_requests SET state = 'changed elsewhere' WHERE id = 1");
        }

        var refused = Assert.Throws<InvalidOperationException>(() => Rapid.Migrate());
        Assert.Contains("emergency_requests", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Rows(_options.ConnectionString!)); // the main file keeps every row
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // temp space
        }
    }
}

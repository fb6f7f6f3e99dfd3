using Dapper;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// A new SQLite file gets <c>Database:SqlitePageSize</c> (16 KiB pages hold seven 2.3 kB grant rows where 4 KiB pages
/// hold one); a file that already has pages keeps its own, and a size SQLite would silently ignore is refused.
/// </summary>
public sealed class SqlitePageSizeTests
{
    [Fact]
    public async Task A_new_file_is_migrated_with_16_KiB_pages_in_WAL_mode()
    {
        var connectionString = NewFile();

        Migrate(connectionString, new DatabaseOptions { ConnectionString = connectionString });

        await using var connection = new SqliteConnection(connectionString);
        Assert.Equal(16384, await connection.ExecuteScalarAsync<long>("PRAGMA page_size"));
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM grants"));
    }

    [Fact]
    public async Task A_file_that_already_has_pages_keeps_its_page_size()
    {
        var connectionString = NewFile();
        await using (var existing = new SqliteConnection(connectionString))
        {
            await existing.ExecuteAsync("PRAGMA page_size = 4096; CREATE TABLE older (id INTEGER PRIMARY KEY);");
        }

        Migrate(connectionString, new DatabaseOptions { ConnectionString = connectionString, SqlitePageSize = 8192 });

        await using var connection = new SqliteConnection(connectionString);
        Assert.Equal(4096, await connection.ExecuteScalarAsync<long>("PRAGMA page_size"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM grants"));
    }

    [Fact]
    public void A_page_size_that_is_not_a_power_of_two_is_refused_before_the_file_is_written()
    {
        var connectionString = NewFile();

        var error = Assert.Throws<InvalidOperationException>(() =>
            Migrate(
                connectionString,
                new DatabaseOptions { ConnectionString = connectionString, SqlitePageSize = 10000 }
            )
        );

        Assert.Contains("Database:SqlitePageSize", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(new SqliteConnectionStringBuilder(connectionString).DataSource).Length);
    }

    private static void Migrate(string connectionString, DatabaseOptions options) =>
        new Migrator(
            new SqliteEngine(new SqliteDialect(), connectionString, 5000),
            options,
            NullLogger<Migrator>.Instance
        ).Migrate();

    private static string NewFile()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "pages-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "fundaudit.db");
        File.WriteAllBytes(file, []);
        return $"Data Source={file};Pooling=False";
    }
}

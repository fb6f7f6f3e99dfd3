using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// The storage floor of issue 18: the engine's own <c>INSERT INTO grants SELECT …</c> of the same finished rows the
/// import stored, into a fresh copy of the service's schema (every migration applied: indexes, triggers, foreign keys),
/// on a connection opened the way the service opens it (SQLite: WAL, synchronous=FULL, secure_delete; PostgreSQL: the
/// default read-committed transaction), in one transaction, timed with its commit. The source rows are staged untimed:
/// SQLite reads them from the import's file (ATTACH); PostgreSQL copies them (binary COPY) into an unindexed table
/// of the fresh database first. Also measures what a grant costs to store: table + index bytes.
/// </summary>
internal static class StorageFloor
{
    /// <summary>The finished rows of one funder, written again into a fresh schema; returns the time and its bytes.</summary>
    public static async Task<(TimeSpan Elapsed, StoredBytes Bytes)> RunAsync(
        string engine,
        string sourceConnectionString,
        long sourceFunderId,
        string floorConnectionString,
        Func<string, ServiceProvider> buildServices
    )
    {
        await using var services = buildServices(floorConnectionString);
        services.MigrateDatabase();
        var funder = await services
            .GetRequiredService<TenancyStore>()
            .CreateFunderAsync("Floor funder", DateTimeOffset.UtcNow, CancellationToken.None);
        var db = services.GetRequiredService<Db>();
        await using var connection = await db.OpenAsync();
        var columns = await GrantColumnsAsync(engine, connection);
        var list = string.Join(", ", columns);
        // The rows' references are the floor database's own: its funder and, where grants name the import that wrote
        // them (import_id), an import recorded there like the benchmark's.
        var import = columns.Contains("import_id")
            ? await services
                .GetRequiredService<GrantImportStore>()
                .CreateAsync(
                    funder.Id,
                    "floor.csv",
                    "floor.csv",
                    new string('0', 64),
                    0,
                    null,
                    "bench",
                    DateTimeOffset.UtcNow,
                    CancellationToken.None
                )
            : 0;
        var values = string.Join(
            ", ",
            columns.Select(c =>
                c switch
                {
                    "funder_id" => "@funder",
                    "import_id" => "@import",
                    _ => c,
                }
            )
        );
        string from;
        if (engine == "sqlite")
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(sourceConnectionString).DataSource;
            await connection.ExecuteAsync(
                $"ATTACH DATABASE '{file.Replace("'", "''", StringComparison.Ordinal)}' AS src"
            );
            from = $"src.grants WHERE funder_id = {sourceFunderId.ToString(CultureInfo.InvariantCulture)}";
        }
        else
        {
            await StagePostgresAsync(sourceConnectionString, sourceFunderId, (NpgsqlConnection)connection, list);
            from = "floor_source";
        }

        var clock = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync(
                new CommandDefinition(
                    $"INSERT INTO grants ({list}) SELECT {values} FROM {from}",
                    new { funder = funder.Id, import },
                    transaction,
                    commandTimeout: 0
                )
            );
            await transaction.CommitAsync();
        }

        clock.Stop();
        if (engine == "sqlite")
        {
            await connection.ExecuteAsync("DETACH DATABASE src");
        }
        else
        {
            await connection.ExecuteAsync("DROP TABLE floor_source");
        }

        await connection.CloseAsync();
        return (clock.Elapsed, await StoredBytes.MeasureAsync(engine, floorConnectionString));
    }

    /// <summary>Every column of grants but its generated id, in table order.</summary>
    private static async Task<List<string>> GrantColumnsAsync(string engine, DbConnection connection) =>
        (
            await connection.QueryAsync<string>(
                engine == "sqlite"
                    ? "SELECT name FROM pragma_table_info('grants') ORDER BY cid"
                    : "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                        + "AND table_name = 'grants' ORDER BY ordinal_position"
            )
        )
            .Where(c => c != "id")
            .ToList();

    private static async Task StagePostgresAsync(
        string sourceConnectionString,
        long sourceFunderId,
        NpgsqlConnection target,
        string list
    )
    {
        await target.ExecuteAsync($"CREATE TABLE floor_source AS SELECT {list} FROM grants WITH NO DATA");
        await using var source = new NpgsqlConnection(sourceConnectionString);
        await source.OpenAsync();
        await using (
            var reader = await source.BeginRawBinaryCopyAsync(
                $"COPY (SELECT {list} FROM grants WHERE funder_id = {sourceFunderId.ToString(CultureInfo.InvariantCulture)}) TO STDOUT (FORMAT binary)"
            )
        )
        await using (
            var writer = await target.BeginRawBinaryCopyAsync($"COPY floor_source ({list}) FROM STDIN (FORMAT binary)")
        )
        {
            await reader.CopyToAsync(writer);
        }

        await target.ExecuteAsync("ANALYZE floor_source");
    }
}

/// <summary>What the grants take on disk: the table with its indexes, and the day totals beside them.</summary>
internal sealed record StoredBytes(long Grants, long GrantsTable, long GrantsIndexes, long DayTotals, long Rows)
{
    public override string ToString() =>
        Rows == 0
            ? "no grants"
            : $"{(double)Grants / Rows, 6:F0} B per grant (table {(double)GrantsTable / Rows:F0} + indexes "
                + $"{(double)GrantsIndexes / Rows:F0}; grant_day_totals adds {(double)DayTotals / Rows:F1}; "
                + $"{Grants / 1048576.0:F1} MiB for {Rows:N0} grants)";

    /// <summary>
    /// SQLite: the pages of grants' b-tree and of each of its indexes (dbstat, through the sqlite3 shell, whose build
    /// has it); PostgreSQL: pg_table_size (heap, TOAST, free space and visibility maps) and pg_indexes_size.
    /// </summary>
    public static async Task<StoredBytes> MeasureAsync(string engine, string connectionString)
    {
        if (engine == "sqlite")
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
            var answer = await BenchPostgres.ReadAsync(
                "sqlite3",
                [
                    file,
                    "SELECT (SELECT COUNT(*) FROM grants), "
                        + "COALESCE(SUM(CASE WHEN s.name = 'grants' THEN s.pgsize END), 0), "
                        + "COALESCE(SUM(CASE WHEN s.name <> 'grants' AND m.tbl_name = 'grants' THEN s.pgsize END), 0), "
                        + "COALESCE(SUM(CASE WHEN m.tbl_name = 'grant_day_totals' THEN s.pgsize END), 0) "
                        + "FROM dbstat s JOIN sqlite_master m ON m.name = s.name",
                ]
            );
            var cells = answer.Trim().Split('|').Select(c => long.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            return new StoredBytes(cells[1] + cells[2], cells[1], cells[2], cells[3], cells[0]);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var (rows, table, indexes, totals) = await connection.QuerySingleAsync<(long, long, long, long)>(
            "SELECT (SELECT COUNT(*) FROM grants), pg_table_size('grants'), pg_indexes_size('grants'), "
                + "pg_total_relation_size('grant_day_totals')"
        );
        return new StoredBytes(table + indexes, table, indexes, totals, rows);
    }
}

using Dapper;
using DbUp;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Migration 0022 rebuilds PostgreSQL's grants in alignment order (issue 18, goal 3). A database migrated to 0021 and
/// holding grants (every column set and every nullable one empty, a correction, the totals the triggers keep) is
/// migrated through 0022: every row reads back equal, column by column, and everything that hung on the old table
/// (constraints, indexes, triggers, the foreign key of grant_corrections, the id sequence) is defined as before; then
/// through the rest by the service's migrator, and works on the new table.
/// </summary>
public sealed class GrantsRebuildMigrationTests
{
    private const string Rows = "SELECT * FROM grants ORDER BY id";

    [Fact]
    public async Task Grants_migrated_from_0021_read_back_equal_and_keep_their_keys_indexes_and_triggers()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        MigrateThrough(connectionString, 21);
        await using var connection = new NpgsqlConnection(connectionString);
        await SeedAsync(connection);
        var grants = await MigrationSteps.RowsAsync(connection, Rows);
        var others = await OthersAsync(connection);
        var catalog = await CatalogAsync(connection);

        MigrateThrough(connectionString, 22);
        Assert.Equal(3, grants.Count);
        Assert.Equal(grants, await MigrationSteps.RowsAsync(connection, Rows));
        Assert.Equal(others, await OthersAsync(connection));
        Assert.Equal(catalog, await CatalogAsync(connection));
        var order = await connection.QueryAsync<string>(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'grants'::regclass AND attnum > 0 ORDER BY attnum"
        );
        Assert.Equal(["id", "funder_id", "amount_awarded"], order.Take(3));

        // The later migrations run on the new table, by the service's migrator; the rows read as they were (0026 stores
        // two instants NULL where they equal created_at: read as the service reads them).
        new Migrator(
            new PostgresEngine(new PostgresDialect(), connectionString),
            new DatabaseOptions { ConnectionString = connectionString },
            NullLogger<Migrator>.Instance
        ).Migrate();
        Assert.Equal(grants, await MigrationSteps.RowsAsync(connection, MigrationSteps.GrantsAsRead));

        // The id sequence goes on after the copied ids; the unique key, the triggers and the cascade still hold.
        var next = await connection.ExecuteScalarAsync<long>(Insert("g-4", "2025-01-02", 500) + " RETURNING id");
        Assert.Equal(4, next);
        await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(Insert("g-4", "2025-01-02", 1)));
        Assert.Equal(
            2,
            await connection.ExecuteScalarAsync<long>(
                "SELECT grant_count FROM grant_day_totals WHERE award_date = '2025-01-02'"
            )
        );
        await connection.ExecuteAsync("DELETE FROM grants WHERE id = 1");
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM grant_corrections"));
    }

    private static void MigrateThrough(string connectionString, int last)
    {
        var result = MigrationSteps.Through(DeployChanges.To.PostgresqlDatabase(connectionString), "postgres", last);
        Assert.True(result.Successful, result.Error?.ToString());
    }

    private static async Task SeedAsync(NpgsqlConnection connection)
    {
        await connection.ExecuteAsync("INSERT INTO funders (name, created_at) VALUES ('Funder', now())");
        // quality_flags 3, not bit 2 (recipient_without_country): the recipient has a country, and migration 0030
        // clears that bit of a recipient whose identifier's register (GB-CHC) names one.
        await connection.ExecuteAsync(
            $$"""
            INSERT INTO grants ({{MigrationSteps.GrantColumns}})
            VALUES (1, 'g-1', 'Title', repeat('A long description. ', 12), 'GBP', 1234567, 1000000, '2024-04-01',
                '2024-05-01', '2026-03-31', 'GB-CHC-1', 'Recipient', 'GB', '["GB"]', '[{"name":"Leeds"}]', '["GB"]',
                'GB-CHC-2', 'Funder', 'Programme', '["Grant"]', 'local', 'none', 'local', 'core', TRUE, '~c',
                '00112233445566778899aabbccddeeff', 'local', 'rule', 0.75, 'L1:2', 'core', 'explicit', 1, 'P3', TRUE, 'rule', 0.5, 'F1',
                'v3', '2024-04-02T10:11:12.345678Z', '2024-04-02T10:11:12.345678Z',
                '2024-04-03T01:02:03.000001+02:00', TRUE, 7, 3, 6)
            """
        );
        await connection.ExecuteAsync(Insert("g-2", "2025-01-02", 42));
        await connection.ExecuteAsync(Insert("g-3", "2025-01-03", 0));
        await connection.ExecuteAsync(
            """
            INSERT INTO grant_corrections (funder_id, grant_id, level, purpose, flexible, reason, corrected_by,
                corrected_at)
            VALUES (1, 1, 'national', NULL, FALSE, 'checked', 'officer', now())
            """
        );
    }

    /// <summary>A grant with only its required columns: every nullable one empty.</summary>
    private static string Insert(string identifier, string awardDate, long amount) =>
        $"""
            INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, award_date, content_hash,
                created_at, updated_at)
            VALUES (1, '{identifier}', '', 'EUR', {amount}, '{awardDate}', 'abcd', now(), now())
            """;

    private static async Task<string[]> OthersAsync(NpgsqlConnection connection) =>
        [.. await MigrationSteps.BesideGrantsAsync(connection)];

    /// <summary>The names and definitions of what hangs on grants, with the foreign keys that reference it.</summary>
    private static async Task<string[]> CatalogAsync(NpgsqlConnection connection) =>
        [
            .. await connection.QueryAsync<string>(
                """
                SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                WHERE (conrelid = 'grants'::regclass OR confrelid = 'grants'::regclass) AND contype <> 'n'
                UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'grants'::regclass
                UNION ALL SELECT pg_get_triggerdef(oid) FROM pg_trigger
                WHERE tgrelid = 'grants'::regclass AND NOT tgisinternal
                UNION ALL SELECT pg_get_serial_sequence('grants', 'id')
                ORDER BY 1
                """
            ),
        ];
}

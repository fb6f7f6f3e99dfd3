using System.Data.Common;
using Dapper;
using DbUp;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Migration 0024 stores grants.content_hash as the hash's bytes instead of its hex text (issue 18, goal 3). A database
/// migrated to 0023 and holding grants (every column set, every nullable one empty, a correction) is migrated through
/// 0024 on SQLite and PostgreSQL: every value of every row reads back equal (the hash as the hex it was), the hash takes
/// 16 bytes, the import's "unchanged" test still finds each stored grant unchanged, and a stored hash that is not hex
/// stops the migration instead of being changed.
/// </summary>
public sealed class BinaryContentHashMigrationTests
{
    private const string Rows = "SELECT * FROM grants ORDER BY id";
    private const string FullHash = "00112233445566778899aabbccddeeff";
    private const string MinimalHash = "ffeeddccbbaa99887766554433221100";

    [Fact]
    public async Task Sqlite_grants_migrated_from_0023_read_back_equal_with_16_byte_hashes()
    {
        var connectionString = MigrationSteps.NewSqliteFile("hash");
        Assert.True(MigrationSteps.Through(DeployChanges.To.SqliteDatabase(connectionString), "sqlite", 23).Successful);
        await using var connection = new SqliteConnection(connectionString);
        await SeedAsync(connection, "'2024-04-02T10:11:12.3456780+00:00'");
        var before = await SnapshotAsync(connection);

        var result = MigrationSteps.Through(DeployChanges.To.SqliteDatabase(connectionString), "sqlite", 24);

        Assert.True(result.Successful, result.Error?.ToString());
        Assert.Equal(before, await SnapshotAsync(connection));
        Assert.Equal(
            ["blob:16", "blob:16", "blob:16"],
            await connection.QueryAsync<string>("SELECT typeof(content_hash) || ':' || length(content_hash) " + Order)
        );
        await AssertUnchangedAsync(connection);
    }

    [Fact]
    public async Task Postgres_grants_migrated_from_0023_read_back_equal_with_16_byte_hashes()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        Assert.True(
            MigrationSteps.Through(DeployChanges.To.PostgresqlDatabase(connectionString), "postgres", 23).Successful
        );
        await using var connection = new NpgsqlConnection(connectionString);
        await SeedAsync(connection, "'2024-04-02T10:11:12.345678Z'");
        var before = await SnapshotAsync(connection);

        var result = MigrationSteps.Through(DeployChanges.To.PostgresqlDatabase(connectionString), "postgres", 24);

        Assert.True(result.Successful, result.Error?.ToString());
        Assert.Equal(before, await SnapshotAsync(connection));
        Assert.Equal(
            ["bytea:16", "bytea:16", "bytea:16"],
            await connection.QueryAsync<string>(
                "SELECT pg_typeof(content_hash)::text || ':' || octet_length(content_hash) " + Order
            )
        );
        await AssertUnchangedAsync(connection);
    }

    [Fact]
    public async Task A_stored_hash_that_is_not_hex_stops_the_migration_on_both_engines()
    {
        var sqlite = MigrationSteps.NewSqliteFile("hash");
        Assert.True(MigrationSteps.Through(DeployChanges.To.SqliteDatabase(sqlite), "sqlite", 23).Successful);
        await using (var connection = new SqliteConnection(sqlite))
        {
            await SeedAsync(connection, "'2024-04-02T10:11:12Z'", minimalHash: "not-hex");
        }

        var postgres = await PostgresCluster.CreateDatabaseAsync();
        Assert.True(MigrationSteps.Through(DeployChanges.To.PostgresqlDatabase(postgres), "postgres", 23).Successful);
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await SeedAsync(connection, "'2024-04-02T10:11:12Z'", minimalHash: "ABCD");
        }

        Assert.False(MigrationSteps.Through(DeployChanges.To.SqliteDatabase(sqlite), "sqlite", 24).Successful);
        Assert.False(MigrationSteps.Through(DeployChanges.To.PostgresqlDatabase(postgres), "postgres", 24).Successful);
        await using var lite = new SqliteConnection(sqlite);
        Assert.Equal("not-hex", await lite.ExecuteScalarAsync<string>("SELECT content_hash FROM grants WHERE id = 3"));
        await using var pg = new NpgsqlConnection(postgres);
        Assert.Equal("ABCD", await pg.ExecuteScalarAsync<string>("SELECT content_hash FROM grants WHERE id = 3"));
    }

    private const string Order = "FROM grants ORDER BY id";

    /// <summary>The import's view of the migrated rows: each stored grant is unchanged for its hex hash.</summary>
    private static async Task AssertUnchangedAsync(DbConnection connection)
    {
        await connection.OpenAsync();
        var stored = await GrantStore.StoredHashesAsync(connection, null, 1, CancellationToken.None);
        Assert.Equal(3, stored.Count);
        Assert.Equal(StoredHashes.State.Unchanged, stored.Compare("g-1", FullHash));
        Assert.Equal(StoredHashes.State.Unchanged, stored.Compare("g-2", MinimalHash));
        Assert.Equal(StoredHashes.State.Changed, stored.Compare("g-2", FullHash));
        Assert.Equal(StoredHashes.State.New, stored.Compare("g-9", FullHash));
    }

    private static async Task SeedAsync(DbConnection connection, string instant, string minimalHash = MinimalHash)
    {
        await connection.ExecuteAsync($"INSERT INTO funders (name, created_at) VALUES ('Funder', {instant})");
        await connection.ExecuteAsync(
            $$"""
            INSERT INTO grants ({{MigrationSteps.GrantColumns}})
            VALUES (1, 'g-1', 'Title', 'A long description.', 'GBP', 1234567, 1000000, '2024-04-01',
                '2024-05-01', '2026-03-31', 'GB-CHC-1', 'Recipient', 'GB', 'GB', '[{"name":"Leeds"}]', 'GB',
                'GB-CHC-2', 'Funder', 'Programme', 'Grant', 'local', 'none', 'local', 'core', TRUE, '~c',
                '{{FullHash}}', 'local', 'rule', 0.75, 'L1:2', 'core', 'explicit', 1, 'P3', TRUE, 'rule', 0.5, 'F1',
                'v3', {{instant}}, {{instant}}, {{instant}}, TRUE, 7, 5, 6)
            """
        );
        await connection.ExecuteAsync(Minimal("g-2", MinimalHash, instant));
        await connection.ExecuteAsync(Minimal("g-3", minimalHash, instant));
        await connection.ExecuteAsync(
            $"""
            INSERT INTO grant_corrections (funder_id, grant_id, level, purpose, flexible, reason, corrected_by,
                corrected_at)
            VALUES (1, 1, 'national', NULL, TRUE, 'checked', 'officer', {instant})
            """
        );
    }

    /// <summary>A grant with only its required columns: every nullable one empty.</summary>
    private static string Minimal(string identifier, string hash, string instant) =>
        $"""
            INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, award_date, content_hash,
                created_at, updated_at)
            VALUES (1, '{identifier}', '', 'EUR', 42, '2025-01-02', '{hash}', {instant}, {instant})
            """;

    /// <summary>Every row of grants and grant_corrections in the exact form of <see cref="MigrationSteps.RowsAsync"/>.
    /// </summary>
    private static async Task<List<string>> SnapshotAsync(DbConnection connection) =>
        [
            .. await MigrationSteps.RowsAsync(connection, Rows),
            .. await MigrationSteps.RowsAsync(connection, "SELECT * FROM grant_corrections ORDER BY id"),
        ];
}

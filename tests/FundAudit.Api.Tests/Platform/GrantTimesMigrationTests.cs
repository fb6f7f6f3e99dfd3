using System.Data.Common;
using Dapper;
using DbUp;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Migration 0026 stores a grant's updated_at and classified_at NULL when they equal its created_at (issue 18, goal 3).
/// A database migrated to 0025 and holding grants (every column set; one changed and re-classified later; one
/// unclassified with only its required columns; one with a classified_at but no classification source, which no write
/// makes) is migrated through 0026 on SQLite and PostgreSQL: every value of every row, read through the service's
/// expressions (<see cref="GrantTimes"/>), equals the value stored before, the two columns are NULL exactly where they
/// equalled created_at on a classified grant, and the totals and the triggers are as they were.
/// </summary>
public sealed class GrantTimesMigrationTests
{
    private const string Stored = "SELECT * FROM grants ORDER BY id";

    /// <summary>Which of (updated_at, classified_at) each grant stores NULL after 0026.</summary>
    private static readonly (bool, bool)[] NullAfter = [(true, true), (false, false), (true, true), (true, false)];

    [Fact]
    public async Task Sqlite_grants_migrated_from_0025_read_back_equal_with_times_as_created_stored_null()
    {
        var connectionString = MigrationSteps.NewSqliteFile("times");
        Assert.True(MigrationSteps.Through(DeployChanges.To.SqliteDatabase(connectionString), "sqlite", 25).Successful);
        await using var connection = new SqliteConnection(connectionString);
        await SeedAsync(connection, "X'00112233445566778899aabbccddeeff'", Instants("+00:00"));
        var before = await SnapshotAsync(connection, Stored);

        var result = MigrationSteps.Through(DeployChanges.To.SqliteDatabase(connectionString), "sqlite", 26);

        Assert.True(result.Successful, result.Error?.ToString());
        Assert.Equal(before, await SnapshotAsync(connection, MigrationSteps.GrantsAsRead));
        Assert.Equal(NullAfter, await NullsAsync(connection));
    }

    [Fact]
    public async Task Postgres_grants_migrated_from_0025_read_back_equal_with_times_as_created_stored_null()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        Assert.True(
            MigrationSteps.Through(DeployChanges.To.PostgresqlDatabase(connectionString), "postgres", 25).Successful
        );
        await using var connection = new NpgsqlConnection(connectionString);
        await SeedAsync(connection, "'\\x00112233445566778899aabbccddeeff'::bytea", Instants("Z"));
        var before = await SnapshotAsync(connection, Stored);
        const string Triggers =
            "SELECT tgname || ' ' || tgenabled::text FROM pg_trigger WHERE tgrelid = 'grants'::regclass "
            + "AND NOT tgisinternal ORDER BY 1";
        var triggers = (await connection.QueryAsync<string>(Triggers)).ToList();

        var result = MigrationSteps.Through(DeployChanges.To.PostgresqlDatabase(connectionString), "postgres", 26);

        Assert.True(result.Successful, result.Error?.ToString());
        Assert.Equal(before, await SnapshotAsync(connection, MigrationSteps.GrantsAsRead));
        Assert.Equal(NullAfter, await NullsAsync(connection));
        Assert.Equal(triggers, await connection.QueryAsync<string>(Triggers));
        Assert.All(triggers, t => Assert.EndsWith(" O", t, StringComparison.Ordinal)); // enabled again
    }

    private static async Task<List<(bool, bool)>> NullsAsync(DbConnection connection) =>
        [
            .. (
                await connection.QueryAsync<(long, long)>(
                    "SELECT CAST(CASE WHEN updated_at IS NULL THEN 1 ELSE 0 END AS bigint), "
                        + "CAST(CASE WHEN classified_at IS NULL THEN 1 ELSE 0 END AS bigint) FROM grants ORDER BY id"
                )
            ).Select(n => (n.Item1 == 1, n.Item2 == 1)),
        ];

    /// <summary>The instants a seed uses, in one zone notation: created, then a later change and re-classification.
    /// </summary>
    private static (string Created, string Updated, string Classified) Instants(string zone) =>
        (
            $"'2024-04-02T10:11:12.345678{zone}'",
            $"'2024-05-06T07:08:09.5{zone}'",
            $"'2024-06-01T00:00:00.000001{zone}'"
        );

    private static async Task SeedAsync(
        DbConnection connection,
        string hash,
        (string Created, string Updated, string Classified) at
    )
    {
        await connection.ExecuteAsync($"INSERT INTO funders (name, created_at) VALUES ('Funder', {at.Created})");
        await connection.ExecuteAsync(Full("g-1", hash, at.Created, at.Created, at.Created));
        await connection.ExecuteAsync(Full("g-2", hash, at.Created, at.Classified, at.Updated));
        await connection.ExecuteAsync(
            $"""
            INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, award_date, content_hash,
                created_at, updated_at)
            VALUES (1, 'g-3', '', 'EUR', 42, '2025-01-02', {hash}, {at.Created}, {at.Created})
            """
        );
        await connection.ExecuteAsync(
            $"""
            INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, award_date, content_hash,
                created_at, updated_at, classified_at)
            VALUES (1, 'g-4', 'T', 'GBP', 7, '2025-01-03', {hash}, {at.Created}, {at.Created}, {at.Created})
            """
        );
        await connection.ExecuteAsync(
            $"""
            INSERT INTO grant_corrections (funder_id, grant_id, level, purpose, flexible, reason, corrected_by,
                corrected_at)
            VALUES (1, 1, 'national', NULL, TRUE, 'checked', 'officer', {at.Created})
            """
        );
    }

    /// <summary>A grant with every column set.</summary>
    private static string Full(string identifier, string hash, string created, string classified, string updated) =>
        $$"""
            INSERT INTO grants ({{MigrationSteps.GrantColumns}})
            VALUES (1, '{{identifier}}', 'Title', 'A long description.', 'GBP', 1234567, 1000000, '2024-04-01',
                '2024-05-01', '2026-03-31', 'GB-CHC-1', 'Recipient', 'GB', 'GB', '[{"name":"Leeds"}]', 'GB',
                'GB-CHC-2', 'Funder', 'Programme', 'Grant', 'local', 'none', 'local', 'core', TRUE, '~c',
                {{hash}}, 'local', 'rule', 0.75, 'L1:2', 'core', 'explicit', 1, 'P3', TRUE, 'rule', 0.5, 'F1',
                'v3', {{classified}}, {{created}}, {{updated}}, TRUE, 7, 5, 6)
            """;

    /// <summary>The grants as <paramref name="grants"/> reads them, then every row of grant_corrections and of the two
    /// totals tables the triggers keep, in the exact form of <see cref="MigrationSteps.RowsAsync"/>.</summary>
    private static async Task<List<string>> SnapshotAsync(DbConnection connection, string grants) =>
        [.. await MigrationSteps.RowsAsync(connection, grants), .. await MigrationSteps.BesideGrantsAsync(connection)];
}

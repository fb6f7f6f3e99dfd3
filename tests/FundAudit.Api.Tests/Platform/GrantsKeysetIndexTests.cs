using Dapper;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Migration 0023 folded the grants list's keyset index into the mix's covering index (issue 18, goal 3). On a
/// migrated SQLite file the list's page query (GrantStore.ListAsync: a funder's grants after a (award date, id), newest
/// first) still reads one index in order: the mix index, with no sort of the funder's grants.
/// </summary>
public sealed class GrantsKeysetIndexTests
{
    [Fact]
    public async Task The_grants_list_pages_read_the_mix_index_in_order_without_a_sort()
    {
        var file = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "keyset-" + Guid.NewGuid().ToString("N")[..8]);
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
            var plan = string.Join(
                "\n",
                (
                    await connection.QueryAsync(
                        """
                        EXPLAIN QUERY PLAN
                        SELECT g.id, g.title, g.amount_awarded FROM grants g
                        LEFT JOIN grant_corrections c ON c.grant_id = g.id
                        WHERE g.funder_id = 1 AND (g.award_date < '2025-01-01' OR (g.award_date = '2025-01-01' AND g.id < 9))
                        ORDER BY g.award_date DESC, g.id DESC LIMIT 50
                        """
                    )
                ).Select(row => (string)row.detail)
            );

            Assert.Contains("USING INDEX ix_grants_funder_mix", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

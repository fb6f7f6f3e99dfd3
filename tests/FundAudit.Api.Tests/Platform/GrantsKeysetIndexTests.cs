using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Migration 0023 dropped the grants list's keyset index (issue 18, goal 3); the mix's covering index serves the list.
/// On a migrated SQLite file the list's page query (GrantStore.ListAsync: a funder's grants after a (award date, id),
/// newest first) reads the mix index in award-date order and sorts only by id within a day (a sort of the "last term of
/// ORDER BY"), never of all the funder's grants. On PostgreSQL the same page is an incremental sort over the mix index.
/// </summary>
public sealed class GrantsKeysetIndexTests
{
    private const string Page = """
        SELECT g.id, g.title, g.amount_awarded FROM grants g
        LEFT JOIN grant_corrections c ON c.grant_id = g.id
        WHERE g.funder_id = 1 AND (g.award_date < '2025-01-01' OR (g.award_date = '2025-01-01' AND g.id < 9))
        ORDER BY g.award_date DESC, g.id DESC LIMIT 50
        """;

    [Fact]
    public async Task On_postgres_a_page_is_an_incremental_sort_over_the_mix_index()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        new Migrator(
            new PostgresEngine(new PostgresDialect(), connectionString),
            new DatabaseOptions { ConnectionString = connectionString },
            NullLogger<Migrator>.Instance
        ).Migrate();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync(
            """
            INSERT INTO funders (name, created_at) VALUES ('Funder', now());
            INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, award_date, content_hash,
                created_at, updated_at)
            SELECT 1, 'g-' || n, 'Title ' || n, 'GBP', n, DATE '2024-01-01' + (n % 700), '\x68'::bytea, now(), now()
            FROM generate_series(1, 20000) n;
            ANALYZE grants;
            """
        );
        var plan = string.Join("\n", await connection.QueryAsync<string>("EXPLAIN " + Page));

        Assert.True(plan.Contains("Incremental Sort", StringComparison.Ordinal), plan);
        Assert.True(plan.Contains("ix_grants_funder_mix", StringComparison.Ordinal), plan);
    }

    [Fact]
    public async Task The_grants_list_pages_read_the_mix_index_in_date_order_and_sort_only_within_a_day()
    {
        var plan = await SqlitePlans.ExplainAsync(Page);

        Assert.True(plan.Contains("USING INDEX ix_grants_funder_mix", StringComparison.Ordinal), plan);
        Assert.True(plan.Contains("TEMP B-TREE FOR LAST TERM OF ORDER BY", StringComparison.Ordinal), plan);
        Assert.False(plan.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal), plan);
    }
}

using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Audit.Snapshots;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// Migration 0031 put the programme title into SQLite's covering index ix_grants_funder_mix (issue 18, goal 1): the
/// statements of a mix grouped or filtered by programme (<see cref="MixReportCurrency.Sql"/> over
/// <see cref="MixFilter.OverGrants"/>) read that index alone, not every grant's table row as well (a lookup per grant
/// made them the slowest reports on SQLite), and so does a place report's.
/// </summary>
public sealed class MixCoveringIndexTests
{
    [Theory]
    [InlineData("programme", null)]
    [InlineData("level,purpose", "Programme 1")]
    [InlineData("country,programme,flexible", null)]
    [InlineData("level,country", null)]
    public async Task On_sqlite_a_programme_or_place_mix_reads_only_the_covering_index(
        string groupBy,
        string? programme
    )
    {
        var q = new MixQuery(
            new AuditPeriod(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            "EUR",
            groupBy.Split(','),
            programme,
            null,
            null,
            null,
            1
        );
        var (where, p) = MixFilter.OverGrants(1, q);
        p[MixReportCurrency.Parameter] = q.Currency;
        var (sql, _) = MixReportCurrency.Sql(where, q, corrections: false);
        var plan = await SqlitePlans.ExplainAsync(sql, new DynamicParameters(p));

        Assert.True(plan.Contains("USING COVERING INDEX ix_grants_funder_mix", StringComparison.Ordinal), plan);
    }

    /// <summary>A funder's snapshot (<see cref="GrantSnapshot"/>) reads its grants from the covering index alone, in
    /// the index's order: no table row, no sort.</summary>
    [Fact]
    public async Task On_sqlite_a_snapshot_reads_only_the_covering_index_in_its_order()
    {
        var plan = await SqlitePlans.ExplainAsync(GrantSnapshot.GrantsSql, new DynamicParameters(new { FunderId = 1 }));

        Assert.True(plan.Contains("USING COVERING INDEX ix_grants_funder_mix", StringComparison.Ordinal), plan);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    /// <summary>
    /// A place or programme report first reads the period's corrections. Walked from the grants (the plan SQLite chose
    /// for an inner join), that read probed for a correction of every grant of the period: 0.2 s at 1M grants with
    /// none corrected. It starts from the corrections and finds each one's grant by its id.
    /// </summary>
    [Fact]
    public async Task On_sqlite_the_scan_reads_the_corrections_first_and_each_grant_by_id()
    {
        var q = new MixQuery(
            new AuditPeriod(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            "EUR",
            ["level", "country"],
            null,
            null,
            null,
            null,
            1
        );
        var (where, p) = MixFilter.OverGrants(1, q);
        var plan = await SqlitePlans.ExplainAsync(MixGrantScan.CorrectionsSql(where), new DynamicParameters(p));
        var lines = plan.Split('\n');

        Assert.True(lines[0].StartsWith("SCAN c", StringComparison.Ordinal), plan);
        Assert.Contains(lines, l => l.Contains("SEARCH g USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
    }
}

using Dapper;
using FundAudit.Api.Features.Audit;
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
        var (sql, _) = MixReportCurrency.Sql(where, q, corrections: false, funder: false);
        var plan = await SqlitePlans.ExplainAsync(sql, new DynamicParameters(p));

        Assert.True(plan.Contains("USING COVERING INDEX ix_grants_funder_mix", StringComparison.Ordinal), plan);
    }
}

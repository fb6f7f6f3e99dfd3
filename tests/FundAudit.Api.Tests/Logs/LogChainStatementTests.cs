using FundAudit.Api.Features.Logs;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.SqlServer;
using FundAudit.Core.Logs;

namespace FundAudit.Api.Tests.Logs;

/// <summary>
/// The chains' statements, built per log (<see cref="ChainedTable"/>), parse with SQL Server's own parser (the store
/// tests only reach those a sample call sends); and the link hash is the canonical encoding it is documented to be.
/// </summary>
public sealed class LogChainStatementTests
{
    [Fact]
    public void Every_chain_statement_of_every_log_parses_as_T_SQL()
    {
        var dialect = new SqlServerDialect();
        var statements = LogChains
            .All.SelectMany(t =>
                new[]
                {
                    t.SelectUnsealed(dialect),
                    t.SelectHead,
                    t.Seal,
                    t.SelectChain,
                    t.CountUnsealed(dialect),
                    t.SelectFunders,
                    t.SelectUnsealedFunders(dialect),
                }.Select(sql => (t.Name, sql))
            )
            .ToList();

        Assert.Equal(21, statements.Count);
        var failures = statements
            .Select(s => (s.Name, s.sql, Errors: TSql.Errors(s.sql)))
            .Where(s => s.Errors.Count > 0)
            .Select(s => TSql.Describe(s.Name, s.sql, 1, s.Errors))
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void The_link_hash_covers_every_field_and_the_previous_hash_and_cannot_be_shifted_between_fields()
    {
        var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        var hash = LogChainHash.Compute(["admin_log", "1", "1", "key:a", LogChainHash.Text(at)], null);

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, LogChainHash.Compute(["admin_log", "1", "1", "key:a", LogChainHash.Text(at)], null));
        Assert.NotEqual(hash, LogChainHash.Compute(["admin_log", "1", "1", "key:a", LogChainHash.Text(at)], hash));
        Assert.NotEqual(hash, LogChainHash.Compute(["admin_log", "1", "1", "key:b", LogChainHash.Text(at)], null));
        Assert.NotEqual(LogChainHash.Compute(["ab", "c"], null), LogChainHash.Compute(["a", "bc"], null));
        Assert.NotEqual(LogChainHash.Compute([null], null), LogChainHash.Compute([""], null));
        Assert.Equal("2026-11-02T09:00:00.0000000Z", LogChainHash.Text(at.ToOffset(TimeSpan.FromHours(2))));
    }
}

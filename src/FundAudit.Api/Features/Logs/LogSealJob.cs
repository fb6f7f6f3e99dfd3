using Hangfire;

namespace FundAudit.Api.Features.Logs;

/// <summary>
/// Every minute (no arguments): seals into their funders' chains the rows defenders' actions appended unsealed (the
/// form, answers, withdrawals, the applicant reading the fund's question; see <see cref="LogChain"/>), funder by
/// funder, each in a short transaction of its own under the funder's lock for that log. Cross-tenant by design, like
/// the SLA sweep: it reads ids and the rows' content-free columns only. Re-runnable: a second or overlapping run finds
/// nothing left (or waits for the first on each funder's lock), and never seals a row twice.
/// </summary>
internal sealed class LogSealJob(LogChainStore chains, ILogger<LogSealJob> logger)
{
    public const string RecurringId = "log-chain-seal";

    /// <summary>Runs one pass; answers the number of rows sealed. No retry: the next minute's run is one.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var sealedRows = await chains.SealDefenderRowsAsync(ct);
        if (sealedRows > 0)
        {
            logger.LogDebug("Sealed {Rows} defenders' log rows into their chains", sealedRows);
        }

        return sealedRows;
    }
}

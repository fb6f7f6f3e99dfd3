namespace FundAudit.Api.Features.Logs;

/// <summary>What other features (the console's pages) ask of the logs, for the caller's funder only.</summary>
internal sealed class LogsUseCases(LogChainStore chains, AdminLog log)
{
    /// <summary>The state of the caller's funder's three chains.</summary>
    public async Task<GetLogChain.Response> ChainAsync(ClaimsPrincipal user, CancellationToken ct) =>
        GetLogChain.ToResponse(await chains.VerifyAsync(user.FunderId(), ct));

    /// <summary>A page of the caller's funder's administration log, newest first, and the <c>before</c> value of
    /// the next page (null on the last).</summary>
    public async Task<(IReadOnlyList<AdminLogRow> Entries, long? Next)> AdminLogAsync(
        ClaimsPrincipal user,
        long? before,
        int limit,
        CancellationToken ct
    )
    {
        var rows = await log.ListAsync(user.FunderId(), before, limit + 1, ct);
        return KeysetPage.Of(rows, limit, r => r.Seq);
    }
}

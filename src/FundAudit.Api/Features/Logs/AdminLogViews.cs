namespace FundAudit.Api.Features.Logs;

/// <summary>GET /api/admin/log: the caller's funder's administration log, newest first, in pages.</summary>
internal static class ListAdminLog
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <param name="Before">Entries with a sequence number below this (the <c>next</c> value of the previous
    /// page).</param>
    /// <param name="Limit">Page size, 1 to 500 (default 100).</param>
    public sealed record Request(long? Before, int? Limit);

    /// <summary>One entry: ids and codes only.</summary>
    /// <param name="Seq">Its place in the funder's chain, from 1.</param>
    /// <param name="OccurredAt">When it happened (UTC).</param>
    /// <param name="Actor">Who acted: <c>key:…</c>, <c>person:…</c> or <c>operator</c> (the command line).</param>
    /// <param name="Action">What happened, e.g. <c>api_key.issued</c>.</param>
    /// <param name="SubjectType">What kind of thing it happened to, e.g. <c>api_key</c>.</param>
    /// <param name="SubjectId">Which one (its id).</param>
    /// <param name="Details">Content-free details, e.g. <c>role=officer</c>.</param>
    /// <param name="Hash">The entry's link hash.</param>
    public sealed record Entry(
        long Seq,
        DateTimeOffset OccurredAt,
        string Actor,
        string Action,
        string SubjectType,
        string SubjectId,
        string? Details,
        string Hash
    );

    /// <param name="Entries">The page, newest first.</param>
    /// <param name="Next">The <c>before</c> value of the next page; absent on the last page.</param>
    public sealed record Response(IReadOnlyList<Entry> Entries, long? Next);

    public static async Task<Ok<Response>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] LogsUseCases logs,
        CancellationToken ct
    )
    {
        var (page, next) = await logs.AdminLogAsync(user, request.Before, request.Limit ?? DefaultLimit, ct);
        var entries = page.Select(r => new Entry(
                r.Seq,
                r.OccurredAt,
                r.Actor,
                r.Action,
                r.SubjectType,
                r.SubjectId,
                r.Details,
                r.Hash
            ))
            .ToList();
        return TypedResults.Ok(new Response(entries, next));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Limit).InclusiveBetween(1, MaxLimit);
            RuleFor(r => r.Before).GreaterThan(0);
        }
    }
}

/// <summary>GET /api/admin/log-chain: the state of the caller's funder's three log chains.</summary>
internal static class GetLogChain
{
    /// <summary>The first broken link of a chain.</summary>
    /// <param name="Seq">Where the chain breaks.</param>
    /// <param name="What"><c>seq</c>, <c>prev_hash</c>, <c>hash</c> or <c>unsealed</c>.</param>
    /// <param name="Expected">What the chain says the value must be.</param>
    /// <param name="Found">What the row holds.</param>
    public sealed record Break(long Seq, string What, string Expected, string Found);

    /// <summary>One log's chain.</summary>
    /// <param name="Log">request_events, request_access_log or admin_log.</param>
    /// <param name="Links">Rows in the chain.</param>
    /// <param name="HeadSeq">The last link's sequence number; absent when the log is empty.</param>
    /// <param name="HeadHash">The last link's hash: note it somewhere outside the database to detect a rewrite of
    /// the whole chain later.</param>
    /// <param name="Intact">True when every link holds.</param>
    /// <param name="Broken">The first broken link; absent when intact.</param>
    /// <param name="Pending">Rows a defender's action wrote (the form, an answer, a withdrawal, the applicant reading
    /// the fund's question) that are not in the chain yet: the seal job chains them within about a minute. Not a
    /// break; 0 for the administration log.</param>
    public sealed record Chain(
        string Log,
        long Links,
        long? HeadSeq,
        string? HeadHash,
        bool Intact,
        Break? Broken,
        long Pending
    );

    /// <param name="Intact">True when all three chains hold.</param>
    /// <param name="Chains">The three chains.</param>
    public sealed record Response(bool Intact, IReadOnlyList<Chain> Chains);

    public static async Task<Ok<Response>> HandleAsync(
        ClaimsPrincipal user,
        [FromServices] LogChainStore store,
        CancellationToken ct
    )
    {
        var reports = await store.VerifyAsync(user.FunderId(), ct);
        return TypedResults.Ok(ToResponse(reports));
    }

    public static Response ToResponse(IReadOnlyList<ChainReport> reports)
    {
        var chains = reports
            .Select(r => new Chain(
                r.Log,
                r.Links,
                r.HeadSeq,
                r.HeadHash,
                r.Intact,
                r.Break is { } b ? new Break(b.Seq, b.What, b.Expected, b.Found) : null,
                r.Pending
            ))
            .ToList();
        return new Response(chains.All(c => c.Intact), chains);
    }
}

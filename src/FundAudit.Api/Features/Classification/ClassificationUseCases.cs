namespace FundAudit.Api.Features.Classification;

/// <summary>
/// The classification's use cases as another feature calls them (the console's review queue): the API's own
/// handlers, bound to the classification's services, so that the caller never reaches its store.
/// </summary>
internal sealed class ClassificationUseCases(ClassificationStore store, RuleSetDryRunStore dryRuns, TimeProvider clock)
{
    /// <summary>GET /api/classification/review.</summary>
    public async Task<ListReviewQueue.Response> ListReviewQueueAsync(
        ListReviewQueue.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => (await ListReviewQueue.HandleAsync(request, user, store, ct)).Value!;

    /// <summary>
    /// PUT /api/grants/{id}/classification for a decoded identifier; the request must have passed its validator.
    /// </summary>
    public Task<Results<Ok<SetCorrection.Response>, ProblemHttpResult>> CorrectAsync(
        string id,
        SetCorrection.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => SetCorrection.CorrectAsync(id, request, user, store, clock, ct);

    /// <summary>GET /api/classification/rules.</summary>
    public async Task<RuleSetResponse> RuleSetAsync(ClaimsPrincipal user, CancellationToken ct) =>
        (await GetRuleSet.HandleAsync(user, store, ct)).Value!;

    /// <summary>POST /api/classification/rules/dry-run; the rule set must have passed its validator.</summary>
    public async Task<DryRunRuleSet.Response> DryRunAsync(
        System.Text.Json.JsonElement rules,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => (await DryRunRuleSet.HandleAsync(rules, user, dryRuns, store, ct)).Value!;

    /// <summary>PUT /api/classification/rules; the rule set must have passed its validator.</summary>
    public Task<Results<Accepted<RuleSetResponse>, ProblemHttpResult>> SaveRuleSetAsync(
        System.Text.Json.JsonElement rules,
        ClaimsPrincipal user,
        Hangfire.IBackgroundJobClient jobs,
        CancellationToken ct
    ) => PutRuleSet.HandleAsync(rules, user, store, jobs, clock, ct);
}

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The audit's use cases as another feature calls them (the console's portfolio page): the API's own handlers, bound
/// to the audit's services, so that the caller needs neither the audit's stores nor its calculator and shows exactly
/// what the API answers for the same principal.
/// </summary>
internal sealed class AuditUseCases(MixCalculator mix, BaselineStore baselines, TimeProvider clock)
{
    /// <summary>GET /api/audit/mix.</summary>
    public Task<Results<Ok<GetMix.Response>, ProblemHttpResult>> GetMixAsync(
        GetMix.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => GetMix.HandleAsync(request, user, mix, ct);

    /// <summary>GET /api/audit/baselines.</summary>
    public async Task<IReadOnlyList<BaselineView>> ListBaselinesAsync(ClaimsPrincipal user, CancellationToken ct) =>
        (await GetBaseline.ListAsync(user, baselines, ct)).Value!;

    /// <summary>
    /// GET /api/audit/baselines/{id}/compare with its chart inline (ids prefixed by <paramref name="idPrefix"/>).
    /// </summary>
    public Task<(
        CompareBaseline.Response? Comparison,
        string? ChartSvg,
        ProblemHttpResult? Problem
    )> CompareWithChartAsync(
        long id,
        CompareBaseline.Request request,
        ClaimsPrincipal user,
        string idPrefix,
        CancellationToken ct
    ) => CompareBaseline.WithInlineChartAsync(id, request, user, mix, baselines, idPrefix, ct);

    /// <summary>GET /api/audit/targets.</summary>
    public Task<Results<Ok<IReadOnlyList<TargetView>>, ProblemHttpResult>> ListTargetsAsync(
        ListTargets.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => ListTargets.HandleAsync(request, user, baselines, mix, clock, ct);
}

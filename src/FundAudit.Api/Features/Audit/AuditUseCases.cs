using FundAudit.Api.Features.Audit.Charts;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The audit's use cases as another feature calls them (the console's portfolio page): the API's own handlers, bound
/// to the audit's services, so that the caller needs neither the audit's stores nor its calculator and shows exactly
/// what the API answers for the same principal.
/// </summary>
internal sealed class AuditUseCases(MixCalculator mix, BaselineStore baselines, TimeProvider clock)
{
    private readonly TargetServices _targets = new(baselines, mix, clock);

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
    /// GET /api/audit/baselines/{id}/compare with its chart inline (ids prefixed by <paramref name="idPrefix"/>, words
    /// and numbers in <paramref name="text"/>).
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
        ChartText text,
        CancellationToken ct
    ) => CompareBaseline.WithInlineChartAsync(id, request, new(user, mix, baselines), idPrefix, text, ct);

    /// <summary>GET /api/audit/targets.</summary>
    public Task<Results<Ok<IReadOnlyList<TargetView>>, ProblemHttpResult>> ListTargetsAsync(
        ListTargets.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => ListTargets.HandleAsync(request, user, _targets, ct);

    /// <summary>POST /api/audit/baselines (the request already validated).</summary>
    public Task<Results<Created<BaselineView>, ProblemHttpResult>> CreateBaselineAsync(
        CreateBaseline.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => CreateBaseline.HandleAsync(request, user, mix, baselines, clock, ct);

    /// <summary>POST /api/audit/targets (the request already validated).</summary>
    public Task<Results<Created<TargetView>, ProblemHttpResult>> CreateTargetAsync(
        CreateTarget.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => CreateTarget.HandleAsync(request, user, _targets, ct);

    /// <summary>PUT /api/audit/targets/{id} (the request already validated).</summary>
    public Task<Results<Ok<TargetView>, ProblemHttpResult>> EditTargetAsync(
        long id,
        CreateTarget.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => EditTarget.HandleAsync(id, request, user, _targets, ct);

    /// <summary>DELETE /api/audit/targets/{id}.</summary>
    public Task<Results<NoContent, ProblemHttpResult>> DeleteTargetAsync(
        long id,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => EditTarget.DeleteAsync(id, user, baselines, ct);

    /// <summary>GET /api/audit/compare with its chart inline (the request already validated), in
    /// <paramref name="text"/>.</summary>
    public Task<(
        ComparePeriods.Response? Comparison,
        string? ChartSvg,
        ProblemHttpResult? Problem
    )> ComparePeriodsWithChartAsync(
        ComparePeriods.Request request,
        ClaimsPrincipal user,
        string idPrefix,
        ChartText text,
        CancellationToken ct
    ) => ComparePeriods.WithInlineChartAsync(request, new(user, mix, baselines), idPrefix, text, ct);

    /// <summary>GET /api/audit/trend (the request already validated).</summary>
    public Task<(GetTrend.Response? Trend, ProblemHttpResult? Problem)> TrendAsync(
        GetTrend.Request request,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => GetTrend.ComputeAsync(request, user, mix, ct);
}

using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <param name="Metric">local, flexible, prevention_collective, level:&lt;level&gt; or purpose:&lt;purpose&gt;.</param>
/// <param name="Direction">at_least or at_most.</param>
/// <param name="TargetPercent">The share to reach, in percent (up to 2 decimals).</param>
/// <param name="By">The date by which to reach it.</param>
/// <param name="BaselineValue">The metric's share in the baseline.</param>
/// <param name="CurrentValue">The metric's share in the current period.</param>
/// <param name="Progress">Percent of the way from the baseline value to the target (0–100).</param>
/// <param name="Expected">Where a straight line from the baseline (at its period's end) to the target (at the due date)
/// stands today.</param>
/// <param name="OnTrack">Met, or at least as far as that line.</param>
/// <param name="Id">The target's id.</param>
/// <param name="BaselineId">The baseline it is measured from.</param>
/// <param name="BaselineName">That baseline's name.</param>
/// <param name="Currency">The currency of the shares' money.</param>
/// <param name="CurrentPeriod">The period the current value is measured in.</param>
/// <param name="Met">The current value has reached the target.</param>
internal sealed record TargetView(
    long Id,
    string Metric,
    string Direction,
    decimal TargetPercent,
    DateOnly By,
    long BaselineId,
    string BaselineName,
    string Currency,
    PeriodView CurrentPeriod,
    decimal BaselineValue,
    decimal CurrentValue,
    decimal Progress,
    decimal Expected,
    bool Met,
    bool OnTrack
);

/// <summary>What the targets' handlers are given: the store of targets and their baselines, the mix a target is
/// measured with, and the clock (today, and the 12 months ending today).</summary>
internal sealed record TargetServices(
    [FromServices] BaselineStore Store,
    [FromServices] MixCalculator Mix,
    [FromServices] TimeProvider Clock
);

/// <summary>POST /api/audit/targets: a share to reach by a date, measured from a baseline.</summary>
internal static class CreateTarget
{
    public static readonly string[] Metrics = ["local", "flexible", "prevention_collective"];

    public sealed record Request(
        string? Metric,
        string? Direction,
        decimal? TargetPercent,
        DateOnly? By,
        long? BaselineId
    );

    public static async Task<Results<Created<TargetView>, ProblemHttpResult>> HandleAsync(
        Request request,
        ClaimsPrincipal user,
        [AsParameters] TargetServices s,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await BaselineProblemAsync(funderId, request, s.Store, ct) is { } problem)
        {
            return problem;
        }

        var id = await s.Store.AddTargetAsync(funderId, ValuesOf(request), user.Actor(), s.Clock.GetUtcNow(), ct);
        var target = (await s.Store.TargetAsync(funderId, id, ct))!;
        var (view, missing) = await ListTargets.ViewAsync(funderId, target, s, ct);
        return view is null ? missing! : TypedResults.Created($"/api/audit/targets/{id}", view);
    }

    /// <summary>404 when the request names a baseline the funder does not have (for a new target and a changed one
    /// alike); else null.</summary>
    public static async Task<ProblemHttpResult?> BaselineProblemAsync(
        long funderId,
        Request request,
        BaselineStore store,
        CancellationToken ct
    ) =>
        await store.BaselineAsync(funderId, request.BaselineId!.Value, ct) is null
            ? AuditViews.BaselineNotFound(request.BaselineId.Value)
            : null;

    /// <summary>The values a valid request sets, as stored (for a new target and a changed one alike).</summary>
    public static TargetValues ValuesOf(Request request) =>
        new(
            request.Metric!.Trim().ToLowerInvariant(),
            request.Direction!.Trim().ToLowerInvariant(),
            (int)(request.TargetPercent!.Value * 100m),
            request.By!.Value,
            request.BaselineId!.Value
        );

    public static bool IsMetric(string? metric)
    {
        var m = metric?.Trim().ToLowerInvariant();
        return m is not null
            && (
                Metrics.Contains(m)
                || (m.StartsWith("level:", StringComparison.Ordinal) && MixCalculator.Levels.Take(4).Contains(m[6..]))
                || (
                    m.StartsWith("purpose:", StringComparison.Ordinal)
                    && MixCalculator.Purposes.Take(5).Contains(m[8..])
                )
            );
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Metric).Must(IsMetric).WithText("Target_Metric");
            RuleFor(r => r.Direction)
                .Must(d => d?.Trim().ToLowerInvariant() is "at_least" or "at_most")
                .WithText("Target_Direction");
            RuleFor(r => r.TargetPercent)
                .NotNull()
                .InclusiveBetween(0m, 100m)
                .Must(p => p is null || decimal.Round(p.Value, 2) == p.Value)
                .WithText("Target_Percent");
            RuleFor(r => r.By).NotNull();
            RuleFor(r => r.BaselineId).NotNull().GreaterThan(0);
        }
    }
}

/// <summary>GET /api/audit/targets: each target with its baseline value, current value, progress and whether it is on
/// track.</summary>
internal static class ListTargets
{
    /// <param name="From">Start of the current period (default: the 12 months ending today).</param>
    /// <param name="To">End of the current period.</param>
    /// <param name="FiscalYear">Instead of from/to.</param>
    public sealed record Request(DateOnly? From, DateOnly? To, int? FiscalYear);

    public static async Task<Results<Ok<IReadOnlyList<TargetView>>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [AsParameters] TargetServices s,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var period = AuditViews.PeriodOf(
            request.From,
            request.To,
            request.FiscalYear,
            s.Mix.Options.FiscalYearStartMonth
        );
        var (views, missing) = await EvaluateAsync(funderId, await s.Store.TargetsAsync(funderId, ct), period, s, ct);
        return views is null ? AuditViews.Missing(missing!) : TypedResults.Ok(views);
    }

    /// <summary>One target as the list shows it by default (over the 12 months ending today), for the answer to its
    /// creation or change; or the problem of the rates that are missing.</summary>
    public static async Task<(TargetView? View, ProblemHttpResult? Missing)> ViewAsync(
        long funderId,
        TargetRow target,
        TargetServices s,
        CancellationToken ct
    )
    {
        var (views, missing) = await EvaluateAsync(funderId, [target], null, s, ct);
        return views is null ? (null, AuditViews.Missing(missing!)) : (views[0], null);
    }

    public static async Task<(IReadOnlyList<TargetView>?, MissingRates?)> EvaluateAsync(
        long funderId,
        IReadOnlyList<TargetRow> targets,
        AuditPeriod? period,
        TargetServices s,
        CancellationToken ct
    )
    {
        var today = DateOnly.FromDateTime(s.Clock.GetUtcNow().UtcDateTime);
        var current = period ?? new AuditPeriod(today.AddYears(-1).AddDays(1), today);
        var mixes = new Dictionary<string, BaselineSnapshot>(StringComparer.Ordinal);
        var views = new List<TargetView>();
        foreach (var t in targets)
        {
            var baseline = (await s.Store.BaselineAsync(funderId, t.BaselineId, ct))!;
            if (!mixes.TryGetValue(baseline.Currency, out var now))
            {
                var (result, missing) = await s.Mix.LevelByPurposeAsync(funderId, current, baseline.Currency, ct);
                if (result is null)
                {
                    return (null, missing);
                }

                now = mixes[baseline.Currency] = BaselineSnapshot.From(result);
            }

            views.Add(View(t, baseline, now, current, today));
        }

        return (views, null);
    }

    /// <summary>One target measured against its baseline and the current period's mix.</summary>
    private static TargetView View(
        TargetRow t,
        BaselineRow baseline,
        BaselineSnapshot now,
        AuditPeriod current,
        DateOnly today
    )
    {
        var target = t.TargetBp / 100m;
        var then = GetBaseline.Snapshot(baseline).Metric(t.Metric);
        var value = now.Metric(t.Metric);
        var status = TargetProgress.Evaluate(
            t.Direction == "at_most" ? TargetDirection.AtMost : TargetDirection.AtLeast,
            target,
            then,
            value,
            baseline.PeriodTo,
            t.DueDate,
            today
        );
        return new TargetView(
            t.Id,
            t.Metric,
            t.Direction,
            target,
            t.DueDate,
            baseline.Id,
            baseline.Name,
            baseline.Currency,
            new PeriodView(current.From, current.To),
            AuditMaths.Round(then),
            AuditMaths.Round(value),
            status.Progress,
            status.Expected,
            status.Met,
            status.OnTrack
        );
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r)
                .Must(r => (r.From is null) == (r.To is null))
                .OverridePropertyName("from")
                .WithText("Period_BothOrNeither");
            RuleFor(r => r)
                .Must(r => r.FiscalYear is null || (r.From is null && r.To is null))
                .OverridePropertyName("fiscalYear")
                .WithText("Period_EitherFiscal");
            RuleFor(r => r)
                .Must(r => r.From is not { } f || r.To is not { } t || t >= f)
                .OverridePropertyName("to")
                .WithText("Period_ToBeforeFrom");
            RuleFor(r => r.FiscalYear)
                .InclusiveBetween(DayRules.Earliest.Year, DayRules.Latest.Year)
                .When(r => r.FiscalYear is not null);
        }
    }
}

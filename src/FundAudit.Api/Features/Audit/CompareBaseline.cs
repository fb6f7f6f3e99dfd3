using FundAudit.Api.Features.Audit.Charts;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>What the comparisons (with a baseline, of two periods) are given: the caller, whose funder's grants they
/// compare, the mix calculator, and the store of baselines and the rule-set versions.</summary>
internal sealed record ComparisonServices(
    ClaimsPrincipal User,
    [FromServices] MixCalculator Mix,
    [FromServices] BaselineStore Store
);

/// <summary>GET /api/audit/baselines/{id}/compare (and .csv, .svg): share then and now, and the shift in percentage
/// points.</summary>
internal static class CompareBaseline
{
    /// <param name="From">First award date of the current period (with to).</param>
    /// <param name="To">Last award date of the current period.</param>
    /// <param name="FiscalYear">Instead of from/to.</param>
    public sealed record Request(DateOnly? From, DateOnly? To, int? FiscalYear);

    /// <param name="Then">Share in the baseline (percent).</param>
    /// <param name="Now">Share in the current period (percent).</param>
    /// <param name="Shift">Now minus then, in percentage points (from the exact shares).</param>
    /// <param name="Name">The line: a level, a purpose or one of the headline figures.</param>
    public sealed record Line(string Name, decimal Then, decimal Now, decimal Shift);

    /// <param name="RuleSetDiffers">True when the current period was classified with other rule-set versions than the
    /// baseline: part of the shift may be the rules, not the money.</param>
    /// <param name="Baseline">The baseline compared against.</param>
    /// <param name="Period">The current period.</param>
    /// <param name="Currency">The currency every amount is in.</param>
    /// <param name="RuleSetVersions">The rule-set versions of the current period.</param>
    /// <param name="Note">Set when the rule-set versions differ: part of the shift may be the rules.</param>
    /// <param name="Levels">One line per level.</param>
    /// <param name="Purposes">One line per purpose.</param>
    /// <param name="PreventionCollective">Grants whose purpose is prevention or collective.</param>
    /// <param name="Flexible">Core / flexible grants.</param>
    /// <param name="Local">Grants to local actors.</param>
    /// <param name="Unclassified">Grants whose level or purpose is still unclassified.</param>
    /// <param name="TotalThenMinor">All money of the baseline, in minor units.</param>
    /// <param name="TotalNowMinor">All money of the current period, in minor units.</param>
    public sealed record Response(
        BaselineView Baseline,
        PeriodView Period,
        string Currency,
        IReadOnlyList<string> RuleSetVersions,
        bool RuleSetDiffers,
        string? Note,
        IReadOnlyList<Line> Levels,
        IReadOnlyList<Line> Purposes,
        Line PreventionCollective,
        Line Flexible,
        Line Local,
        Line Unclassified,
        long TotalThenMinor,
        long TotalNowMinor
    ) : MixComparison.IComparison;

    public static Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        long id,
        [AsParameters] Request request,
        [AsParameters] ComparisonServices services,
        CancellationToken ct
    ) => CompareAsync(id, request, services, ct).AnswerAsync(r => TypedResults.Ok(r));

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> CsvAsync(
        long id,
        [AsParameters] Request request,
        [AsParameters] ComparisonServices services,
        CancellationToken ct
    ) =>
        CompareAsync(id, request, services, ct)
            .AnswerAsync(r => ReportResults.Csv(Csv(r), $"baseline-{id}-compare.csv"));

    public static Task<Results<ContentHttpResult, ProblemHttpResult>> SvgAsync(
        long id,
        [AsParameters] Request request,
        [AsParameters] ComparisonServices services,
        CancellationToken ct
    ) =>
        LoadAsync(id, request, services, ct)
            .AnswerAsync(s => ReportResults.Svg(Chart(s, "chart", ChartText.Invariant)));

    private static string Csv(Response r) =>
        MixComparison.Csv(
            MixComparison.Lines.Of(r),
            [
                "dimension",
                "name",
                "share_then_percent",
                "share_now_percent",
                "shift_points",
                "baseline",
                "rule_set_differs",
            ],
            [r.Baseline.Name, r.RuleSetDiffers ? "yes" : "no"]
        );

    /// <summary>
    /// The comparison and the same chart as an inline <c>&lt;svg&gt;</c> element, for a page that shows both (the
    /// officers' console): the baseline is read and the current mix computed once. The chart's ids are prefixed with
    /// <paramref name="idPrefix"/> so that it can sit beside other charts; its words and numbers are in
    /// <paramref name="text"/>.
    /// </summary>
    public static Task<(Response? Comparison, string? ChartSvg, ProblemHttpResult? Problem)> WithInlineChartAsync(
        long id,
        Request request,
        ComparisonServices services,
        string idPrefix,
        ChartText text,
        CancellationToken ct
    ) =>
        LoadAsync(id, request, services, ct)
            .WithInlineChartAsync(s => ComparisonAsync(s, services.Store, ct), s => Chart(s, idPrefix, text));

    /// <summary>The baseline and the current period's mix it is compared with, of one funder.</summary>
    private sealed record Sides(long FunderId, BaselineRow Row, MixResult Now);

    /// <summary>The two sides of the comparison, or the problem (not found, missing rates).</summary>
    private static async Task<(Sides?, ProblemHttpResult?)> LoadAsync(
        long id,
        Request request,
        ComparisonServices services,
        CancellationToken ct
    )
    {
        var funderId = services.User.FunderId();
        if (await services.Store.BaselineAsync(funderId, id, ct) is not { } row)
        {
            return (null, AuditViews.BaselineNotFound(id));
        }

        var (now, missing) = await CurrentAsync(funderId, row, request, services.Mix, ct);
        return now is null ? (null, AuditViews.Missing(missing!)) : (new Sides(funderId, row, now), null);
    }

    private static StackedBarChart Chart(Sides s, string idPrefix, ChartText text) =>
        MixComparison.Chart(
            text.T(
                "Baseline_Title",
                s.Row.Name,
                text.Date(s.Row.PeriodFrom),
                text.Date(s.Row.PeriodTo),
                text.Date(s.Now.Period.From),
                text.Date(s.Now.Period.To),
                s.Row.Currency
            ),
            text.T("Baseline_Desc"),
            text.T("Baseline_Then"),
            text.T("Baseline_Now"),
            GetBaseline.Snapshot(s.Row),
            BaselineSnapshot.From(s.Now),
            idPrefix,
            text
        );

    private static Task<(Response?, ProblemHttpResult?)> CompareAsync(
        long id,
        Request request,
        ComparisonServices services,
        CancellationToken ct
    ) => LoadAsync(id, request, services, ct).ThenAsync(s => ComparisonAsync(s, services.Store, ct));

    private static async Task<Response> ComparisonAsync(Sides s, BaselineStore store, CancellationToken ct)
    {
        var (funderId, row, now) = s;
        var then = GetBaseline.Snapshot(row);
        var current = BaselineSnapshot.From(now);
        var versions = await store.RuleSetVersionsAsync(funderId, now.Period, ct);
        var (differs, note) = RuleSetNote("baseline", GetBaseline.Versions(row), "the current period", versions);
        var lines = MixComparison.Compare(then, current);
        return new Response(
            GetBaseline.ToView(row),
            new PeriodView(now.Period.From, now.Period.To),
            row.Currency,
            versions,
            differs,
            note,
            lines.Levels,
            lines.Purposes,
            lines.PreventionCollective,
            lines.Flexible,
            lines.Local,
            lines.Unclassified,
            then.TotalMinor,
            current.TotalMinor
        );
    }

    /// <summary>
    /// Whether the rule-set versions that classified the two sides differ and, when they do, the note that says so
    /// (the comparison with a baseline and that of two periods alike): part of the shift may come from the rules.
    /// </summary>
    public static (bool Differs, string? Note) RuleSetNote(
        string thenName,
        IReadOnlyList<string> thenVersions,
        string nowName,
        IReadOnlyList<string> nowVersions
    )
    {
        var differs = !thenVersions.SequenceEqual(nowVersions, StringComparer.Ordinal);
        return (
            differs,
            differs
                ? $"The {thenName} was classified with rule set(s) {string.Join(", ", thenVersions)}; "
                    + $"{nowName} with {string.Join(", ", nowVersions)}. Part of the shift may come from the rules."
                : null
        );
    }

    private static Task<(MixResult? Mix, MissingRates? Missing)> CurrentAsync(
        long funderId,
        BaselineRow row,
        Request request,
        MixCalculator mix,
        CancellationToken ct
    )
    {
        var period = AuditViews
            .PeriodOf(request.From, request.To, request.FiscalYear, mix.Options.FiscalYearStartMonth)!
            .Value;
        return mix.LevelByPurposeAsync(funderId, period, row.Currency, ct);
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => AuditViews.PeriodRules(this, r => r.From, r => r.To, r => r.FiscalYear);
    }
}

using FundAudit.Api.Features.Audit.Charts;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// GET /api/audit/compare (and .csv, .svg): the level × purpose mix of two periods side by side, in one currency, with
/// the shift in percentage points: the comparison with a baseline, for any earlier period, computed by the mix's own
/// code (<see cref="MixCalculator.LevelByPurposeAsync"/>) and compared by <see cref="MixComparison"/>.
/// </summary>
internal static class ComparePeriods
{
    public sealed record Request
    {
        /// <summary>First award date of the earlier ("then") period.</summary>
        public DateOnly? ThenFrom { get; init; }

        /// <summary>Last award date of the earlier period.</summary>
        public DateOnly? ThenTo { get; init; }

        /// <summary>First award date of the later ("now") period.</summary>
        public DateOnly? NowFrom { get; init; }

        /// <summary>Last award date of the later period.</summary>
        public DateOnly? NowTo { get; init; }

        /// <summary>The report currency (ISO 4217).</summary>
        public string? Currency { get; init; }
    }

    /// <param name="Then">The earlier period.</param>
    /// <param name="Now">The later period.</param>
    /// <param name="Currency">The currency every amount is in.</param>
    /// <param name="RuleSetDiffers">True when the two periods' grants were classified with other rule-set versions:
    /// part of the shift may be the rules, not the money.</param>
    /// <param name="Note">Set when the rule-set versions differ.</param>
    /// <param name="Levels">One line per level (then, now, shift).</param>
    /// <param name="Purposes">One line per purpose.</param>
    /// <param name="PreventionCollective">Grants whose purpose is prevention or collective.</param>
    /// <param name="Flexible">Core / flexible grants.</param>
    /// <param name="Local">Grants to local actors.</param>
    /// <param name="Unclassified">Grants whose level or purpose is still unclassified.</param>
    /// <param name="TotalThenMinor">All money of the earlier period, in minor units.</param>
    /// <param name="TotalNowMinor">All money of the later period, in minor units.</param>
    public sealed record Response(
        PeriodView Then,
        PeriodView Now,
        string Currency,
        bool RuleSetDiffers,
        string? Note,
        IReadOnlyList<CompareBaseline.Line> Levels,
        IReadOnlyList<CompareBaseline.Line> Purposes,
        CompareBaseline.Line PreventionCollective,
        CompareBaseline.Line Flexible,
        CompareBaseline.Line Local,
        CompareBaseline.Line Unclassified,
        long TotalThenMinor,
        long TotalNowMinor
    ) : MixComparison.IComparison;

    public static Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Request request,
        [AsParameters] ComparisonServices services,
        CancellationToken ct
    ) => CompareAsync(request, services, ct).AnswerAsync(r => TypedResults.Ok(r));

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> CsvAsync(
        [AsParameters] Request request,
        [AsParameters] ComparisonServices services,
        CancellationToken ct
    ) =>
        CompareAsync(request, services, ct)
            .AnswerAsync(r =>
                ReportResults.Csv(
                    Csv(r),
                    $"compare-{r.Then.From:yyyyMMdd}-{r.Then.To:yyyyMMdd}-{r.Now.From:yyyyMMdd}-{r.Now.To:yyyyMMdd}.csv"
                )
            );

    public static Task<Results<ContentHttpResult, ProblemHttpResult>> SvgAsync(
        [AsParameters] Request request,
        [AsParameters] ComparisonServices services,
        CancellationToken ct
    ) => LoadAsync(request, services, ct).AnswerAsync(s => ReportResults.Svg(Chart(s, "chart", ChartText.Invariant)));

    private static Task<(Response?, ProblemHttpResult?)> CompareAsync(
        Request request,
        ComparisonServices services,
        CancellationToken ct
    ) => LoadAsync(request, services, ct).ThenAsync(s => ComparisonAsync(s, services.Store, ct));

    /// <summary>The comparison and its chart inline (ids prefixed by <paramref name="idPrefix"/>, words and numbers in
    /// <paramref name="text"/>).</summary>
    public static Task<(Response? Comparison, string? ChartSvg, ProblemHttpResult? Problem)> WithInlineChartAsync(
        Request request,
        ComparisonServices services,
        string idPrefix,
        ChartText text,
        CancellationToken ct
    ) =>
        LoadAsync(request, services, ct)
            .WithInlineChartAsync(s => ComparisonAsync(s, services.Store, ct), s => Chart(s, idPrefix, text));

    /// <summary>Both periods' level × purpose mixes, of one funder.</summary>
    private sealed record Sides(long FunderId, MixResult Then, MixResult Now);

    /// <summary>Both periods' level × purpose mixes, or the missing rates that stop the report.</summary>
    private static async Task<(Sides?, ProblemHttpResult?)> LoadAsync(
        Request request,
        ComparisonServices services,
        CancellationToken ct
    )
    {
        var funderId = services.User.FunderId();
        var currency = request.Currency!.Trim().ToUpperInvariant();
        Task<(MixResult? Mix, MissingRates? Missing)> MixOf(DateOnly? from, DateOnly? to) =>
            services.Mix.LevelByPurposeAsync(funderId, new AuditPeriod(from!.Value, to!.Value), currency, ct);
        var (then, missingThen) = await MixOf(request.ThenFrom, request.ThenTo);
        if (then is null)
        {
            return (null, AuditViews.Missing(missingThen!));
        }

        var (now, missingNow) = await MixOf(request.NowFrom, request.NowTo);
        return now is null ? (null, AuditViews.Missing(missingNow!)) : (new Sides(funderId, then, now), null);
    }

    private static async Task<Response> ComparisonAsync(Sides s, BaselineStore store, CancellationToken ct)
    {
        var (funderId, then, now) = s;
        var thenVersions = await store.RuleSetVersionsAsync(funderId, then.Period, ct);
        var nowVersions = await store.RuleSetVersionsAsync(funderId, now.Period, ct);
        var (differs, note) = CompareBaseline.RuleSetNote("earlier period", thenVersions, "the later one", nowVersions);
        var lines = MixComparison.Compare(BaselineSnapshot.From(then), BaselineSnapshot.From(now));
        return new Response(
            new PeriodView(then.Period.From, then.Period.To),
            new PeriodView(now.Period.From, now.Period.To),
            then.Currency,
            differs,
            note,
            lines.Levels,
            lines.Purposes,
            lines.PreventionCollective,
            lines.Flexible,
            lines.Local,
            lines.Unclassified,
            then.TotalMinor,
            now.TotalMinor
        );
    }

    private static StackedBarChart Chart(Sides s, string idPrefix, ChartText text) =>
        MixComparison.Chart(
            text.T("Compare_Title", Label(s.Then.Period, text), Label(s.Now.Period, text), s.Then.Currency),
            text.T("Compare_Desc"),
            text.T("Compare_Then"),
            text.T("Compare_Now"),
            BaselineSnapshot.From(s.Then),
            BaselineSnapshot.From(s.Now),
            idPrefix,
            text
        );

    private static string Label(AuditPeriod p, ChartText text) =>
        text.T("Compare_Period", text.Date(p.From), text.Date(p.To));

    private static string Csv(Response r) =>
        MixComparison.Csv(
            MixComparison.Lines.Of(r),
            ["dimension", "name", "share_then_percent", "share_now_percent", "shift_points", "then", "now", "currency"],
            [Label(r.Then), Label(r.Now), r.Currency]
        );

    private static string Label(PeriodView p) => $"{p.From:yyyy-MM-dd} to {p.To:yyyy-MM-dd}";

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            Period(r => r.ThenFrom, r => r.ThenTo, "thenFrom", "thenTo");
            Period(r => r.NowFrom, r => r.NowTo, "nowFrom", "nowTo");
            AuditViews.CurrencyRule(this, r => r.Currency);
        }

        private void Period(Func<Request, DateOnly?> from, Func<Request, DateOnly?> to, string fromName, string toName)
        {
            RuleFor(r => from(r)).NotNull().OverridePropertyName(fromName).WithText("Period_Date");
            RuleFor(r => to(r)).NotNull().OverridePropertyName(toName).WithText("Period_Date");
            AuditViews.DayRangeRules(this, from, to, toName, "Period_NamedToBeforeFrom", toName, fromName);
        }
    }
}

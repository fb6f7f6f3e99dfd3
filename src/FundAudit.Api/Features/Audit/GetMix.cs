using System.Text;
using FundAudit.Api.Features.Audit.Charts;
using FundAudit.Core.Audit;
using FundAudit.Core.Geography;
using static FundAudit.Api.Features.Audit.CsvNumbers;

namespace FundAudit.Api.Features.Audit;

/// <summary>GET /api/audit/mix (and .csv, .svg): the funding mix of a period in one currency, grouped as
/// asked.</summary>
internal static class GetMix
{
    public sealed record Request : IMixFilter
    {
        /// <summary>First award date (YYYY-MM-DD), with to.</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last award date (YYYY-MM-DD), inclusive.</summary>
        public DateOnly? To { get; init; }

        /// <summary>Instead of from/to: the fiscal year starting in that calendar year (start month:
        /// Audit:FiscalYearStartMonth).</summary>
        public int? FiscalYear { get; init; }

        /// <summary>The report currency (ISO 4217).</summary>
        public string? Currency { get; init; }

        /// <summary>Comma-separated, up to 3 of level, purpose, flexible, year, region, country, programme (default
        /// level,purpose).</summary>
        public string? GroupBy { get; init; }

        /// <summary>Only grants of this programme title.</summary>
        public string? Programme { get; init; }

        /// <summary>Only recipients in this world region (UN M49 name, e.g. Africa).</summary>
        public string? Region { get; init; }

        /// <summary>Only recipients in this country (ISO code or name).</summary>
        public string? Country { get; init; }

        /// <summary>Only grants whose purpose came from explicit data or a rule, or that a person corrected
        /// (manual).</summary>
        public string? Source { get; init; }

        /// <summary>Also compute each cell's median grant (default false: the median ranks every grant of the period
        /// and costs several times the mix itself; without it medianMinor and median are null).</summary>
        public bool? IncludeMedian { get; init; }
    }

    /// <param name="MedianMinor">The cell's median grant in minor units, only with includeMedian=true (null
    /// otherwise).</param>
    /// <param name="Median">The same in major units, only with includeMedian=true (null otherwise).</param>
    /// <param name="Key">The cell's value of each grouping dimension.</param>
    /// <param name="AmountMinor">The cell's money in minor units.</param>
    /// <param name="Amount">The same in major units.</param>
    /// <param name="Grants">How many grants.</param>
    /// <param name="Share">Percent of all money of the period.</param>
    public sealed record Cell(
        IReadOnlyDictionary<string, string> Key,
        long AmountMinor,
        decimal Amount,
        long Grants,
        decimal Share,
        long? MedianMinor,
        decimal? Median
    )
    {
        /// <summary>A cell of <paramref name="amountMinor"/> in <paramref name="currency"/>, its share of
        /// <paramref name="totalMinor"/>, and its median when the report has medians.</summary>
        public static Cell Of(
            IReadOnlyDictionary<string, string> key,
            long amountMinor,
            long grants,
            long totalMinor,
            string currency,
            long? medianMinor = null
        ) =>
            new(
                key,
                amountMinor,
                Core.Money.MinorUnits.ToDecimal(amountMinor, currency),
                grants,
                AuditMaths.Share(amountMinor, totalMinor),
                medianMinor,
                medianMinor is { } median ? Core.Money.MinorUnits.ToDecimal(median, currency) : null
            );
    }

    /// <param name="Totals">Every grant of the period (share 100).</param>
    /// <param name="PreventionCollective">Grants whose purpose is prevention or collective.</param>
    /// <param name="Flexible">Core / flexible grants.</param>
    /// <param name="Local">Grants to local actors.</param>
    /// <param name="Unclassified">Grants whose level or purpose is still unclassified: always shown.</param>
    /// <param name="Protection">Grants for one of the four protection purposes (not `other`, not unclassified).</param>
    /// <param name="Purposes">Each purpose's money: its share of all money and, for the four protection purposes, of
    /// the protection money (TAXONOMY.md: `other` and `unclassified` are shown beside them).</param>
    /// <param name="Period">The period.</param>
    /// <param name="Currency">The currency every amount is in.</param>
    /// <param name="GroupBy">The grouping dimensions, in order.</param>
    /// <param name="Cells">One per group.</param>
    /// <param name="RoundingRule">How shares are rounded (they may not add up to 100 exactly).</param>
    public sealed record Response(
        PeriodView Period,
        string Currency,
        IReadOnlyList<string> GroupBy,
        IReadOnlyList<Cell> Cells,
        Figure Totals,
        Figure PreventionCollective,
        Figure Flexible,
        Figure Local,
        Figure Unclassified,
        string RoundingRule,
        Figure Protection,
        IReadOnlyList<PurposeFigure> Purposes
    );

    /// <summary>One purpose's money in the period.</summary>
    /// <param name="Share">Percent of all money of the period.</param>
    /// <param name="ShareOfProtection">Percent of the protection money (the four protection purposes together); null
    /// for
    /// `other` and `unclassified`, which are not protection money.</param>
    /// <param name="Purpose">The purpose, or unclassified.</param>
    /// <param name="AmountMinor">Its money in minor units.</param>
    /// <param name="Amount">The same in major units.</param>
    public sealed record PurposeFigure(
        string Purpose,
        long AmountMinor,
        decimal Amount,
        decimal Share,
        decimal? ShareOfProtection
    )
    {
        /// <summary>A purpose's money, its share of <paramref name="totalMinor"/> and, for the four protection
        /// purposes, of <paramref name="protectionMinor"/>.</summary>
        public static PurposeFigure Of(
            string purpose,
            long amountMinor,
            long totalMinor,
            long protectionMinor,
            string currency
        ) =>
            new(
                purpose,
                amountMinor,
                Core.Money.MinorUnits.ToDecimal(amountMinor, currency),
                AuditMaths.Share(amountMinor, totalMinor),
                MixCalculator.ProtectionPurposes.Contains(purpose)
                    ? AuditMaths.Share(amountMinor, protectionMinor)
                    : null
            );
    }

    /// <summary>
    /// The one rounding rule of the mix (unchanged by the stored daily totals, which hold exactly these groups): a
    /// group is
    /// the grants of one currency awarded on one day with the same effective level, purpose and flexibility (and the
    /// same
    /// region, country or programme when the report groups by it); its exact sum of minor units converts once and
    /// rounds once.
    /// </summary>
    public const string RoundingRule =
        "Each group of grants of one currency awarded on one day with the same level, purpose and flexibility (and "
        + "the same region, "
        + "country or programme when the report groups by it) is converted exactly (decimal) at that day's rate "
        + "(nearest earlier published rate within the window, crossed through the base) and rounded once, "
        + "half to even, "
        + "to the report "
        + "currency's minor unit; cells, totals and the headline figures are sums of those amounts. Shares are "
        + "percentages of the total, rounded half to even to 2 decimals.";

    /// <summary>The report the request asks for (its query, with medians only when it asks for them), or the
    /// missing rates that stop it.</summary>
    private static Task<(Response?, ProblemHttpResult?)> ComputeAsync(
        Request request,
        ClaimsPrincipal user,
        MixCalculator mix,
        CancellationToken ct
    ) => ReportAsync(user, mix, ToQuery(request, mix.Options), request.IncludeMedian == true, ct);

    private static async Task<(Response?, ProblemHttpResult?)> ReportAsync(
        ClaimsPrincipal user,
        MixCalculator mix,
        MixQuery query,
        bool medians,
        CancellationToken ct
    )
    {
        var (result, missing) = await mix.ComputeAsync(user.FunderId(), query, medians, ct);
        return result is null ? (null, AuditViews.Missing(missing!)) : (ToResponse(result), null);
    }

    public static Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] MixCalculator mix,
        CancellationToken ct
    ) => ComputeAsync(request, user, mix, ct).AnswerAsync(r => TypedResults.Ok(r));

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> CsvAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] MixCalculator mix,
        CancellationToken ct
    ) =>
        ComputeAsync(request, user, mix, ct)
            .AnswerAsync(r => ReportResults.Csv(Csv(r), $"mix-{r.Period.From:yyyyMMdd}-{r.Period.To:yyyyMMdd}.csv"));

    private static string Csv(Response r)
    {
        var sb = new StringBuilder();
        sb.Append(CsvCell.Line([.. r.GroupBy, "currency", "amount", "grants", "share_percent", "median"]));
        foreach (var c in r.Cells)
        {
            sb.Append(
                CsvCell.Line([
                    .. r.GroupBy.Select(d => c.Key[d]),
                    r.Currency,
                    Num(c.Amount),
                    Num(c.Grants),
                    Num(c.Share),
                    c.Median is { } median ? Num(median) : "",
                ])
            );
        }

        foreach (
            var (name, f) in new[]
            {
                ("total", r.Totals),
                ("protection", r.Protection),
                ("prevention+collective", r.PreventionCollective),
                ("flexible", r.Flexible),
                ("local", r.Local),
                ("unclassified", r.Unclassified),
            }
        )
        {
            sb.Append(
                CsvCell.Line([
                    name,
                    .. r.GroupBy.Skip(1).Select(_ => ""),
                    r.Currency,
                    Num(f.Amount),
                    f.Grants is { } g ? Num(g) : "",
                    Num(f.Share),
                    "",
                ])
            );
        }

        return sb.ToString();
    }

    public static Task<Results<ContentHttpResult, ProblemHttpResult>> SvgAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] MixCalculator mix,
        CancellationToken ct
    ) =>
        ReportAsync(user, mix, ToQuery(request, mix.Options) with { GroupBy = ["level", "purpose"] }, false, ct)
            .AnswerAsync(r => ReportResults.Svg(Chart(r)));

    /// <summary>
    /// The level × purpose chart of a mix grouped by level and purpose: one bar per level, stacked by purpose, as
    /// shares of
    /// the total. The .svg endpoint renders it as a document; a page (the console) renders it inline with its own id
    /// prefix and <paramref name="text"/> (the API's: <see cref="ChartText.Invariant"/>).
    /// </summary>
    public static StackedBarChart Chart(Response mix, string idPrefix = "chart", ChartText? text = null)
    {
        text ??= ChartText.Invariant;
        var bars = MixCalculator
            .Levels.Select(level => new ChartBar(
                text.Name(level),
                MixCalculator
                    .Purposes.Select(purpose =>
                    {
                        var amount = mix
                            .Cells.Where(c => c.Key["level"] == level && c.Key["purpose"] == purpose)
                            .Sum(c => c.AmountMinor);
                        return new ChartSegment(purpose, AuditMaths.Share(amount, mix.Totals.AmountMinor));
                    })
                    .ToList()
            ))
            .ToList();
        return new StackedBarChart(
            text.T("Mix_Title", text.Date(mix.Period.From), text.Date(mix.Period.To), mix.Currency),
            text.T("Mix_Desc", mix.Totals.Amount.ToString("N2", text.Culture), mix.Currency, mix.Unclassified.Share),
            text.T("Chart_Level"),
            text.T("Chart_ShareOfTotal"),
            MixCalculator.Purposes,
            bars,
            idPrefix,
            text
        );
    }

    public static Response ToResponse(MixResult m)
    {
        var protection = ProtectionMinor(m);
        return new(
            new PeriodView(m.Period.From, m.Period.To),
            m.Currency,
            m.GroupBy,
            [
                .. m.Cells.Select(c =>
                    Cell.Of(
                        c.Key,
                        c.AmountMinor,
                        c.Grants,
                        m.TotalMinor,
                        m.Currency,
                        m.HasMedians ? c.MedianMinor : null
                    )
                ),
            ],
            AuditViews.FigureOf(m.TotalMinor, m.TotalMinor, m.Currency, m.Grants),
            AuditViews.FigureOf(m.PreventionCollectiveMinor, m.TotalMinor, m.Currency),
            AuditViews.FigureOf(m.FlexibleMinor, m.TotalMinor, m.Currency),
            AuditViews.FigureOf(m.LocalMinor, m.TotalMinor, m.Currency),
            AuditViews.FigureOf(m.UnclassifiedMinor, m.TotalMinor, m.Currency, m.UnclassifiedGrants),
            RoundingRule,
            AuditViews.FigureOf(protection, m.TotalMinor, m.Currency),
            [
                .. MixCalculator.Purposes.Select(p =>
                    PurposeFigure.Of(p, m.PurposeMinor.GetValueOrDefault(p), m.TotalMinor, protection, m.Currency)
                ),
            ]
        );
    }

    private static long ProtectionMinor(MixResult m) =>
        MixCalculator.ProtectionPurposes.Sum(p => m.PurposeMinor.GetValueOrDefault(p));

    public static MixQuery ToQuery(Request r, AuditOptions options) =>
        AuditViews.QueryOf(r, AuditViews.ParseGroupBy(r.GroupBy), options);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            AuditViews.PeriodRules(this, r => r.From, r => r.To, r => r.FiscalYear);
            AuditViews.CurrencyRule(this, r => r.Currency);
            RuleFor(r => r.GroupBy)
                .Must(g =>
                    AuditViews.ParseGroupBy(g) is { Count: > 0 and <= 3 } dims
                    && dims.All(AuditViews.Dimensions.Contains)
                    && dims.Distinct().Count() == dims.Count
                )
                .WithText("Mix_By", string.Join(", ", AuditViews.Dimensions));
            AuditViews.FilterRules(this);
        }
    }
}

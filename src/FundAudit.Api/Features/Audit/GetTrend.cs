using System.Text;
using FundAudit.Api.Features.Audit.Charts;
using FundAudit.Core.Audit;
using static FundAudit.Api.Features.Audit.CsvNumbers;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// GET /api/audit/trend (and .csv, .svg): the mix year by year (calendar or fiscal years) with the prevention +
/// collective, flexible, local, other and unclassified shares of each year. One mix query grouped by year, level,
/// purpose and flexible (<see cref="MixCalculator.ComputeAsync"/>: the same sums, rates and rounding as the mix).
/// </summary>
internal static class GetTrend
{
    public sealed record Request : IMixFilter
    {
        /// <summary>First award date (YYYY-MM-DD).</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last award date, inclusive.</summary>
        public DateOnly? To { get; init; }

        /// <summary>The report currency (ISO 4217).</summary>
        public string? Currency { get; init; }

        /// <summary>calendar (default) or fiscal: fiscal years start in month Audit:FiscalYearStartMonth and are named
        /// by the calendar year they start in, as the mix's fiscalYear.</summary>
        public string? Years { get; init; }

        /// <summary>Only grants of this programme title.</summary>
        public string? Programme { get; init; }

        /// <summary>Only recipients in this world region (UN M49 name, e.g. Africa).</summary>
        public string? Region { get; init; }

        /// <summary>Only recipients in this country (ISO code or name).</summary>
        public string? Country { get; init; }

        /// <summary>Only grants whose purpose came from explicit data or a rule, or that a person corrected
        /// (manual).</summary>
        public string? Source { get; init; }

        int? IMixFilter.FiscalYear => null;

        public bool Fiscal => Years?.Trim().ToLowerInvariant() == "fiscal";
    }

    /// <param name="Year">The year (a fiscal year is named by the calendar year it starts in).</param>
    /// <param name="Period">Its award dates inside the report's period.</param>
    /// <param name="Totals">All money of the year (share 100 when there is any).</param>
    /// <param name="Cells">The year's level × purpose cells; shares are of the year's total.</param>
    /// <param name="Purposes">Each purpose's money and share of the year's total.</param>
    /// <param name="PreventionCollective">Grants whose purpose is prevention or collective.</param>
    /// <param name="Flexible">Core / flexible grants.</param>
    /// <param name="Local">Grants to local actors.</param>
    /// <param name="Other">Grants for the recipient's own work (purpose other).</param>
    /// <param name="Unclassified">Grants whose level or purpose is still unclassified.</param>
    public sealed record YearLine(
        int Year,
        PeriodView Period,
        Figure Totals,
        IReadOnlyList<GetMix.Cell> Cells,
        IReadOnlyList<GetMix.PurposeFigure> Purposes,
        Figure PreventionCollective,
        Figure Flexible,
        Figure Local,
        Figure Other,
        Figure Unclassified
    );

    /// <param name="Period">The report's period.</param>
    /// <param name="Currency">The currency every amount is in.</param>
    /// <param name="Years">calendar or fiscal.</param>
    /// <param name="FiscalYearStartMonth">The month the years start in (1 for calendar years).</param>
    /// <param name="Items">Every year the period touches, in order, empty years included.</param>
    /// <param name="Totals">All money of the period.</param>
    /// <param name="RoundingRule">How amounts are converted and rounded (the mix's one rule).</param>
    public sealed record Response(
        PeriodView Period,
        string Currency,
        string Years,
        int FiscalYearStartMonth,
        IReadOnlyList<YearLine> Items,
        Figure Totals,
        string RoundingRule
    );

    public static Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] MixCalculator mix,
        CancellationToken ct
    ) => ComputeAsync(request, user, mix, ct).AnswerAsync(t => TypedResults.Ok(t));

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> CsvAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] MixCalculator mix,
        CancellationToken ct
    ) =>
        ComputeAsync(request, user, mix, ct)
            .AnswerAsync(t => ReportResults.Csv(Csv(t), $"trend-{t.Period.From:yyyyMMdd}-{t.Period.To:yyyyMMdd}.csv"));

    public static Task<Results<ContentHttpResult, ProblemHttpResult>> SvgAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] MixCalculator mix,
        CancellationToken ct
    ) => ComputeAsync(request, user, mix, ct).AnswerAsync(t => ReportResults.Svg(Chart(t)));

    /// <summary>The trend of a validated request, or the missing rates that stop it.</summary>
    public static async Task<(Response? Trend, ProblemHttpResult? Problem)> ComputeAsync(
        Request request,
        ClaimsPrincipal user,
        MixCalculator mix,
        CancellationToken ct
    )
    {
        var startMonth = request.Fiscal ? mix.Options.FiscalYearStartMonth : 1;
        var q = AuditViews.QueryOf(request, ["year", "level", "purpose", "flexible"], mix.Options) with
        {
            FiscalYearStartMonth = startMonth,
        };
        var (result, missing) = await mix.ComputeAsync(user.FunderId(), q, false, ct);
        return result is null
            ? (null, AuditViews.Missing(missing!))
            : (ToResponse(result, request.Fiscal, startMonth), null);
    }

    private static Response ToResponse(MixResult m, bool fiscal, int startMonth)
    {
        var first = AuditPeriod.FiscalYearOf(m.Period.From, startMonth);
        var last = AuditPeriod.FiscalYearOf(m.Period.To, startMonth);
        var byYear = m.Cells.ToLookup(c => c.Key["year"]);
        var years = Enumerable
            .Range(first, last - first + 1)
            .Select(y => YearOf(y, byYear[y.ToString(CultureInfo.InvariantCulture)].ToList(), m, startMonth))
            .ToList();
        return new Response(
            new PeriodView(m.Period.From, m.Period.To),
            m.Currency,
            fiscal ? "fiscal" : "calendar",
            startMonth,
            years,
            AuditViews.FigureOf(m.TotalMinor, m.TotalMinor, m.Currency, m.Grants),
            GetMix.RoundingRule
        );
    }

    private static YearLine YearOf(int year, List<MixCell> cells, MixResult m, int startMonth)
    {
        var c = m.Currency;
        var total = cells.Sum(x => x.AmountMinor);
        long Sum(Func<IReadOnlyDictionary<string, string>, bool> where) =>
            cells.Where(x => where(x.Key)).Sum(x => x.AmountMinor);
        var fy = AuditPeriod.FiscalYear(year, startMonth);
        var period = new PeriodView(Max(fy.From, m.Period.From), Min(fy.To, m.Period.To));
        var levelPurpose = cells
            .GroupBy(x => (Level: x.Key["level"], Purpose: x.Key["purpose"]))
            .Select(g =>
                GetMix.Cell.Of(
                    new Dictionary<string, string> { ["level"] = g.Key.Level, ["purpose"] = g.Key.Purpose },
                    g.Sum(x => x.AmountMinor),
                    g.Sum(x => x.Grants),
                    total,
                    c
                )
            )
            .ToList();
        var protection = Sum(k => MixCalculator.ProtectionPurposes.Contains(k["purpose"]));
        var purposes = MixCalculator
            .Purposes.Select(p => GetMix.PurposeFigure.Of(p, Sum(k => k["purpose"] == p), total, protection, c))
            .ToList();
        return new YearLine(
            year,
            period,
            AuditViews.FigureOf(total, total, c, cells.Sum(x => x.Grants)),
            levelPurpose,
            purposes,
            AuditViews.FigureOf(Sum(k => k["purpose"] is "prevention" or "collective"), total, c),
            AuditViews.FigureOf(Sum(k => k["flexible"] == "true"), total, c),
            AuditViews.FigureOf(Sum(k => k["level"] == "local"), total, c),
            AuditViews.FigureOf(Sum(k => k["purpose"] == "other"), total, c),
            AuditViews.FigureOf(Sum(k => k["level"] == "unclassified" || k["purpose"] == "unclassified"), total, c)
        );
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    /// <summary>"2024", or "FY2024" for fiscal years that do not start in January.</summary>
    public static string YearName(Response trend, YearLine y) =>
        (trend.FiscalYearStartMonth == 1 ? "" : "FY") + y.Year.ToString(CultureInfo.InvariantCulture);

    /// <summary>One row per year: totals, each purpose's amount and share (<c>other_share_percent</c> is the
    /// headline "other" share too), then the headline shares, each column named once; the headline unclassified
    /// share counts a grant whose level or purpose is unclassified, the purpose column only the latter.</summary>
    public static string Csv(Response trend)
    {
        var sb = new StringBuilder(
            CsvCell.Line([
                "year",
                "from",
                "to",
                "currency",
                "amount",
                "grants",
                .. MixCalculator.Purposes.SelectMany(p => new[] { p + "_amount", p + "_share_percent" }),
                "prevention_collective_share_percent",
                "flexible_share_percent",
                "local_share_percent",
                "unclassified_level_or_purpose_share_percent",
            ])
        );
        foreach (var y in trend.Items)
        {
            sb.Append(
                CsvCell.Line([
                    YearName(trend, y),
                    y.Period.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    y.Period.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    trend.Currency,
                    Num(y.Totals.Amount),
                    Num(y.Totals.Grants ?? 0),
                    .. y.Purposes.SelectMany(p => new[] { Num(p.Amount), Num(p.Share) }),
                    Num(y.PreventionCollective.Share),
                    Num(y.Flexible.Share),
                    Num(y.Local.Share),
                    Num(y.Unclassified.Share),
                ])
            );
        }

        return sb.ToString();
    }

    /// <summary>One bar per year, stacked by purpose as shares of that year's total, in <paramref name="text"/>
    /// (the API's: <see cref="ChartText.Invariant"/>).</summary>
    public static StackedBarChart Chart(Response trend, string idPrefix = "chart", ChartText? text = null)
    {
        var t = text ?? ChartText.Invariant;
        var fiscal = trend.Years == "fiscal";
        return new(
            t.T(
                fiscal ? "Trend_TitleFiscal" : "Trend_Title",
                t.Date(trend.Period.From),
                t.Date(trend.Period.To),
                trend.Currency
            ),
            t.T(
                "Trend_Desc",
                string.Join(
                    "; ",
                    trend.Items.Select(y =>
                        t.T(
                            "Trend_YearShares",
                            YearName(trend, y),
                            y.PreventionCollective.Share,
                            y.Flexible.Share,
                            y.Local.Share,
                            y.Other.Share
                        )
                    )
                )
            ),
            t.T(fiscal ? "Trend_FiscalYear" : "Trend_Year"),
            t.T("Trend_ShareOfYear"),
            MixCalculator.Purposes,
            trend
                .Items.Select(y => new ChartBar(
                    YearName(trend, y),
                    y.Purposes.Select(p => new ChartSegment(p.Purpose, p.Share)).ToList()
                ))
                .ToList(),
            idPrefix,
            t
        );
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.From).NotNull().WithText("Trend_From");
            RuleFor(r => r.To).NotNull().WithText("Trend_To");
            RuleFor(r => r.From).WithinDayRange();
            RuleFor(r => r.To).WithinDayRange();
            AuditViews.DayRangeRules(this, r => r.From, r => r.To, "to", "Period_ToBeforeFrom");
            RuleFor(r => r.Years)
                .Must(y => y!.Trim().ToLowerInvariant() is "calendar" or "fiscal")
                .When(r => r.Years is not null)
                .WithText("Trend_Year");
            AuditViews.CurrencyRule(this, r => r.Currency);
            AuditViews.FilterRules(this);
        }
    }
}

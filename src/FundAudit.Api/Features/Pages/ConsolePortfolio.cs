using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>What the portfolio page's form asked for, as typed (kept on the page when it is wrong).</summary>
internal sealed record PortfolioQuery(string From, string To, string Currency, long? BaselineId);

/// <summary>
/// The portfolio page: the mix of the period (or why it cannot be computed), the chosen baseline beside it (or why
/// not),
/// and the targets. Each part carries its own problem so that one missing exchange rate does not blank the others.
/// </summary>
internal sealed record PortfolioData(
    PortfolioQuery Query,
    IReadOnlyDictionary<string, string> Errors,
    IReadOnlyList<string> Currencies,
    IReadOnlyList<BaselineView> Baselines,
    BaselineView? Baseline,
    GetMix.Response? Mix,
    string? MixChart,
    string? MixProblem,
    CompareBaseline.Response? Compare,
    string? CompareChart,
    string? CompareProblem,
    IReadOnlyList<TargetView>? Targets,
    string? TargetsProblem,
    IReadOnlyList<Audit.Quality.GetQuality.ReasonCount>? Unplaced = null
);

/// <summary>
/// The console's portfolio page. Every figure comes from the audit's use cases (mix, baselines, comparison, targets),
/// called
/// with the signed-in principal, so the page shows exactly what the API answers for the same funder.
/// </summary>
internal static class ConsolePortfolio
{
    /// <summary>The report currency when the funder has no grant yet.</summary>
    public const string FallbackCurrency = "EUR";

    /// <summary>The funder's currencies, most used first.</summary>
    /// <param name="grants">The grants' use cases.</param>
    /// <param name="user">The signed-in person.</param>
    /// <param name="ct">Cancels the read.</param>
    public static async Task<List<string>> CurrenciesAsync(
        GrantIngestUseCases grants,
        ClaimsPrincipal user,
        CancellationToken ct
    ) => (await grants.ListCurrenciesAsync(user, ct)).Select(c => c.Currency).ToList();

    /// <summary>The currency a blank form starts in: the funder's first (most used), else
    /// <see cref="FallbackCurrency"/>.</summary>
    /// <param name="currencies">The funder's currencies, most used first.</param>
    public static string FirstCurrency(IReadOnlyList<string> currencies) =>
        currencies.Count > 0 ? currencies[0] : FallbackCurrency;

    /// <summary>The currency typed in the form, in upper case; blank: <see cref="FirstCurrency"/>.</summary>
    /// <param name="typed">The form's currency as typed.</param>
    /// <param name="currencies">The funder's currencies, most used first.</param>
    public static string Currency(string? typed, IReadOnlyList<string> currencies) =>
        ConsoleForms.Blank(typed)?.ToUpperInvariant() ?? FirstCurrency(currencies);

    public static async Task<IResult> ShowAsync(
        HttpContext http,
        string? from,
        string? to,
        string? currency,
        string? baseline,
        ClaimsPrincipal user,
        [FromServices] AuditUseCases audit,
        [FromServices] GrantIngestUseCases grants,
        [FromServices] IValidator<GetMix.Request> validator,
        [FromServices] TimeProvider clock,
        [FromServices] Audit.Quality.QualityCalculator quality,
        CancellationToken ct
    )
    {
        var currencies = await CurrenciesAsync(grants, user, ct);
        var query = ReadQuery(from, to, currency, baseline, currencies, clock);

        var baselines = await audit.ListBaselinesAsync(user, ct);
        var chosen = query.BaselineId is { } wanted
            ? baselines.FirstOrDefault(x => x.Id == wanted)
            : baselines.OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Id).FirstOrDefault();

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = await MixRequestAsync(query, errors, validator, ct);
        if (query.BaselineId is { } missing && chosen is null)
        {
            errors["baseline"] = ConsoleText.T("Problem_NoBaseline", missing);
        }

        var data = new PortfolioData(
            query,
            errors,
            currencies,
            baselines,
            chosen,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null
        );
        if (errors.Count > 0)
        {
            return ConsoleRender.Page<ConsolePortfolioPage>(
                http,
                ConsoleText.T("Portfolio_Title"),
                "portfolio",
                data,
                ConsoleText.T("Problem_CheckFields"),
                true,
                StatusCodes.Status400BadRequest
            );
        }

        data = await WithFiguresAsync(data, request, user, audit, ct);
        if (data.Mix is { Unclassified.Grants: > 0 })
        {
            data = data with { Unplaced = await UnplacedAsync(request, user, quality, ct) };
        }
        return ConsoleRender.Page<ConsolePortfolioPage>(http, ConsoleText.T("Portfolio_Title"), "portfolio", data);
    }

    /// <summary>The form as asked, or this year and the funder's first currency where a field is blank.</summary>
    private static PortfolioQuery ReadQuery(
        string? from,
        string? to,
        string? currency,
        string? baseline,
        List<string> currencies,
        TimeProvider clock
    )
    {
        var year = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).Year;
        return new PortfolioQuery(
            ConsoleForms.Blank(from) ?? $"{year:D4}-01-01",
            ConsoleForms.Blank(to) ?? $"{year:D4}-12-31",
            Currency(currency, currencies),
            long.TryParse(baseline, NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : null
        );
    }

    /// <summary>
    /// The mix request of the form, with each problem of its dates, then of the API's validator, added to
    /// <paramref name="errors"/> by field.
    /// </summary>
    private static async Task<GetMix.Request> MixRequestAsync(
        PortfolioQuery query,
        Dictionary<string, string> errors,
        IValidator<GetMix.Request> validator,
        CancellationToken ct
    )
    {
        var (fromDate, toDate) = ConsoleForms.RequiredPeriod(query.From, query.To, errors);
        var request = new GetMix.Request
        {
            From = fromDate,
            To = toDate,
            Currency = query.Currency,
            GroupBy = "level,purpose",
            IncludeMedian = false,
        };
        await ConsoleForms.ValidateIfReadAsync(validator, request, errors, ct);

        return request;
    }

    /// <summary>
    /// The page's figures for a valid form: the mix, the chosen baseline beside it and the targets, each with its own
    /// problem (a missing rate) rather than none.
    /// </summary>
    private static async Task<PortfolioData> WithFiguresAsync(
        PortfolioData data,
        GetMix.Request request,
        ClaimsPrincipal user,
        AuditUseCases audit,
        CancellationToken ct
    )
    {
        switch ((await audit.GetMixAsync(request, user, ct)).Result)
        {
            case Ok<GetMix.Response> { Value: { } m }:
                data = data with { Mix = m, MixChart = GetMix.Chart(m, "mix", ConsoleFormat.Chart()).RenderInline() };
                break;
            case ProblemHttpResult p:
                data = data with { MixProblem = Detail(p) };
                break;
        }

        if (data.Baseline is { } chosen)
        {
            var compareRequest = new CompareBaseline.Request(request.From, request.To, null);
            var (comparison, chart, problem) = await audit.CompareWithChartAsync(
                chosen.Id,
                compareRequest,
                user,
                "compare",
                ConsoleFormat.Chart(),
                ct
            );
            data = problem is null
                ? data with
                {
                    Compare = comparison,
                    CompareChart = chart,
                }
                : data with
                {
                    CompareProblem = Detail(problem),
                };
        }

        switch (
            (await audit.ListTargetsAsync(new ListTargets.Request(request.From, request.To, null), user, ct)).Result
        )
        {
            case Ok<IReadOnlyList<TargetView>> { Value: { } t }:
                data = data with { Targets = t };
                break;
            case ProblemHttpResult p:
                data = data with { TargetsProblem = Detail(p) };
                break;
        }

        return data;
    }

    /// <summary>
    /// The classifier's reasons for the money the audit cannot place (the grants of the quality check "unclassified"
    /// for the same period and currency, read alone); empty when every grant is placed. The amounts are the mix's.
    /// </summary>
    private static async Task<IReadOnlyList<Audit.Quality.GetQuality.ReasonCount>> UnplacedAsync(
        GetMix.Request request,
        ClaimsPrincipal user,
        Audit.Quality.QualityCalculator quality,
        CancellationToken ct
    )
    {
        var filters = Audit.Quality.GetQuality.Request.OfPeriod(request.From, request.To, request.Currency);
        var q = Audit.Quality.GetQuality.ToQuery(filters, quality.Options);
        var report = await quality.ReportAsync(user.FunderId(), q, null, ct); // summed by stored flags (0018)
        return Audit.Quality.GetQuality.ToResponse(report, "").Checks.Single(c => c.Code == "unclassified").Reasons;
    }

    /// <summary>The query string of the quality page for the portfolio's period and currency.</summary>
    public static string QualityLink(PortfolioQuery query) =>
        new QualityPageQuery(query.From, query.To, query.Currency).QueryString;

    /// <summary>A cell of the level × purpose table: the mix's amount and share there (zero when no grant falls in
    /// it).</summary>
    public static (decimal Amount, decimal Share, long Grants) Cell(GetMix.Response mix, string level, string? purpose)
    {
        var cells = mix
            .Cells.Where(c =>
                (c.Key["level"] == level || level == "*") && (purpose is null || c.Key["purpose"] == purpose)
            )
            .ToList();
        var minor = cells.Sum(c => c.AmountMinor);
        return (
            FundAudit.Core.Money.MinorUnits.ToDecimal(minor, mix.Currency),
            FundAudit.Core.Audit.AuditMaths.Share(minor, mix.Totals.AmountMinor),
            cells.Sum(c => c.Grants)
        );
    }

    /// <summary>"1 grant", "3 grants".</summary>
    public static string Grants(long count) =>
        ConsoleText.T(count == 1 ? "Count_Grant" : "Count_Grants", ConsoleFormat.Count(count));

    /// <summary>An amount in the request's culture: "1,500.00", "1.500,00".</summary>
    public static string Money(decimal amount) => ConsoleFormat.Money(amount);

    /// <summary>A share in the request's culture: "12.50 %", "12,50 %".</summary>
    public static string Percent(decimal share) => ConsoleFormat.Number(share, "0.00") + " %";

    /// <summary>A shift in percentage points with its sign: "+19.05 pp", "−55.95 pp".</summary>
    public static string Points(decimal shift) =>
        (
            shift > 0 ? "+"
            : shift < 0 ? "−"
            : ""
        ) + ConsoleText.T("Unit_Points", ConsoleFormat.Number(Math.Abs(shift), "0.00"));

    /// <summary>A date as links and form fields carry it (ISO, whatever the language).</summary>
    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A date as the page shows it, in the request's culture.</summary>
    public static string Date(DateOnly date) => ConsoleFormat.Date(date);

    /// <summary>A period as the page shows it: "2025-01-01 to 2025-12-31".</summary>
    public static string Period(DateOnly from, DateOnly to) =>
        ConsoleText.T("Period_FromTo", ConsoleFormat.Date(from), ConsoleFormat.Date(to));

    /// <summary>Target metrics in words: "local", "prevention + collective", "level: national", "purpose:
    /// campaign".</summary>
    public static string MetricName(string metric) =>
        metric switch
        {
            "prevention_collective" => ConsoleText.T("Metric_PreventionCollective"),
            "local" => ConsoleText.T("Metric_Local"),
            "flexible" => ConsoleText.T("Metric_Flexible"),
            _ when metric.StartsWith("level:", StringComparison.Ordinal) => ConsoleText.T(
                "Metric_Level",
                metric["level:".Length..]
            ),
            _ when metric.StartsWith("purpose:", StringComparison.Ordinal) => ConsoleText.T(
                "Metric_Purpose",
                metric["purpose:".Length..]
            ),
            _ when metric.Contains(':', StringComparison.Ordinal) => metric.Replace(
                ":",
                ": ",
                StringComparison.Ordinal
            ),
            _ => metric,
        };

    private static string Detail(ProblemHttpResult problem) =>
        problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? ConsoleText.T("Problem_Figures");
}

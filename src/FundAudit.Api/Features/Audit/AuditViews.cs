using FundAudit.Core.Audit;
using FundAudit.Core.Geography;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.Audit;

/// <summary>An amount in the report currency: exact minor units, the same as a decimal, and its share of the total
/// (percent, 2 decimals).</summary>
internal sealed record Figure(long AmountMinor, decimal Amount, decimal Share, long? Grants = null);

internal sealed record PeriodView(DateOnly From, DateOnly To);

internal sealed record MissingRateView(string Currency, IReadOnlyList<DateOnly> Dates);

/// <summary>Shared pieces of the audit's requests, views and problems.</summary>
internal static class AuditViews
{
    public static readonly string[] Dimensions = MixDimensions.Names;
    public static readonly string[] Sources = ["explicit", "rule", "manual"];

    public static Figure FigureOf(long amountMinor, long totalMinor, string currency, long? grants = null) =>
        new(
            amountMinor,
            MinorUnits.ToDecimal(amountMinor, currency),
            AuditMaths.Share(amountMinor, totalMinor),
            grants
        );

    /// <summary>422 naming each currency and award date that has no rate: the report is refused, never
    /// partial.</summary>
    public static ProblemHttpResult Missing(MissingRates missing)
    {
        var byCurrency = missing
            .Missing.GroupBy(m => m.Currency)
            .Select(g => new MissingRateView(g.Key, g.Select(m => m.Date).ToList()))
            .ToList();
        var text = string.Join(
            "; ",
            byCurrency.Select(c =>
                $"{c.Currency} on "
                + string.Join(
                    ", ",
                    c.Dates.Take(10)
                        .Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                )
                + (c.Dates.Count > 10 ? $" and {c.Dates.Count - 10} more dates" : "")
            )
        );
        return TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: ProblemText.T("Title_RatesMissing"),
            detail: ProblemText.T("Use_RatesMissing", missing.Currency, text),
            extensions: new Dictionary<string, object?> { ["currency"] = missing.Currency, ["missing"] = byCurrency }
        );
    }

    public static ProblemHttpResult BaselineNotFound(long id) =>
        ProblemText.Problem(StatusCodes.Status404NotFound, "Title_BaselineNotFound", "Use_BaselineNotFound", id);

    public static AuditPeriod? PeriodOf(DateOnly? from, DateOnly? to, int? fiscalYear, int startMonth) =>
        fiscalYear is { } fy ? AuditPeriod.FiscalYear(fy, startMonth)
        : from is { } f && to is { } t ? new AuditPeriod(f, t)
        : null;

    /// <summary>The period rules: from and to together, or fiscalYear, never both; to not before from.</summary>
    public static void PeriodRules<T>(
        AbstractValidator<T> v,
        Func<T, DateOnly?> from,
        Func<T, DateOnly?> to,
        Func<T, int?> fiscalYear
    )
    {
        v.RuleFor(r => r)
            .Must(r => fiscalYear(r) is not null || (from(r) is not null && to(r) is not null))
            .OverridePropertyName("from")
            .WithText("Period_Required");
        v.RuleFor(r => r)
            .Must(r => fiscalYear(r) is null || (from(r) is null && to(r) is null))
            .OverridePropertyName("fiscalYear")
            .WithText("Period_EitherFiscal");
        DayRangeRules(v, from, to, "to", "Period_ToBeforeFrom");
        v.RuleFor(r => fiscalYear(r))
            .InclusiveBetween(DayRules.Earliest.Year, DayRules.Latest.Year)
            .OverridePropertyName("fiscalYear")
            .When(r => fiscalYear(r) is not null);
    }

    /// <summary>
    /// A period's two days, when both are given: <paramref name="to"/> not before <paramref name="from"/> (the problem
    /// <paramref name="toBeforeFromKey"/> with <paramref name="args"/>) and at most 36,600 days after it; both
    /// problems are <paramref name="toName"/>'s.
    /// </summary>
    public static void DayRangeRules<T>(
        AbstractValidator<T> v,
        Func<T, DateOnly?> from,
        Func<T, DateOnly?> to,
        string toName,
        string toBeforeFromKey,
        params object?[] args
    )
    {
        v.RuleFor(r => r)
            .Must(r => from(r) is not { } f || to(r) is not { } t || t >= f)
            .OverridePropertyName(toName)
            .WithText(toBeforeFromKey, args);
        v.RuleFor(r => r)
            .Must(r => from(r) is not { } f || to(r) is not { } t || t.DayNumber - f.DayNumber <= 36_600)
            .OverridePropertyName(toName)
            .WithText("Period_TooLong");
    }

    public static void CurrencyRule<T>(AbstractValidator<T> v, Func<T, string?> currency) =>
        v.RuleFor(r => currency(r))
            .NotEmpty()
            .WithText("Report_Currency")
            .Must(Currencies.IsKnown)
            .WithText("Currency_Unknown")
            .OverridePropertyName("currency");

    public static IReadOnlyList<string> ParseGroupBy(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? ["level", "purpose"]
            :
            [
                .. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => s.ToLowerInvariant()),
            ];

    public static string? RegionOf(string? text) => WorldRegions.TryParse(text, out var r) ? r.DisplayName() : null;

    public static string? CountryOf(string? text) => Countries.TryResolve(text, out var c) ? c.Alpha2 : null;

    /// <summary>
    /// The filter rules every report over the mix's grants takes (region, country, source, programme), beside
    /// <see cref="PeriodRules"/> and <see cref="CurrencyRule"/>.
    /// </summary>
    public static void FilterRules<T>(AbstractValidator<T> v)
        where T : IMixFilter
    {
        v.RuleFor(r => r.Region)
            .Must(r => WorldRegions.TryParse(r, out _))
            .When(r => r.Region is not null)
            .WithText("OneOf", string.Join(", ", WorldRegions.All.Select(r => r.DisplayName())));
        v.RuleFor(r => r.Country)
            .Must(c => Countries.TryResolve(c, out _))
            .When(r => r.Country is not null)
            .WithText("Report_Country");
        v.RuleFor(r => r.Source)
            .Must(s => Sources.Contains(s!.Trim().ToLowerInvariant()))
            .When(r => r.Source is not null)
            .WithText("OneOf", string.Join(", ", Sources));
        v.RuleFor(r => r.Programme).AtMost(400);
    }

    /// <summary>The query of a validated filter, grouped by <paramref name="groupBy"/>.</summary>
    public static MixQuery QueryOf(IMixFilter r, IReadOnlyList<string> groupBy, AuditOptions options) =>
        new(
            PeriodOf(r.From, r.To, r.FiscalYear, options.FiscalYearStartMonth)!.Value,
            r.Currency!.Trim().ToUpperInvariant(),
            groupBy,
            string.IsNullOrWhiteSpace(r.Programme) ? null : r.Programme.Trim(),
            RegionOf(r.Region),
            CountryOf(r.Country),
            r.Source?.Trim().ToLowerInvariant(),
            options.FiscalYearStartMonth
        );
}

/// <summary>The filters of a report over the mix's grants (the mix itself, the quality report).</summary>
internal interface IMixFilter
{
    DateOnly? From { get; }
    DateOnly? To { get; }
    int? FiscalYear { get; }
    string? Currency { get; }
    string? Programme { get; }
    string? Region { get; }
    string? Country { get; }
    string? Source { get; }
}

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// The days a report's period may name: 1900-01-01 to 2200-12-31, the years a fiscal year may be. Beyond them the
/// date arithmetic of a period (a year earlier, the day after, a fiscal year's last day) left DateOnly's range, a 500.
/// </summary>
internal static class DayRules
{
    public static readonly DateOnly Earliest = new(1900, 1, 1);

    public static readonly DateOnly Latest = new(2200, 12, 31);

    public static bool InRange(DateOnly day) => day >= Earliest && day <= Latest;

    /// <summary>The problem of a day out of range, in the request's language.</summary>
    public static string Problem() => ProblemText.T("Day_Range", Day(Earliest), Day(Latest));

    /// <summary>A day, when given, from <see cref="Earliest"/> to <see cref="Latest"/>.</summary>
    public static IRuleBuilderOptions<T, DateOnly?> WithinDayRange<T>(this IRuleBuilder<T, DateOnly?> rule) =>
        rule.Must(d => d is not { } day || InRange(day)).WithText("Day_Range", Day(Earliest), Day(Latest));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

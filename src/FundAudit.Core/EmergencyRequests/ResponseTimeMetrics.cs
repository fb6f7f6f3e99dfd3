using System.Globalization;

namespace FundAudit.Core.EmergencyRequests;

/// <summary>How a request was decided.</summary>
public enum DecisionOutcome
{
    /// <summary>Finally approved (after a second approval where one was needed).</summary>
    Approved = 1,

    /// <summary>Declined.</summary>
    Declined,
}

/// <summary>One goal of one request for the statistics.</summary>
/// <param name="Target">The goal's duration for the request's tier.</param>
/// <param name="Duration">How long the goal took, when it ran to its own stop condition; null while open, never
/// started, or cancelled by a withdrawal.</param>
public sealed record GoalTiming(TimeSpan Target, TimeSpan? Duration)
{
    /// <summary>True when measured and strictly shorter than the target (met means stopped before the due
    /// instant).</summary>
    public bool IsWithinGoal => Duration is { } d && d < Target;
}

/// <summary>One request as the response-time statistics see it. Contains no personal data.</summary>
public sealed record RequestTiming
{
    /// <summary>The request's urgency tier.</summary>
    public required UrgencyTier Tier { get; init; }

    /// <summary>ISO 3166-1 alpha-2 code of the applicant's country, upper case; <c>ZZ</c> when unknown.</summary>
    public required string Country { get; init; }

    /// <summary>When the request was submitted (its UTC month is the month it is counted in).</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>Each goal's target and measured duration.</summary>
    public required IReadOnlyDictionary<SlaGoal, GoalTiming> Goals { get; init; }

    /// <summary>
    /// For an open request, the most pressing status of its running goals (<see cref="SlaClock.WorstOpenStatus"/>);
    /// null once the request is no longer open.
    /// </summary>
    public SlaStatus? OpenStatus { get; init; }

    /// <summary>
    /// Timings from instants, counting elapsed time (24/7): acknowledge = acknowledged − submitted; decision = decided
    /// −
    /// submitted − time awaiting the applicant; disbursement = disbursed − decided (approved requests); total =
    /// disbursed
    /// (or decided, when declined) − submitted.
    /// </summary>
    public static RequestTiming FromInstants(
        UrgencyTier tier,
        string? country,
        SlaTierGoals goals,
        DateTimeOffset submittedAt,
        DateTimeOffset? acknowledgedAt,
        DateTimeOffset? decidedAt,
        DecisionOutcome? decision,
        DateTimeOffset? disbursedAt,
        TimeSpan decisionPaused,
        SlaStatus? openStatus = null
    )
    {
        ArgumentNullException.ThrowIfNull(goals);
        TimeSpan? total = decision switch
        {
            DecisionOutcome.Declined => decidedAt - submittedAt,
            DecisionOutcome.Approved => disbursedAt - submittedAt,
            _ => null,
        };
        return new RequestTiming
        {
            Tier = tier,
            Country = NormalizeCountry(country),
            SubmittedAt = submittedAt,
            OpenStatus = openStatus,
            Goals = new Dictionary<SlaGoal, GoalTiming>
            {
                [SlaGoal.TimeToAcknowledge] = new(goals.TimeToAcknowledge, acknowledgedAt - submittedAt),
                [SlaGoal.TimeToDecision] = new(
                    goals.TimeToDecision,
                    decision is null ? null : decidedAt - submittedAt - decisionPaused
                ),
                [SlaGoal.TimeToDisbursement] = new(
                    goals.TimeToDisbursement,
                    decision == DecisionOutcome.Approved ? disbursedAt - decidedAt : null
                ),
                [SlaGoal.TotalTime] = new(goals.TotalTime, total),
            },
        };
    }

    /// <summary>
    /// Timings from a request's state history through <see cref="SlaClock"/>: durations are the working time each goal
    /// counted under the policy's calendar (elapsed time when the fund works 24/7), so they compare with the goals.
    /// </summary>
    public static RequestTiming FromHistory(
        SlaPolicy policy,
        UrgencyTier tier,
        string? country,
        IReadOnlyList<RequestStateChange> history,
        DateTimeOffset now
    )
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(history);
        var reports = SlaClock.Evaluate(policy, tier, history, now);
        var open = RequestStateMachine.IsOpen(history[^1].State);
        return new RequestTiming
        {
            Tier = tier,
            Country = NormalizeCountry(country),
            SubmittedAt = history[0].At,
            OpenStatus = open ? SlaClock.WorstOpenStatus(reports) : null,
            Goals = reports.ToDictionary(
                r => r.Goal,
                r => new GoalTiming(r.Target, r.StoppedAt is not null && !r.Cancelled ? r.Elapsed : null)
            ),
        };
    }

    private static string NormalizeCountry(string? country) =>
        string.IsNullOrWhiteSpace(country) ? "ZZ" : country.Trim().ToUpperInvariant();
}

/// <summary>Which dimensions the statistics are broken down by.</summary>
[Flags]
public enum ResponseTimeGrouping
{
    /// <summary>One group for everything.</summary>
    None = 0,

    /// <summary>By UTC month of submission.</summary>
    Month = 1,

    /// <summary>By urgency tier.</summary>
    Tier = 2,

    /// <summary>By country.</summary>
    Country = 4,

    /// <summary>By month, tier and country.</summary>
    All = Month | Tier | Country,
}

/// <summary>One goal's figures in one group.</summary>
/// <param name="Count">Measured requests (the goal ran to its stop condition).</param>
/// <param name="Median">Nearest-rank 50th percentile; null when none measured.</param>
/// <param name="P90">Nearest-rank 90th percentile; null when none measured.</param>
/// <param name="WithinGoal">Measured requests that met the goal.</param>
/// <param name="ShareWithinGoal">WithinGoal / Count, 0..1; null when none measured.</param>
public sealed record GoalFigures(int Count, TimeSpan? Median, TimeSpan? P90, int WithinGoal, double? ShareWithinGoal);

/// <summary>The figures of one group. A key is null when the grouping does not use that dimension.</summary>
/// <param name="Month">First day of the UTC month of submission.</param>
/// <param name="Tier">The urgency tier.</param>
/// <param name="Country">The country code.</param>
/// <param name="Requests">Requests in the group.</param>
/// <param name="OpenAtRisk">Open requests whose most pressing running goal is at risk (not yet breached).</param>
/// <param name="OpenBreached">Open requests with a running goal past due.</param>
/// <param name="Goals">Figures per goal, for every goal.</param>
public sealed record ResponseTimeGroup(
    DateOnly? Month,
    UrgencyTier? Tier,
    string? Country,
    int Requests,
    int OpenAtRisk,
    int OpenBreached,
    IReadOnlyDictionary<SlaGoal, GoalFigures> Goals
);

/// <summary>
/// Response-time statistics for the dashboards: median and 90th percentile per goal, share within goal, open requests
/// at
/// risk and breached, grouped by month, tier and country.
/// </summary>
/// <remarks>
/// Percentiles use the nearest-rank method: sort the n measured durations ascending; the p-th percentile is the value
/// at
/// rank ⌈p × n / 100⌉ (1-based). It is always an observed duration (no interpolation); the median of an even count is
/// the
/// lower middle value. Requests whose goal is still open, never started or was cancelled by a withdrawal are not
/// measured
/// for that goal; open requests past due appear in <see cref="ResponseTimeGroup.OpenBreached"/>. Small groups can point
/// to
/// individual defenders: pages showing country breakdowns outside the fund should suppress small cells.
/// </remarks>
public static class ResponseTimeMetrics
{
    /// <summary>Groups and summarises <paramref name="timings"/>; groups are ordered by month, tier, country.</summary>
    public static IReadOnlyList<ResponseTimeGroup> Compute(
        IEnumerable<RequestTiming> timings,
        ResponseTimeGrouping grouping = ResponseTimeGrouping.All
    )
    {
        ArgumentNullException.ThrowIfNull(timings);
        return timings
            .GroupBy(t =>
                (
                    Month: grouping.HasFlag(ResponseTimeGrouping.Month) ? MonthOf(t.SubmittedAt) : (DateOnly?)null,
                    Tier: grouping.HasFlag(ResponseTimeGrouping.Tier) ? t.Tier : (UrgencyTier?)null,
                    Country: grouping.HasFlag(ResponseTimeGrouping.Country) ? t.Country : null
                )
            )
            .OrderBy(g => g.Key.Month)
            .ThenBy(g => g.Key.Tier)
            .ThenBy(g => g.Key.Country, StringComparer.Ordinal)
            .Select(g => Summarise(g.Key.Month, g.Key.Tier, g.Key.Country, g.ToArray()))
            .ToArray();
    }

    /// <summary>
    /// The nearest-rank <paramref name="percentile"/> (0 &lt; p ≤ 100) of <paramref name="values"/> (any order);
    /// null when there are none.
    /// </summary>
    public static TimeSpan? Percentile(IEnumerable<TimeSpan> values, decimal percentile)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (percentile <= 0 || percentile > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "Between 0 (excluded) and 100.");
        }

        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percentile * sorted.Length / 100m);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>The first day of the UTC month of <paramref name="instant"/>.</summary>
    public static DateOnly MonthOf(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return new DateOnly(utc.Year, utc.Month, 1);
    }

    /// <summary>A month key as <c>yyyy-MM</c>, for URLs and CSV.</summary>
    public static string MonthKey(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static ResponseTimeGroup Summarise(
        DateOnly? month,
        UrgencyTier? tier,
        string? country,
        RequestTiming[] timings
    )
    {
        var goals = new Dictionary<SlaGoal, GoalFigures>();
        foreach (var goal in SlaClock.Goals)
        {
            var measured = timings
                .Select(t => t.Goals.TryGetValue(goal, out var g) ? g : null)
                .Where(g => g?.Duration is not null)
                .Select(g => g!)
                .ToArray();
            var durations = measured.Select(g => g.Duration!.Value).ToArray();
            var within = measured.Count(g => g.IsWithinGoal);
            goals[goal] = new GoalFigures(
                measured.Length,
                Percentile(durations, 50),
                Percentile(durations, 90),
                within,
                measured.Length == 0 ? null : (double)within / measured.Length
            );
        }

        return new ResponseTimeGroup(
            month,
            tier,
            country,
            timings.Length,
            timings.Count(t => t.OpenStatus == SlaStatus.AtRisk),
            timings.Count(t => t.OpenStatus == SlaStatus.Breached),
            goals
        );
    }
}

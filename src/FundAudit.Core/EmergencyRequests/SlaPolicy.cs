namespace FundAudit.Core.EmergencyRequests;

/// <summary>How urgent a request is, as the applicant or the triaging officer says. Wire names: <c>extreme</c>,
/// <c>high</c>, <c>standard</c>.</summary>
public enum UrgencyTier
{
    /// <summary>Immediate danger: hours matter.</summary>
    Extreme = 1,

    /// <summary>Serious and near.</summary>
    High,

    /// <summary>Urgent but not immediate.</summary>
    Standard,
}

/// <summary>
/// The SLA goals every request is measured against. Wire names: <c>time_to_acknowledge</c>,
/// <c>time_to_decision</c>, <c>time_to_disbursement</c>, <c>total_time</c>.
/// </summary>
/// <remarks>
/// Start, pause and stop conditions (service-desk practice, as in Jira Service Management):
/// <list type="table">
/// <listheader><term>goal</term><description>starts / pauses / stops</description></listheader>
/// <item><term>time_to_acknowledge</term><description>starts at submission; never pauses; stops at the first officer
/// response (acknowledge, ask, approve, decline).</description></item>
/// <item><term>time_to_decision</term><description>starts at submission; pauses while awaiting the applicant; stops at
/// the final approval or the decline.</description></item>
/// <item><term>time_to_disbursement</term><description>starts at the final approval; never pauses; stops at the
/// disbursement.</description></item>
/// <item><term>total_time</term><description>starts at submission; never pauses; stops at the disbursement or the
/// decline.</description></item>
/// </list>
/// A withdrawal cancels every running goal (a goal already past due stays breached).
/// </remarks>
public enum SlaGoal
{
    /// <summary>Submission to the first officer response.</summary>
    TimeToAcknowledge = 1,

    /// <summary>Submission to the decision, minus time waiting on the applicant.</summary>
    TimeToDecision,

    /// <summary>Final approval to disbursement.</summary>
    TimeToDisbursement,

    /// <summary>Submission to disbursement or decline, never paused.</summary>
    TotalTime,
}

/// <summary>The four goal durations for one tier (working time under the policy's calendar).</summary>
public sealed record SlaTierGoals(
    TimeSpan TimeToAcknowledge,
    TimeSpan TimeToDecision,
    TimeSpan TimeToDisbursement,
    TimeSpan TotalTime
)
{
    /// <summary>The duration of <paramref name="goal"/>.</summary>
    public TimeSpan For(SlaGoal goal) =>
        goal switch
        {
            SlaGoal.TimeToAcknowledge => TimeToAcknowledge,
            SlaGoal.TimeToDecision => TimeToDecision,
            SlaGoal.TimeToDisbursement => TimeToDisbursement,
            SlaGoal.TotalTime => TotalTime,
            _ => throw new ArgumentOutOfRangeException(nameof(goal), goal, null),
        };
}

/// <summary>
/// A fund's SLA policy: goals per urgency tier, when to warn, and the calendar clocks run on.
/// Policies are values: a request stores the due instants computed when its clocks started or resumed, so
/// changing a fund's policy affects requests from their next clock change on, and never re-dates a past breach.
/// </summary>
public sealed record SlaPolicy
{
    /// <summary>The default warning share: warn when 75% of a goal has been used.</summary>
    public const double DefaultWarningShare = 0.75;

    /// <summary>Goals for each tier; every tier must be present.</summary>
    public required IReadOnlyDictionary<UrgencyTier, SlaTierGoals> Tiers { get; init; }

    /// <summary>Share of a goal after which it is at risk and a warning fires, in (0, 1]. Default 0.75.</summary>
    public double WarningShare { get; init; } = DefaultWarningShare;

    /// <summary>Working hours; null means clocks run 24/7.</summary>
    public BusinessCalendar? Calendar { get; init; }

    /// <summary>The calendar clocks run on: <see cref="Calendar"/> or <see
    /// cref="BusinessCalendar.AlwaysOpen"/>.</summary>
    public BusinessCalendar EffectiveCalendar => Calendar ?? BusinessCalendar.AlwaysOpen;

    /// <summary>
    /// The defaults, 24/7: extreme 2 h / 12 h, high 8 h / 36 h, standard 24 h / 72 h to acknowledge / decide;
    /// 7 days from approval to disbursement and 10 days in total for every tier; warn at 75%.
    /// </summary>
    public static SlaPolicy Default { get; } =
        new()
        {
            Tiers = new Dictionary<UrgencyTier, SlaTierGoals>
            {
                [UrgencyTier.Extreme] = new(
                    TimeSpan.FromHours(2),
                    TimeSpan.FromHours(12),
                    TimeSpan.FromDays(7),
                    TimeSpan.FromDays(10)
                ),
                [UrgencyTier.High] = new(
                    TimeSpan.FromHours(8),
                    TimeSpan.FromHours(36),
                    TimeSpan.FromDays(7),
                    TimeSpan.FromDays(10)
                ),
                [UrgencyTier.Standard] = new(
                    TimeSpan.FromHours(24),
                    TimeSpan.FromHours(72),
                    TimeSpan.FromDays(7),
                    TimeSpan.FromDays(10)
                ),
            },
        };

    /// <summary>The goals of <paramref name="tier"/>.</summary>
    /// <exception cref="KeyNotFoundException">The policy has no goals for the tier (see <see
    /// cref="Validate"/>).</exception>
    public SlaTierGoals GoalsFor(UrgencyTier tier) =>
        Tiers.TryGetValue(tier, out var goals)
            ? goals
            : throw new KeyNotFoundException($"No SLA goals for tier " + $"{WireName.Of(tier)}.");

    /// <summary>The duration of one goal in one tier.</summary>
    public TimeSpan Target(UrgencyTier tier, SlaGoal goal) => GoalsFor(tier).For(goal);

    /// <summary>Working time after which <paramref name="goal"/> is at risk: <see cref="WarningShare"/> of it, rounded
    /// down to a whole second.</summary>
    public TimeSpan WarnAfter(UrgencyTier tier, SlaGoal goal) => WarnAfter(Target(tier, goal), WarningShare);

    internal static TimeSpan WarnAfter(TimeSpan target, double share) =>
        TimeSpan.FromSeconds(Math.Floor(target.TotalSeconds * share));

    /// <summary>
    /// Checks the policy; an empty list means valid. Rules: every tier present; every goal positive and at most
    /// 365 days; acknowledge ≤ decision ≤ total and disbursement ≤ total; a more urgent tier's goals no longer than a
    /// less urgent tier's; warning share in (0, 1].
    /// </summary>
    public IReadOnlyList<SlaValidationError> Validate()
    {
        var errors = new List<SlaValidationError>();
        if (!(WarningShare > 0 && WarningShare <= 1))
        {
            errors.Add(new("warning_share", "The warning share must be more than 0 and at most 1 (e.g. 0.75)."));
        }

        if (Tiers is null)
        {
            errors.Add(new("tiers", "Goals are needed for every tier."));
            return errors;
        }

        foreach (var tier in Enum.GetValues<UrgencyTier>())
        {
            var prefix = $"tiers.{WireName.Of(tier)}";
            if (!Tiers.TryGetValue(tier, out var goals) || goals is null)
            {
                errors.Add(new(prefix, "Goals are needed for this tier."));
                continue;
            }

            ValidateGoals(prefix, goals, errors);
        }

        ValidateTierOrder(errors);
        return errors;
    }

    /// <summary>
    /// One tier's goals: each in (0, 365 days]; acknowledge ≤ decision ≤ total; disbursement ≤ total.
    /// </summary>
    private static void ValidateGoals(string prefix, SlaTierGoals goals, List<SlaValidationError> errors)
    {
        foreach (var goal in Enum.GetValues<SlaGoal>())
        {
            var value = goals.For(goal);
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(365))
            {
                errors.Add(new($"{prefix}.{WireName.Of(goal)}", "A goal must be more than zero and at most 365 days."));
            }
        }

        if (goals.TimeToAcknowledge > goals.TimeToDecision)
        {
            errors.Add(new($"{prefix}.time_to_acknowledge", "Acknowledging cannot take longer than deciding."));
        }

        if (goals.TimeToDecision > goals.TotalTime)
        {
            errors.Add(new($"{prefix}.time_to_decision", "Deciding cannot take longer than the total time."));
        }

        if (goals.TimeToDisbursement > goals.TotalTime)
        {
            errors.Add(new($"{prefix}.time_to_disbursement", "Disbursing cannot take longer than the total time."));
        }
    }

    /// <summary>A more urgent tier's goals are no longer than those of the next less urgent tier.</summary>
    private void ValidateTierOrder(List<SlaValidationError> errors)
    {
        var ordered = Enum.GetValues<UrgencyTier>().Where(Tiers.ContainsKey).OrderBy(t => t).ToArray();
        for (var i = 1; i < ordered.Length; i++)
        {
            var (more, less) = (ordered[i - 1], ordered[i]);
            if (Tiers[more] is null || Tiers[less] is null)
            {
                continue;
            }

            foreach (var goal in Enum.GetValues<SlaGoal>())
            {
                if (Tiers[more].For(goal) > Tiers[less].For(goal))
                {
                    errors.Add(
                        new(
                            $"tiers.{WireName.Of(more)}.{WireName.Of(goal)}",
                            $"A more urgent tier cannot have a longer goal than {WireName.Of(less)}."
                        )
                    );
                }
            }
        }
    }
}

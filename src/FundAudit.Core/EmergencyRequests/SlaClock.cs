namespace FundAudit.Core.EmergencyRequests;

/// <summary>One entry of a request's state history: the request entered <paramref name="State"/> at <paramref
/// name="At"/>.</summary>
public sealed record RequestStateChange(DateTimeOffset At, RequestState State);

/// <summary>One goal's figures at an instant, for pages and the console.</summary>
/// <param name="Goal">Which goal.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Target">The goal's working-time duration.</param>
/// <param name="StartedAt">When it started; null if not started.</param>
/// <param name="WarnAt">When it becomes (or became) at risk; null while paused before reaching it, or not
/// started.</param>
/// <param name="DueAt">When it is (or was) due; null while paused before reaching it, or not started.</param>
/// <param name="StoppedAt">When it stopped; null while it can still count.</param>
/// <param name="Elapsed">Working time counted.</param>
/// <param name="Paused">Wall-clock time spent paused.</param>
/// <param name="Remaining">Target minus elapsed; negative when overdue.</param>
/// <param name="BreachedAt">The due instant, when breached; otherwise null.</param>
/// <param name="Cancelled">True when a withdrawal stopped the goal (its status is then cancelled, or breached if it was
/// already past due).</param>
public sealed record SlaGoalReport(
    SlaGoal Goal,
    SlaStatus Status,
    TimeSpan Target,
    DateTimeOffset? StartedAt,
    DateTimeOffset? WarnAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? StoppedAt,
    TimeSpan Elapsed,
    TimeSpan Paused,
    TimeSpan Remaining,
    DateTimeOffset? BreachedAt,
    bool Cancelled
);

/// <summary>
/// The SLA clock of emergency requests: which goals start, pause and stop on which state change (see
/// <see cref="SlaGoal"/>), and what each goal's figures are at a given instant. Pure: "now" is a parameter
/// (or a <see cref="TimeProvider"/>), never read from the system.
/// </summary>
/// <remarks>
/// Two ways to use it, with the same result:
/// <list type="bullet">
/// <item>Stored timers (what the database keeps): <see cref="Begin"/> at submission, <see cref="Apply"/> on every
/// state change, <see cref="Evaluate(SlaTimer, BusinessCalendar, DateTimeOffset)"/> to show them.</item>
/// <item>From the event log: <see cref="Replay"/> or <see cref="Evaluate(SlaPolicy, UrgencyTier,
/// IEnumerable{RequestStateChange}, DateTimeOffset)"/>
/// rebuild the timers from the state history (useful to check or repair stored rows).</item>
/// </list>
/// Targets are taken from the policy when the timers are created, so a policy change applies to new requests.
/// </remarks>
public static class SlaClock
{
    /// <summary>The goals in display order.</summary>
    public static IReadOnlyList<SlaGoal> Goals { get; } = Enum.GetValues<SlaGoal>();

    /// <summary>The four timers of a request submitted at <paramref name="submittedAt"/>: all but disbursement
    /// started.</summary>
    public static IReadOnlyList<SlaTimer> Begin(SlaPolicy policy, UrgencyTier tier, DateTimeOffset submittedAt)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var calendar = policy.EffectiveCalendar;
        return Goals
            .Select(goal => SlaTimer.Create(policy, tier, goal))
            .Select(t => t.Goal == SlaGoal.TimeToDisbursement ? t : t.Start(submittedAt, calendar))
            .ToArray();
    }

    /// <summary>
    /// The timers after the request moved from <paramref name="from"/> to <paramref name="to"/> at <paramref
    /// name="at"/>.
    /// A change to the same state (e.g. payment details recorded) changes nothing.
    /// </summary>
    public static IReadOnlyList<SlaTimer> Apply(
        IReadOnlyList<SlaTimer> timers,
        RequestState from,
        RequestState to,
        DateTimeOffset at,
        BusinessCalendar calendar
    )
    {
        ArgumentNullException.ThrowIfNull(timers);
        ArgumentNullException.ThrowIfNull(calendar);
        if (from == to)
        {
            return timers;
        }

        return timers.Select(t => ApplyOne(t, from, to, at, calendar)).ToArray();
    }

    /// <summary>Rebuilds the timers from a request's state history (first entry: <see
    /// cref="RequestState.Submitted"/>).</summary>
    /// <exception cref="ArgumentException">An empty history, one not starting with submission, or out of time
    /// order.</exception>
    public static IReadOnlyList<SlaTimer> Replay(
        SlaPolicy policy,
        UrgencyTier tier,
        IEnumerable<RequestStateChange> history
    )
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(history);
        var changes = history.ToArray();
        if (changes.Length == 0 || changes[0].State != RequestState.Submitted)
        {
            throw new ArgumentException("A request's history starts with its submission.", nameof(history));
        }

        var calendar = policy.EffectiveCalendar;
        var timers = Begin(policy, tier, changes[0].At);
        for (var i = 1; i < changes.Length; i++)
        {
            if (changes[i].At < changes[i - 1].At)
            {
                throw new ArgumentException("The history is not in time order.", nameof(history));
            }

            timers = Apply(timers, changes[i - 1].State, changes[i].State, changes[i].At, calendar);
        }

        return timers;
    }

    /// <summary>One goal's figures at <paramref name="now"/>.</summary>
    public static SlaGoalReport Evaluate(SlaTimer timer, BusinessCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(timer);
        ArgumentNullException.ThrowIfNull(calendar);
        if (!timer.IsStarted)
        {
            return new SlaGoalReport(
                timer.Goal,
                SlaStatus.NotStarted,
                timer.Target,
                null,
                null,
                null,
                null,
                TimeSpan.Zero,
                TimeSpan.Zero,
                timer.Target,
                null,
                false
            );
        }

        var elapsed = timer.ElapsedAt(now, calendar);
        var breached = elapsed >= timer.Target;
        var status = (timer.IsStopped, breached) switch
        {
            (_, true) => SlaStatus.Breached,
            (true, false) => timer.Cancelled ? SlaStatus.Cancelled : SlaStatus.Met,
            _ when timer.IsPaused => SlaStatus.Paused,
            _ when elapsed >= timer.WarnAfter => SlaStatus.AtRisk,
            _ => SlaStatus.Running,
        };

        return new SlaGoalReport(
            timer.Goal,
            status,
            timer.Target,
            timer.StartedAt,
            timer.WarnAt,
            timer.DueAt,
            timer.StoppedAt,
            elapsed,
            timer.PausedAt(now),
            timer.Target - elapsed,
            breached ? timer.DueAt : null,
            timer.Cancelled
        );
    }

    /// <summary>Every goal's figures at <paramref name="now"/>.</summary>
    public static IReadOnlyList<SlaGoalReport> Evaluate(
        IEnumerable<SlaTimer> timers,
        BusinessCalendar calendar,
        DateTimeOffset now
    )
    {
        ArgumentNullException.ThrowIfNull(timers);
        return timers.Select(t => Evaluate(t, calendar, now)).ToArray();
    }

    /// <summary>Every goal's figures at <paramref name="now"/>, from the state history.</summary>
    public static IReadOnlyList<SlaGoalReport> Evaluate(
        SlaPolicy policy,
        UrgencyTier tier,
        IEnumerable<RequestStateChange> history,
        DateTimeOffset now
    )
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Evaluate(Replay(policy, tier, history), policy.EffectiveCalendar, now);
    }

    /// <summary>Every goal's figures now, as <paramref name="time"/> tells it.</summary>
    public static IReadOnlyList<SlaGoalReport> Evaluate(
        SlaPolicy policy,
        UrgencyTier tier,
        IEnumerable<RequestStateChange> history,
        TimeProvider time
    )
    {
        ArgumentNullException.ThrowIfNull(time);
        return Evaluate(policy, tier, history, time.GetUtcNow());
    }

    /// <summary>
    /// The most pressing status among goals still counting or paused: <see cref="SlaStatus.Breached"/> before
    /// <see cref="SlaStatus.AtRisk"/> before <see cref="SlaStatus.Paused"/> before <see cref="SlaStatus.Running"/>;
    /// null when no goal is open. For the console's queue and the "open at risk / breached" counts.
    /// </summary>
    public static SlaStatus? WorstOpenStatus(IEnumerable<SlaGoalReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        SlaStatus? worst = null;
        foreach (var r in reports.Where(r => r.StoppedAt is null && r.Status != SlaStatus.NotStarted))
        {
            if (worst is null || Rank(r.Status) > Rank(worst.Value))
            {
                worst = r.Status;
            }
        }

        return worst;

        static int Rank(SlaStatus s) =>
            s switch
            {
                SlaStatus.Breached => 4,
                SlaStatus.AtRisk => 3,
                SlaStatus.Paused => 2,
                _ => 1,
            };
    }

    private static SlaTimer ApplyOne(
        SlaTimer t,
        RequestState from,
        RequestState to,
        DateTimeOffset at,
        BusinessCalendar calendar
    )
    {
        if (to is RequestState.Withdrawn or RequestState.Closed)
        {
            // Withdrawal cancels whatever still counts; closing only ever finds stopped goals, but is defensive.
            return t.Stop(at, calendar, cancelled: true);
        }

        switch (t.Goal)
        {
            case SlaGoal.TimeToAcknowledge when from == RequestState.Submitted:
                return t.Stop(at, calendar);
            case SlaGoal.TimeToDecision:
                if (from == RequestState.AwaitingApplicant)
                {
                    t = t.Resume(at, calendar);
                }

                if (to == RequestState.AwaitingApplicant)
                {
                    t = t.Pause(at, calendar);
                }

                return to is RequestState.Approved or RequestState.Declined ? t.Stop(at, calendar) : t;
            case SlaGoal.TimeToDisbursement:
                return to switch
                {
                    RequestState.Approved => t.Start(at, calendar),
                    RequestState.Disbursed => t.Stop(at, calendar),
                    _ => t,
                };
            case SlaGoal.TotalTime when to is RequestState.Disbursed or RequestState.Declined:
                return t.Stop(at, calendar);
            default:
                return t;
        }
    }
}

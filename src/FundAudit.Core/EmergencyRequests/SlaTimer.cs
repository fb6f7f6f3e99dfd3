namespace FundAudit.Core.EmergencyRequests;

/// <summary>Where one SLA goal of one request stands. Wire names: <c>not_started</c>, <c>running</c>, <c>at_risk</c>,
/// <c>paused</c>, <c>met</c>, <c>breached</c>, <c>cancelled</c>.</summary>
public enum SlaStatus
{
    /// <summary>The goal's start condition has not happened (e.g. disbursement before approval).</summary>
    NotStarted = 1,

    /// <summary>Counting, below the warning share.</summary>
    Running,

    /// <summary>Counting, at or past the warning share, not yet due.</summary>
    AtRisk,

    /// <summary>Not counting (waiting on the applicant), not breached.</summary>
    Paused,

    /// <summary>Stopped before the due instant.</summary>
    Met,

    /// <summary>The due instant has passed while the goal counted (whether or not it has stopped since).</summary>
    Breached,

    /// <summary>Stopped by a withdrawal before it was due.</summary>
    Cancelled,
}

/// <summary>
/// The stored state of one SLA goal of one request: one row of the request's SLA table. Transitions are pure
/// (<see cref="Start"/>, <see cref="Pause"/>, <see cref="Resume"/>, <see cref="Stop"/>) and return a new value;
/// <see cref="SlaClock"/> applies them on state changes and <see cref="SlaSweep"/> sets the warning and breach marks.
/// </summary>
/// <remarks>
/// <para><see cref="DueAt"/> and <see cref="WarnAt"/> are computed with the calendar when the goal starts or resumes.
/// While the goal is paused they are null unless already reached, so "due_at &lt;= now" never fires for a paused goal
/// that was not yet due. After a stop they keep the last values, so a goal stopped at or after <see cref="DueAt"/>
/// was breached.</para>
/// <para>A goal is breached when its elapsed working time reaches the target, i.e. at <see cref="DueAt"/> itself: met
/// means stopped strictly before the due instant. At risk likewise from <see cref="WarnAt"/> on.</para>
/// </remarks>
public sealed record SlaTimer
{
    /// <summary>Which goal.</summary>
    public required SlaGoal Goal { get; init; }

    /// <summary>The goal's working-time duration, fixed when the timer is created.</summary>
    public required TimeSpan Target { get; init; }

    /// <summary>The working time after which the goal is at risk.</summary>
    public required TimeSpan WarnAfter { get; init; }

    /// <summary>When the goal started; null until then.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Working time counted before the current run (all of it once paused or stopped).</summary>
    public TimeSpan ElapsedBeforeRun { get; init; }

    /// <summary>Start of the current run; null when not counting.</summary>
    public DateTimeOffset? RunningSince { get; init; }

    /// <summary>Start of the current pause; null when not paused.</summary>
    public DateTimeOffset? PausedSince { get; init; }

    /// <summary>Elapsed (wall-clock) time of finished pauses.</summary>
    public TimeSpan PausedTotal { get; init; }

    /// <summary>The instant the goal becomes at risk (see remarks).</summary>
    public DateTimeOffset? WarnAt { get; init; }

    /// <summary>The instant the goal is breached (see remarks).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>When the goal stopped; null while it may still count.</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>True when a withdrawal (or close) stopped the goal rather than its own stop condition.</summary>
    public bool Cancelled { get; init; }

    /// <summary>The warning mark, set once by the sweep (the instant the goal became at risk).</summary>
    public DateTimeOffset? WarnedAt { get; init; }

    /// <summary>The breach mark, set once by the sweep (always the due instant).</summary>
    public DateTimeOffset? BreachedAt { get; init; }

    /// <summary>True once started.</summary>
    public bool IsStarted => StartedAt is not null;

    /// <summary>True while counting.</summary>
    public bool IsRunning => RunningSince is not null;

    /// <summary>True while paused.</summary>
    public bool IsPaused => PausedSince is not null;

    /// <summary>True once stopped.</summary>
    public bool IsStopped => StoppedAt is not null;

    /// <summary>A timer that has not started.</summary>
    public static SlaTimer Create(SlaGoal goal, TimeSpan target, TimeSpan warnAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(target, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(warnAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(warnAfter, target);
        return new SlaTimer
        {
            Goal = goal,
            Target = target,
            WarnAfter = warnAfter,
        };
    }

    /// <summary>A timer for <paramref name="goal"/> of <paramref name="tier"/> under <paramref
    /// name="policy"/>.</summary>
    public static SlaTimer Create(SlaPolicy policy, UrgencyTier tier, SlaGoal goal)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Create(goal, policy.Target(tier, goal), policy.WarnAfter(tier, goal));
    }

    /// <summary>Working time counted up to <paramref name="now"/>.</summary>
    public TimeSpan ElapsedAt(DateTimeOffset now, BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return RunningSince is { } since
            ? ElapsedBeforeRun + calendar.WorkingTimeBetween(since, now)
            : ElapsedBeforeRun;
    }

    /// <summary>Wall-clock time paused up to <paramref name="now"/>.</summary>
    public TimeSpan PausedAt(DateTimeOffset now) =>
        PausedSince is { } since && now > since ? PausedTotal + (now - since) : PausedTotal;

    /// <summary>Starts counting at <paramref name="at"/>; no change if already started.</summary>
    public SlaTimer Start(DateTimeOffset at, BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (IsStarted)
        {
            return this;
        }

        return this with
        {
            StartedAt = at,
            RunningSince = at,
            WarnAt = calendar.AddWorkingTime(at, WarnAfter),
            DueAt = calendar.AddWorkingTime(at, Target),
        };
    }

    /// <summary>Pauses at <paramref name="at"/>; no change unless running.</summary>
    public SlaTimer Pause(DateTimeOffset at, BusinessCalendar calendar)
    {
        if (RunningSince is not { } since)
        {
            return this;
        }

        EnsureNotBefore(at, since);
        var elapsed = ElapsedAt(at, calendar);
        return this with
        {
            ElapsedBeforeRun = elapsed,
            RunningSince = null,
            PausedSince = at,
            WarnAt = elapsed >= WarnAfter ? WarnAt : null,
            DueAt = elapsed >= Target ? DueAt : null,
        };
    }

    /// <summary>Resumes at <paramref name="at"/> and recomputes the instants not yet reached; no change unless
    /// paused.</summary>
    public SlaTimer Resume(DateTimeOffset at, BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (PausedSince is not { } since || IsStopped)
        {
            return this;
        }

        EnsureNotBefore(at, since);
        return this with
        {
            PausedTotal = PausedTotal + (at - since),
            PausedSince = null,
            RunningSince = at,
            WarnAt = WarnAt ?? calendar.AddWorkingTime(at, NotNegative(WarnAfter - ElapsedBeforeRun)),
            DueAt = DueAt ?? calendar.AddWorkingTime(at, NotNegative(Target - ElapsedBeforeRun)),
        };
    }

    /// <summary>
    /// Stops at <paramref name="at"/> (for good); <paramref name="cancelled"/> when a withdrawal stops it.
    /// No change if not started or already stopped.
    /// </summary>
    public SlaTimer Stop(DateTimeOffset at, BusinessCalendar calendar, bool cancelled = false)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (!IsStarted || IsStopped)
        {
            return this;
        }

        if (RunningSince is { } running)
        {
            EnsureNotBefore(at, running);
        }

        if (PausedSince is { } paused)
        {
            EnsureNotBefore(at, paused);
        }

        return this with
        {
            ElapsedBeforeRun = ElapsedAt(at, calendar),
            PausedTotal = PausedAt(at),
            RunningSince = null,
            PausedSince = null,
            StoppedAt = at,
            Cancelled = cancelled,
        };
    }

    private static TimeSpan NotNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    private static void EnsureNotBefore(DateTimeOffset at, DateTimeOffset last)
    {
        if (at < last)
        {
            throw new ArgumentException(
                $"The change at {at:O} is before the timer's last change at {last:O}.",
                nameof(at)
            );
        }
    }
}

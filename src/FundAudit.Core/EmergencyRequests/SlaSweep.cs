namespace FundAudit.Core.EmergencyRequests;

/// <summary>What the sweep must mark on one goal now. Each instant is the moment the mark became true, never later than
/// "now".</summary>
/// <param name="Warn">Set the warning mark (and send the at-risk notification).</param>
/// <param name="WarnAt">The instant to record as the warning: the goal's <see cref="SlaTimer.WarnAt"/>.</param>
/// <param name="Breach">Set the breach mark (and send the breach notification).</param>
/// <param name="BreachAt">The instant to record as the breach: exactly the goal's <see cref="SlaTimer.DueAt"/>.</param>
public sealed record SlaSweepDecision(bool Warn, DateTimeOffset? WarnAt, bool Breach, DateTimeOffset? BreachAt)
{
    /// <summary>Nothing to mark.</summary>
    public static SlaSweepDecision None { get; } = new(false, null, false, null);

    /// <summary>True when there is nothing to mark.</summary>
    public bool IsNone => !Warn && !Breach;
}

/// <summary>
/// The pure part of the every-minute SLA sweep: given one goal's stored state and "now", which marks are due.
/// Each warning and each breach is marked exactly once, however late or often the sweep runs.
/// </summary>
/// <remarks>
/// <para><b>Rules.</b> A breach is due when the goal has no breach mark and its due instant is at or before both now
/// and its stop instant (a goal stopped late was still breached; one stopped in time never is). The recorded breach
/// instant is the due instant itself: not back-dated beyond it, never in the future, the same on every run. A warning
/// is
/// due when the goal has neither mark, is not stopped and its warning instant is at or before now; it is recorded at
/// the warning instant. After an outage both can be due at once: both are marked, warning first. A paused goal has no
/// due or warning instant unless it reached them before pausing (see <see cref="SlaTimer"/>), so pauses never fire
/// marks.
/// Warnings are not sent for goals already stopped: they could not change anything.</para>
/// <para><b>How the job uses it</b> (ids only, re-runnable). Select candidates with a cheap filter, e.g.
/// <code>
/// SELECT ... FROM request_sla_goals
///  WHERE funder_id = @funder_id AND breached_at IS NULL
///    AND ((due_at &lt;= @now AND (stopped_at IS NULL OR due_at &lt;= stopped_at))
///      OR (warned_at IS NULL AND stopped_at IS NULL AND warn_at &lt;= @now))
/// </code>
/// call <see cref="Evaluate(SlaTimer, DateTimeOffset)"/> on each row, then per mark run a conditional update in the
/// same transaction as the outbox insert, and insert the notification only when it changed one row:
/// <code>
/// UPDATE request_sla_goals SET breached_at = @breach_at
///  WHERE request_id = @request_id AND goal = @goal AND breached_at IS NULL AND due_at = @breach_at;
/// UPDATE request_sla_goals SET warned_at = @warn_at
///  WHERE request_id = @request_id AND goal = @goal AND warned_at IS NULL AND breached_at IS NULL AND warn_at =
/// @warn_at;
/// </code>
/// "IS NULL" makes a duplicate or concurrent run a no-op; comparing the instant read makes a run that raced with a
/// state change (which moved the instants, e.g. a resume) a no-op too; the next run sees the new row. The breach update
/// deliberately does not check <c>warned_at</c>, and the job should run the warning update first so that an outage
/// yields
/// the warning and then the breach. Instants come from <see cref="TimeProvider"/>, never from SQL.</para>
/// </remarks>
public static class SlaSweep
{
    /// <summary>Which marks are due on <paramref name="timer"/> at <paramref name="now"/>.</summary>
    public static SlaSweepDecision Evaluate(SlaTimer timer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (!timer.IsStarted || timer.BreachedAt is not null && timer.WarnedAt is not null)
        {
            return SlaSweepDecision.None;
        }

        var end = timer.StoppedAt is { } stopped && stopped < now ? stopped : now;

        var breach = timer.BreachedAt is null && timer.DueAt is { } due && due <= end;
        var warn =
            timer.WarnedAt is null
            && timer.BreachedAt is null
            && !timer.IsStopped
            && timer.WarnAt is { } warnAt
            && warnAt <= now;

        return warn || breach
            ? new SlaSweepDecision(warn, warn ? timer.WarnAt : null, breach, breach ? timer.DueAt : null)
            : SlaSweepDecision.None;
    }

    /// <summary>Which marks are due at <paramref name="time"/>'s current instant.</summary>
    public static SlaSweepDecision Evaluate(SlaTimer timer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Evaluate(timer, time.GetUtcNow());
    }

    /// <summary>The timer with the decision's marks set (what the conditional updates store).</summary>
    public static SlaTimer Apply(SlaTimer timer, SlaSweepDecision decision)
    {
        ArgumentNullException.ThrowIfNull(timer);
        ArgumentNullException.ThrowIfNull(decision);
        return timer with
        {
            WarnedAt = decision.Warn && timer.WarnedAt is null ? decision.WarnAt : timer.WarnedAt,
            BreachedAt = decision.Breach && timer.BreachedAt is null ? decision.BreachAt : timer.BreachedAt,
        };
    }
}

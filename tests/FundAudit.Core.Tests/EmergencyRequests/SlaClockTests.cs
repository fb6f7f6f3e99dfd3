using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Core.Tests.EmergencyRequests;

public sealed class SlaClockTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero); // a Monday

    private static DateTimeOffset At(double hours) => T0.AddHours(hours);

    private static SlaGoalReport Report(
        IEnumerable<RequestStateChange> history,
        SlaGoal goal,
        DateTimeOffset now,
        UrgencyTier tier = UrgencyTier.Extreme,
        SlaPolicy? policy = null
    ) => SlaClock.Evaluate(policy ?? SlaPolicy.Default, tier, history, now).Single(r => r.Goal == goal);

    private static RequestStateChange[] History(params (double Hours, RequestState State)[] changes) =>
        changes.Select(c => new RequestStateChange(At(c.Hours), c.State)).ToArray();

    [Fact]
    public void A_new_request_starts_every_goal_but_disbursement()
    {
        var timers = SlaClock.Begin(SlaPolicy.Default, UrgencyTier.Extreme, T0);
        Assert.Equal(SlaClock.Goals, timers.Select(t => t.Goal));
        var ack = timers[0];
        Assert.Equal(At(2), ack.DueAt);
        Assert.Equal(At(1.5), ack.WarnAt);
        Assert.Equal(At(12), timers[1].DueAt);
        Assert.False(timers[2].IsStarted);
        Assert.Equal(T0.AddDays(10), timers[3].DueAt);

        var standard = SlaClock.Begin(SlaPolicy.Default, UrgencyTier.Standard, T0);
        Assert.Equal(At(24), standard[0].DueAt);
        Assert.Equal(At(72), standard[1].DueAt);
    }

    [Theory]
    [InlineData(0.5, "running")]
    [InlineData(1.49, "running")]
    [InlineData(1.5, "at_risk")] // 75% of 2 h
    [InlineData(1.99, "at_risk")]
    [InlineData(2.0, "breached")] // the due instant itself is a breach
    [InlineData(30, "breached")]
    public void Acknowledgement_goal_warns_at_75_percent_and_breaches_at_the_goal(double hours, string status)
    {
        var report = Report(History((0, RequestState.Submitted)), SlaGoal.TimeToAcknowledge, At(hours));
        Assert.Equal(status, WireName.Of(report.Status));
        Assert.Equal(TimeSpan.FromHours(hours), report.Elapsed);
        Assert.Equal(TimeSpan.FromHours(2 - hours), report.Remaining);
    }

    [Fact]
    public void Acknowledging_in_time_meets_the_goal_and_late_breaches_it_at_the_due_instant()
    {
        var met = Report(
            History((0, RequestState.Submitted), (1.9, RequestState.Acknowledged)),
            SlaGoal.TimeToAcknowledge,
            At(50)
        );
        Assert.Equal(SlaStatus.Met, met.Status);
        Assert.Equal(At(1.9) - T0, met.Elapsed);
        Assert.Equal(At(1.9), met.StoppedAt);
        Assert.Null(met.BreachedAt);

        var late = Report(
            History((0, RequestState.Submitted), (3, RequestState.AwaitingApplicant)),
            SlaGoal.TimeToAcknowledge,
            At(50)
        );
        Assert.Equal(SlaStatus.Breached, late.Status);
        Assert.Equal(At(2), late.BreachedAt);
        Assert.Equal(TimeSpan.FromHours(-1), late.Remaining);
    }

    [Fact]
    public void Decision_pauses_while_awaiting_the_applicant_while_total_time_keeps_running()
    {
        var history = History(
            (0, RequestState.Submitted),
            (1, RequestState.Acknowledged),
            (3, RequestState.AwaitingApplicant),
            (9, RequestState.Acknowledged), // the applicant answered
            (15, RequestState.Approved)
        );

        // During the pause: decision has 3 h elapsed, no due instant, 3 h paused; total counts on.
        var paused = Report(history[..3], SlaGoal.TimeToDecision, At(6));
        Assert.Equal(SlaStatus.Paused, paused.Status);
        Assert.Equal(TimeSpan.FromHours(3), paused.Elapsed);
        Assert.Equal(TimeSpan.FromHours(3), paused.Paused);
        Assert.Null(paused.DueAt);
        var totalDuringPause = Report(history[..3], SlaGoal.TotalTime, At(6));
        Assert.Equal(SlaStatus.Running, totalDuringPause.Status);
        Assert.Equal(TimeSpan.FromHours(6), totalDuringPause.Elapsed);
        Assert.Equal(TimeSpan.Zero, totalDuringPause.Paused);

        // Long after the original 12 h due instant, still paused: not breached.
        Assert.Equal(SlaStatus.Paused, Report(history[..3], SlaGoal.TimeToDecision, At(40)).Status);

        // Resumed at 9 h with 9 h left: due at 18 h; the 6 h pause moved it.
        var resumed = Report(history[..4], SlaGoal.TimeToDecision, At(10));
        Assert.Equal(SlaStatus.Running, resumed.Status);
        Assert.Equal(At(18), resumed.DueAt);
        Assert.Equal(At(18 - 3), resumed.WarnAt); // 9 h of 12 h used at 15 h
        Assert.Equal(TimeSpan.FromHours(4), resumed.Elapsed);
        Assert.Equal(TimeSpan.FromHours(6), resumed.Paused);

        // Approved at 15 h: 9 working hours, met; total is at 15 h and still running; disbursement starts.
        var decision = Report(history, SlaGoal.TimeToDecision, At(20));
        Assert.Equal(SlaStatus.Met, decision.Status);
        Assert.Equal(TimeSpan.FromHours(9), decision.Elapsed);
        var total = Report(history, SlaGoal.TotalTime, At(20));
        Assert.Equal(TimeSpan.FromHours(20), total.Elapsed);
        Assert.Equal(SlaStatus.Running, total.Status);
        var disbursement = Report(history, SlaGoal.TimeToDisbursement, At(20));
        Assert.Equal(At(15), disbursement.StartedAt);
        Assert.Equal(At(15).AddDays(7), disbursement.DueAt);
    }

    [Fact]
    public void A_breach_before_the_pause_stays_a_breach()
    {
        var history = History((0, RequestState.Submitted), (13, RequestState.AwaitingApplicant));
        var report = Report(history, SlaGoal.TimeToDecision, At(20));
        Assert.Equal(SlaStatus.Breached, report.Status);
        Assert.Equal(At(12), report.BreachedAt);

        var resumed = Report([.. history, new(At(30), RequestState.Acknowledged)], SlaGoal.TimeToDecision, At(31));
        Assert.Equal(At(12), resumed.DueAt); // not moved by the later resume
        Assert.Equal(SlaStatus.Breached, resumed.Status);
    }

    [Fact]
    public void Two_approvals_keep_the_decision_clock_running_until_the_second()
    {
        var history = History(
            (0, RequestState.Submitted),
            (1, RequestState.AwaitingSecondApproval),
            (13, RequestState.Approved)
        );
        Assert.Equal(SlaStatus.AtRisk, Report(history[..2], SlaGoal.TimeToDecision, At(10)).Status);
        var final = Report(history, SlaGoal.TimeToDecision, At(14));
        Assert.Equal(SlaStatus.Breached, final.Status);
        Assert.Equal(At(13), final.StoppedAt);
        Assert.Equal(SlaStatus.Met, Report(history, SlaGoal.TimeToAcknowledge, At(14)).Status);
    }

    [Fact]
    public void Disbursement_and_decline_stop_total_time()
    {
        var paid = History(
            (0, RequestState.Submitted),
            (1, RequestState.Approved),
            (49, RequestState.Disbursed),
            (50, RequestState.Closed)
        );
        var total = Report(paid, SlaGoal.TotalTime, At(300));
        Assert.Equal(SlaStatus.Met, total.Status);
        Assert.Equal(TimeSpan.FromHours(49), total.Elapsed);
        var disbursement = Report(paid, SlaGoal.TimeToDisbursement, At(300));
        Assert.Equal(SlaStatus.Met, disbursement.Status);
        Assert.Equal(TimeSpan.FromHours(48), disbursement.Elapsed);

        var declined = History((0, RequestState.Submitted), (5, RequestState.Declined));
        Assert.Equal(SlaStatus.Met, Report(declined, SlaGoal.TotalTime, At(300)).Status);
        Assert.Equal(SlaStatus.NotStarted, Report(declined, SlaGoal.TimeToDisbursement, At(300)).Status);
    }

    [Fact]
    public void Withdrawal_cancels_running_goals_but_keeps_breaches()
    {
        var history = History((0, RequestState.Submitted), (3, RequestState.Withdrawn));
        Assert.Equal(SlaStatus.Breached, Report(history, SlaGoal.TimeToAcknowledge, At(4)).Status); // due at 2 h
        Assert.Equal(SlaStatus.Cancelled, Report(history, SlaGoal.TimeToDecision, At(4)).Status);
        Assert.Equal(SlaStatus.Cancelled, Report(history, SlaGoal.TotalTime, At(400)).Status);
        Assert.Equal(SlaStatus.NotStarted, Report(history, SlaGoal.TimeToDisbursement, At(4)).Status);

        var whilePaused = History(
            (0, RequestState.Submitted),
            (1, RequestState.AwaitingApplicant),
            (5, RequestState.Withdrawn)
        );
        var decision = Report(whilePaused, SlaGoal.TimeToDecision, At(20));
        Assert.Equal(SlaStatus.Cancelled, decision.Status);
        Assert.Equal(TimeSpan.FromHours(4), decision.Paused);
    }

    [Fact]
    public void Business_calendar_counts_only_working_hours_across_a_weekend_and_dst()
    {
        var policy = SlaPolicy.Default with { Calendar = BusinessCalendar.OfficeHours("Europe/London") };
        var friday = new DateTimeOffset(2025, 3, 28, 16, 0, 0, TimeSpan.Zero); // 16:00 GMT; BST starts Sunday
        var history = new[] { new RequestStateChange(friday, RequestState.Submitted) };

        var saturday = SlaClock
            .Evaluate(policy, UrgencyTier.Extreme, history, friday.AddDays(1))
            .Single(r => r.Goal == SlaGoal.TimeToAcknowledge);
        Assert.Equal(SlaStatus.Running, saturday.Status);
        Assert.Equal(TimeSpan.FromHours(1), saturday.Elapsed);
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 8, 30, 0, TimeSpan.Zero), saturday.WarnAt); // 09:30 BST
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 9, 0, 0, TimeSpan.Zero), saturday.DueAt); // 10:00 BST

        var mondayNine = SlaClock
            .Evaluate(policy, UrgencyTier.Extreme, history, new DateTimeOffset(2025, 3, 31, 8, 45, 0, TimeSpan.Zero))
            .Single(r => r.Goal == SlaGoal.TimeToAcknowledge);
        Assert.Equal(SlaStatus.AtRisk, mondayNine.Status);
        Assert.Equal(TimeSpan.FromMinutes(105), mondayNine.Elapsed);
    }

    [Fact]
    public void Stored_timers_give_the_same_figures_as_the_replayed_history()
    {
        var policy = SlaPolicy.Default with { Calendar = BusinessCalendar.OfficeHours("America/Bogota") };
        var history = History(
            (0, RequestState.Submitted),
            (2, RequestState.Acknowledged),
            (5, RequestState.AwaitingApplicant),
            (30, RequestState.Acknowledged),
            (50, RequestState.Approved)
        );
        var stored = SlaClock.Begin(policy, UrgencyTier.High, history[0].At);
        for (var i = 1; i < history.Length; i++)
        {
            stored = SlaClock.Apply(
                stored,
                history[i - 1].State,
                history[i].State,
                history[i].At,
                policy.EffectiveCalendar
            );
        }

        var now = At(60);
        Assert.Equal(
            SlaClock.Evaluate(policy, UrgencyTier.High, history, now),
            SlaClock.Evaluate(stored, policy.EffectiveCalendar, now)
        );
        Assert.Same(
            stored,
            SlaClock.Apply(stored, RequestState.Approved, RequestState.Approved, At(61), policy.EffectiveCalendar)
        );
    }

    [Fact]
    public void Refuses_histories_that_do_not_start_with_submission_or_go_back_in_time()
    {
        Assert.Throws<ArgumentException>(() => SlaClock.Replay(SlaPolicy.Default, UrgencyTier.High, []));
        Assert.Throws<ArgumentException>(() =>
            SlaClock.Replay(SlaPolicy.Default, UrgencyTier.High, History((0, RequestState.Acknowledged)))
        );
        Assert.Throws<ArgumentException>(() =>
            SlaClock.Replay(
                SlaPolicy.Default,
                UrgencyTier.High,
                History((5, RequestState.Submitted), (4, RequestState.Acknowledged))
            )
        );
    }

    [Fact]
    public void Worst_open_status_ranks_breached_over_at_risk_and_ignores_stopped_goals()
    {
        var reports = SlaClock.Evaluate(
            SlaPolicy.Default,
            UrgencyTier.Extreme,
            History((0, RequestState.Submitted), (3, RequestState.Acknowledged)),
            At(10)
        );
        // Acknowledgement was breached but has stopped; decision is at 10 of 12 h: at risk.
        Assert.Equal(SlaStatus.AtRisk, SlaClock.WorstOpenStatus(reports));
        Assert.Equal(
            SlaStatus.Breached,
            SlaClock.WorstOpenStatus(
                SlaClock.Evaluate(SlaPolicy.Default, UrgencyTier.Extreme, History((0, RequestState.Submitted)), At(3))
            )
        );
        Assert.Null(
            SlaClock.WorstOpenStatus(
                SlaClock.Evaluate(
                    SlaPolicy.Default,
                    UrgencyTier.Extreme,
                    History((0, RequestState.Submitted), (1, RequestState.Declined)),
                    At(3)
                )
            )
        );
    }

    [Fact]
    public void Uses_the_time_provider_for_now()
    {
        var time = new FixedTime(At(1.75));
        var report = SlaClock
            .Evaluate(SlaPolicy.Default, UrgencyTier.Extreme, History((0, RequestState.Submitted)), time)
            .Single(r => r.Goal == SlaGoal.TimeToAcknowledge);
        Assert.Equal(SlaStatus.AtRisk, report.Status);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

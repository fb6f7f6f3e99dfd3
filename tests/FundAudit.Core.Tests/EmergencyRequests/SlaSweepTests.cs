using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Core.Tests.EmergencyRequests;

public sealed class SlaSweepTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly BusinessCalendar AllDay = BusinessCalendar.AlwaysOpen;

    // Extreme acknowledgement: warn at 1 h 30, due at 2 h.
    private static SlaTimer Ack() =>
        SlaTimer.Create(SlaPolicy.Default, UrgencyTier.Extreme, SlaGoal.TimeToAcknowledge).Start(T0, AllDay);

    [Fact]
    public void After_a_six_hour_outage_the_warning_and_the_breach_are_both_due_once_at_their_own_instants()
    {
        var timer = Ack();
        Assert.True(SlaSweep.Evaluate(timer, T0.AddMinutes(59)).IsNone); // last run before the outage

        var now = T0.AddMinutes(59).AddHours(6);
        var decision = SlaSweep.Evaluate(timer, now);
        Assert.True(decision.Warn);
        Assert.True(decision.Breach);
        Assert.Equal(T0.AddMinutes(90), decision.WarnAt);
        Assert.Equal(T0.AddHours(2), decision.BreachAt); // the due instant, not the sweep's time
        Assert.True(decision.BreachAt <= now);

        timer = SlaSweep.Apply(timer, decision);
        Assert.True(SlaSweep.Evaluate(timer, now).IsNone); // a duplicate run
        Assert.True(SlaSweep.Evaluate(timer, now.AddMinutes(1)).IsNone); // the next run
    }

    [Fact]
    public void Running_every_minute_with_an_outage_marks_each_exactly_once()
    {
        var timer = Ack();
        var warnings = new List<(DateTimeOffset Recorded, DateTimeOffset Run)>();
        var breaches = new List<(DateTimeOffset Recorded, DateTimeOffset Run)>();
        for (var minute = 0; minute <= 24 * 60; minute++)
        {
            if (minute is > 60 and < 60 + 6 * 60)
            {
                continue; // down from 1 h to 7 h
            }

            var now = T0.AddMinutes(minute);
            var d = SlaSweep.Evaluate(timer, now);
            if (d.Warn)
            {
                warnings.Add((d.WarnAt!.Value, now));
            }

            if (d.Breach)
            {
                breaches.Add((d.BreachAt!.Value, now));
            }

            timer = SlaSweep.Apply(timer, d);
        }

        var warning = Assert.Single(warnings);
        var breach = Assert.Single(breaches);
        Assert.Equal((T0.AddMinutes(90), T0.AddHours(7)), warning);
        Assert.Equal((T0.AddHours(2), T0.AddHours(7)), breach);
        Assert.Equal(T0.AddHours(2), timer.BreachedAt);
    }

    [Fact]
    public void Without_an_outage_the_warning_comes_first_and_the_breach_on_the_minute_it_is_due()
    {
        var timer = Ack();
        var marks = new List<string>();
        for (var minute = 0; minute <= 180; minute++)
        {
            var d = SlaSweep.Evaluate(timer, T0.AddMinutes(minute));
            if (!d.IsNone)
            {
                marks.Add($"{minute}:{(d.Warn ? "warn" : "")}{(d.Breach ? "breach" : "")}");
            }

            timer = SlaSweep.Apply(timer, d);
        }

        Assert.Equal(["90:warn", "120:breach"], marks);
    }

    [Fact]
    public void A_goal_met_in_time_is_never_marked_and_one_stopped_late_is_breached_without_a_warning()
    {
        var metInTime = Ack().Stop(T0.AddMinutes(100), AllDay); // after the warning instant, before due
        Assert.True(SlaSweep.Evaluate(metInTime, T0.AddDays(3)).IsNone);

        var late = Ack().Stop(T0.AddHours(5), AllDay); // stopped during an outage, after due
        var d = SlaSweep.Evaluate(late, T0.AddHours(6));
        Assert.False(d.Warn);
        Assert.True(d.Breach);
        Assert.Equal(T0.AddHours(2), d.BreachAt);
    }

    [Fact]
    public void A_goal_paused_before_its_due_instant_is_not_marked_however_long_the_pause()
    {
        var decision = SlaTimer
            .Create(SlaPolicy.Default, UrgencyTier.Extreme, SlaGoal.TimeToDecision)
            .Start(T0, AllDay);
        var paused = decision.Pause(T0.AddHours(10), AllDay); // 10 of 12 h: warned territory, not due
        var d = SlaSweep.Evaluate(paused, T0.AddDays(5));
        Assert.True(d.Warn); // the warning instant (9 h) was reached before the pause
        Assert.False(d.Breach);
        Assert.Null(paused.DueAt);

        var resumed = SlaSweep.Apply(paused, d).Resume(T0.AddDays(5), AllDay);
        Assert.Equal(T0.AddDays(5).AddHours(2), resumed.DueAt);
        Assert.True(SlaSweep.Evaluate(resumed, T0.AddDays(5).AddHours(1)).IsNone);
        var breach = SlaSweep.Evaluate(resumed, T0.AddDays(5).AddHours(2));
        Assert.True(breach.Breach);
        Assert.False(breach.Warn);
        Assert.Equal(T0.AddDays(5).AddHours(2), breach.BreachAt);
    }

    [Fact]
    public void A_goal_paused_after_its_due_instant_is_breached_at_the_due_instant()
    {
        var decision = SlaTimer
            .Create(SlaPolicy.Default, UrgencyTier.Extreme, SlaGoal.TimeToDecision)
            .Start(T0, AllDay)
            .Pause(T0.AddHours(13), AllDay);
        var d = SlaSweep.Evaluate(decision, T0.AddHours(20));
        Assert.True(d.Breach);
        Assert.Equal(T0.AddHours(12), d.BreachAt);
    }

    [Fact]
    public void Nothing_is_due_before_the_start_or_for_a_goal_not_started()
    {
        var notStarted = SlaTimer.Create(SlaPolicy.Default, UrgencyTier.Extreme, SlaGoal.TimeToDisbursement);
        Assert.Same(SlaSweepDecision.None, SlaSweep.Evaluate(notStarted, T0.AddYears(1)));
        Assert.True(SlaSweep.Evaluate(Ack(), T0).IsNone);
    }

    [Fact]
    public void Timer_changes_refuse_to_go_back_in_time()
    {
        var timer = Ack();
        Assert.Throws<ArgumentException>(() => timer.Pause(T0.AddMinutes(-1), AllDay));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SlaTimer.Create(SlaGoal.TotalTime, TimeSpan.FromHours(1), TimeSpan.FromHours(2))
        );
    }
}

using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Core.Tests.EmergencyRequests;

public sealed class ResponseTimeMetricsTests
{
    private static readonly DateTimeOffset June = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly SlaTierGoals Extreme = SlaPolicy.Default.GoalsFor(UrgencyTier.Extreme);

    private static TimeSpan H(double hours) => TimeSpan.FromHours(hours);

    [Theory]
    [InlineData(new[] { 7.0 }, 50, 7.0)]
    [InlineData(new[] { 7.0 }, 90, 7.0)]
    [InlineData(new[] { 8.0, 2, 6, 4 }, 50, 4.0)] // rank ⌈2⌉ = 2 → lower middle
    [InlineData(new[] { 8.0, 2, 6, 4 }, 90, 8.0)] // rank ⌈3.6⌉ = 4
    [InlineData(new[] { 8.0, 2, 6, 4 }, 25, 2.0)] // rank ⌈1⌉ = 1
    [InlineData(new[] { 3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3 }, 50, 3.0)] // sorted 1 1 2 3 3 4 5 5 6 9, rank 5
    [InlineData(new[] { 3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3 }, 90, 6.0)] // rank 9
    [InlineData(new[] { 3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3 }, 91, 9.0)] // rank ⌈9.1⌉ = 10
    [InlineData(new[] { 3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3 }, 100, 9.0)]
    [InlineData(new[] { 3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3 }, 10, 1.0)] // rank 1
    public void Nearest_rank_percentiles_match_hand_computation(double[] hours, int percentile, double expected)
    {
        Assert.Equal(H(expected), ResponseTimeMetrics.Percentile(hours.Select(H), percentile));
    }

    [Fact]
    public void Percentile_of_nothing_is_null_and_out_of_range_percentiles_are_refused()
    {
        Assert.Null(ResponseTimeMetrics.Percentile([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResponseTimeMetrics.Percentile([H(1)], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResponseTimeMetrics.Percentile([H(1)], 100.5m));
        // 20 values 1..20 h: the 90th percentile is rank 18 (a floating-point 0.9 × 20 could round up to 19).
        Assert.Equal(H(18), ResponseTimeMetrics.Percentile(Enumerable.Range(1, 20).Select(i => H(i)), 90));
    }

    private static RequestTiming Acked(
        double ackHours,
        string country = "gb",
        UrgencyTier tier = UrgencyTier.Extreme,
        DateTimeOffset? submitted = null,
        SlaStatus? open = null
    ) =>
        RequestTiming.FromInstants(
            tier,
            country,
            SlaPolicy.Default.GoalsFor(tier),
            submitted ?? June,
            (submitted ?? June).AddHours(ackHours),
            null,
            null,
            null,
            TimeSpan.Zero,
            open
        );

    [Fact]
    public void Median_p90_and_share_within_goal_per_group()
    {
        // Acknowledged after 0.5, 1, 1.5, 2 and 3 h against a 2 h goal.
        var timings = new[] { Acked(3), Acked(0.5), Acked(2), Acked(1), Acked(1.5) };
        var group = Assert.Single(ResponseTimeMetrics.Compute(timings));

        Assert.Equal(new DateOnly(2025, 6, 1), group.Month);
        Assert.Equal(UrgencyTier.Extreme, group.Tier);
        Assert.Equal("GB", group.Country);
        Assert.Equal(5, group.Requests);
        var ack = group.Goals[SlaGoal.TimeToAcknowledge];
        Assert.Equal(5, ack.Count);
        Assert.Equal(H(1.5), ack.Median); // rank ⌈2.5⌉ = 3
        Assert.Equal(H(3), ack.P90); // rank ⌈4.5⌉ = 5
        Assert.Equal(3, ack.WithinGoal); // exactly 2 h is not within
        Assert.Equal(0.6, ack.ShareWithinGoal);

        var decision = group.Goals[SlaGoal.TimeToDecision];
        Assert.Equal(0, decision.Count);
        Assert.Null(decision.Median);
        Assert.Null(decision.ShareWithinGoal);
    }

    [Fact]
    public void Decision_excludes_time_awaiting_the_applicant_and_total_ends_at_disbursement_or_decline()
    {
        var approved = RequestTiming.FromInstants(
            UrgencyTier.Extreme,
            "KE",
            Extreme,
            June,
            June.AddHours(1),
            June.AddHours(16),
            DecisionOutcome.Approved,
            June.AddHours(40),
            H(5)
        );
        Assert.Equal(H(11), approved.Goals[SlaGoal.TimeToDecision].Duration);
        Assert.True(approved.Goals[SlaGoal.TimeToDecision].IsWithinGoal); // 11 < 12
        Assert.Equal(H(24), approved.Goals[SlaGoal.TimeToDisbursement].Duration);
        Assert.Equal(H(40), approved.Goals[SlaGoal.TotalTime].Duration);

        var declined = RequestTiming.FromInstants(
            UrgencyTier.Extreme,
            "KE",
            Extreme,
            June,
            June.AddHours(1),
            June.AddHours(13),
            DecisionOutcome.Declined,
            null,
            TimeSpan.Zero
        );
        Assert.False(declined.Goals[SlaGoal.TimeToDecision].IsWithinGoal); // 13 h > 12 h
        Assert.Null(declined.Goals[SlaGoal.TimeToDisbursement].Duration);
        Assert.Equal(H(13), declined.Goals[SlaGoal.TotalTime].Duration);

        var group = Assert.Single(ResponseTimeMetrics.Compute([approved, declined], ResponseTimeGrouping.None));
        Assert.Equal(0.5, group.Goals[SlaGoal.TimeToDecision].ShareWithinGoal);
        Assert.Equal(1, group.Goals[SlaGoal.TimeToDisbursement].Count);
    }

    [Fact]
    public void Groups_by_month_tier_and_country_in_order_and_counts_open_risks()
    {
        var july = new DateTimeOffset(2025, 7, 31, 23, 30, 0, TimeSpan.FromHours(-3)); // 1 August in UTC
        var timings = new[]
        {
            Acked(1, "ke", UrgencyTier.High, july, SlaStatus.Running),
            Acked(1, "GB"),
            Acked(10, "KE", UrgencyTier.High, july, SlaStatus.Breached),
            Acked(1, "CO", UrgencyTier.Standard, June, SlaStatus.AtRisk),
            Acked(1, " ", UrgencyTier.Extreme, June, SlaStatus.Paused),
        };

        var all = ResponseTimeMetrics.Compute(timings);
        Assert.Equal(
            ["2025-06 extreme GB", "2025-06 extreme ZZ", "2025-06 standard CO", "2025-08 high KE"],
            all.Select(g => $"{ResponseTimeMetrics.MonthKey(g.Month!.Value)} {WireName.Of(g.Tier!.Value)} {g.Country}")
        );
        var kenya = all[^1];
        Assert.Equal(2, kenya.Requests);
        Assert.Equal(1, kenya.OpenBreached);
        Assert.Equal(0, kenya.OpenAtRisk);
        Assert.Equal(H(1), kenya.Goals[SlaGoal.TimeToAcknowledge].Median);
        Assert.Equal(H(10), kenya.Goals[SlaGoal.TimeToAcknowledge].P90);

        var byMonth = ResponseTimeMetrics.Compute(timings, ResponseTimeGrouping.Month);
        Assert.Equal([3, 2], byMonth.Select(g => g.Requests));
        Assert.All(byMonth, g => Assert.Null(g.Tier));
        Assert.All(byMonth, g => Assert.Null(g.Country));
        Assert.Equal(1, byMonth[0].OpenAtRisk);

        var byTier = ResponseTimeMetrics.Compute(timings, ResponseTimeGrouping.Tier);
        Assert.Equal([UrgencyTier.Extreme, UrgencyTier.High, UrgencyTier.Standard], byTier.Select(g => g.Tier!.Value));
    }

    [Fact]
    public void From_history_measures_working_time_and_skips_withdrawn_goals()
    {
        var policy = SlaPolicy.Default with { Calendar = BusinessCalendar.OfficeHours("Europe/London") };
        var friday = new DateTimeOffset(2025, 3, 28, 16, 0, 0, TimeSpan.Zero);
        var history = new[]
        {
            new RequestStateChange(friday, RequestState.Submitted),
            new RequestStateChange(new DateTimeOffset(2025, 3, 31, 8, 30, 0, TimeSpan.Zero), RequestState.Acknowledged), // 09:30 BST
        };

        var timing = RequestTiming.FromHistory(policy, UrgencyTier.Extreme, "gb", history, friday.AddDays(4));
        Assert.Equal(TimeSpan.FromMinutes(90), timing.Goals[SlaGoal.TimeToAcknowledge].Duration); // 1 h Friday + 30 min Monday
        Assert.True(timing.Goals[SlaGoal.TimeToAcknowledge].IsWithinGoal);
        Assert.Null(timing.Goals[SlaGoal.TimeToDecision].Duration);
        Assert.Equal(SlaStatus.Breached, timing.OpenStatus); // 12 working hours of decision have passed by Tuesday 16:00

        var withdrawn = RequestTiming.FromHistory(
            SlaPolicy.Default,
            UrgencyTier.Extreme,
            "GB",
            [new(June, RequestState.Submitted), new(June.AddHours(3), RequestState.Withdrawn)],
            June.AddDays(1)
        );
        Assert.All(withdrawn.Goals.Values, g => Assert.Null(g.Duration));
        Assert.Null(withdrawn.OpenStatus);
    }
}

using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Core.Tests.EmergencyRequests;

public sealed class SlaPolicyTests
{
    [Fact]
    public void The_default_policy_is_valid_and_has_the_documented_figures()
    {
        var p = SlaPolicy.Default;
        Assert.Empty(p.Validate());
        Assert.Equal(0.75, p.WarningShare);
        Assert.Null(p.Calendar);
        Assert.True(p.EffectiveCalendar.IsAlwaysOpen);
        Assert.Equal(TimeSpan.FromHours(2), p.Target(UrgencyTier.Extreme, SlaGoal.TimeToAcknowledge));
        Assert.Equal(TimeSpan.FromHours(12), p.Target(UrgencyTier.Extreme, SlaGoal.TimeToDecision));
        Assert.Equal(TimeSpan.FromHours(8), p.Target(UrgencyTier.High, SlaGoal.TimeToAcknowledge));
        Assert.Equal(TimeSpan.FromHours(36), p.Target(UrgencyTier.High, SlaGoal.TimeToDecision));
        Assert.Equal(TimeSpan.FromHours(24), p.Target(UrgencyTier.Standard, SlaGoal.TimeToAcknowledge));
        Assert.Equal(TimeSpan.FromHours(72), p.Target(UrgencyTier.Standard, SlaGoal.TimeToDecision));
        Assert.All(Enum.GetValues<UrgencyTier>(), t =>
        {
            Assert.Equal(TimeSpan.FromDays(7), p.Target(t, SlaGoal.TimeToDisbursement));
            Assert.Equal(TimeSpan.FromDays(10), p.Target(t, SlaGoal.TotalTime));
        });
    }

    [Fact]
    public void Warns_at_the_share_of_the_goal_rounded_down_to_seconds()
    {
        Assert.Equal(
            TimeSpan.FromMinutes(90),
            SlaPolicy.Default.WarnAfter(UrgencyTier.Extreme, SlaGoal.TimeToAcknowledge)
        );
        var odd = SlaPolicy.Default with { WarningShare = 0.333 };
        Assert.Equal(TimeSpan.FromSeconds(2397), odd.WarnAfter(UrgencyTier.Extreme, SlaGoal.TimeToAcknowledge)); // 7200 × 0.333 = 2397.6
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Refuses_a_warning_share_outside_zero_to_one(double share)
    {
        var errors = (SlaPolicy.Default with { WarningShare = share }).Validate();
        Assert.Equal("warning_share", Assert.Single(errors).Field);
    }

    [Fact]
    public void Refuses_missing_tiers_inconsistent_goals_and_inverted_tiers()
    {
        var tiers = new Dictionary<UrgencyTier, SlaTierGoals>(SlaPolicy.Default.Tiers);
        tiers.Remove(UrgencyTier.High);
        tiers[UrgencyTier.Extreme] = new(
            TimeSpan.FromHours(30),
            TimeSpan.FromHours(12),
            TimeSpan.Zero,
            TimeSpan.FromDays(10)
        );
        var errors = (SlaPolicy.Default with { Tiers = tiers }).Validate().Select(e => e.Field).ToArray();

        Assert.Contains("tiers.high", errors);
        Assert.Contains("tiers.extreme.time_to_acknowledge", errors); // 30 h > 12 h decision, and > standard's 24 h
        Assert.Contains("tiers.extreme.time_to_disbursement", errors); // zero
        Assert.DoesNotContain("tiers.standard.time_to_decision", errors);
        Assert.Throws<KeyNotFoundException>(() => new SlaPolicy { Tiers = tiers }.GoalsFor(UrgencyTier.High));
    }
}

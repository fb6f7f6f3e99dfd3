namespace FundAudit.Core.Audit;

/// <summary>
/// Shares, shifts and target progress. Shares are percentages of a total amount in the report currency's minor
/// units, computed exactly in decimal and rounded half to even to 2 decimals only when shown; a shift is the
/// difference of the exact shares, rounded the same way (so it may differ by 0.01 from the difference of the
/// rounded shares).
/// </summary>
public static class AuditMaths
{
    public const int ShareDecimals = 2;

    /// <summary>The exact percentage <paramref name="part"/>/<paramref name="total"/> × 100; 0 when the total is
    /// 0.</summary>
    public static decimal ExactShare(long part, long total) => total == 0 ? 0m : part * 100m / total;

    public static decimal Share(long part, long total) => Round(ExactShare(part, total));

    /// <summary>The shift in percentage points from then to now.</summary>
    public static decimal ShiftPoints(long thenPart, long thenTotal, long nowPart, long nowTotal) =>
        Round(ExactShare(nowPart, nowTotal) - ExactShare(thenPart, thenTotal));

    public static decimal Round(decimal percent) => Math.Round(percent, ShareDecimals, MidpointRounding.ToEven);

    /// <summary>The median of amounts already in one currency's minor units (mean of the two middle values, rounded
    /// half to even).</summary>
    public static long Median(IReadOnlyList<long> sortedAmounts)
    {
        if (sortedAmounts.Count == 0)
        {
            return 0;
        }

        var mid = sortedAmounts.Count / 2;
        return sortedAmounts.Count % 2 == 1
            ? sortedAmounts[mid]
            : CurrencyConversion.RoundMinor(((decimal)sortedAmounts[mid - 1] + sortedAmounts[mid]) / 2m);
    }
}

public enum TargetDirection
{
    AtLeast,
    AtMost,
}

/// <summary>Where a target stands.</summary>
/// <param name="Progress">Percent of the way from the baseline value to the target (0–100, 100 once met).</param>
/// <param name="Expected">The value a straight line from the baseline (at the start) to the target (at the due date)
/// reaches today.</param>
/// <param name="Met">The current value has reached the target (at least or at most it, by the target's
/// direction).</param>
/// <param name="OnTrack">Met, or at least as far as that line.</param>
public sealed record TargetStatus(decimal Progress, decimal Expected, bool Met, bool OnTrack);

/// <summary>
/// Target progress: <c>progress = (current − baseline) / (target − baseline) × 100</c>, clamped to 0–100 (100 when
/// the target is met; 0 when it is not met although the baseline met it: the share slipped back). On track means met,
/// or at least as far as the
/// straight line from the baseline value on <c>start</c> to the target value on <c>due</c> has reached by
/// <c>today</c> (after the due date, on track only if met).
/// </summary>
public static class TargetProgress
{
    public static TargetStatus Evaluate(
        TargetDirection direction,
        decimal target,
        decimal baseline,
        decimal current,
        DateOnly start,
        DateOnly due,
        DateOnly today
    )
    {
        var met = direction == TargetDirection.AtLeast ? current >= target : current <= target;
        var gap = target - baseline;
        var towards = direction == TargetDirection.AtLeast ? gap > 0 : gap < 0; // the baseline had not met the target
        var progress =
            met ? 100m
            : towards ? Math.Clamp((current - baseline) / gap * 100m, 0m, 100m)
            : 0m;
        var span = due.DayNumber - start.DayNumber;
        var elapsed = span <= 0 ? 1m : Math.Clamp((decimal)(today.DayNumber - start.DayNumber) / span, 0m, 1m);
        var expected = towards ? baseline + (gap * elapsed) : target;
        var onTrack =
            met || (today <= due && (direction == TargetDirection.AtLeast ? current >= expected : current <= expected));
        return new TargetStatus(AuditMaths.Round(progress), AuditMaths.Round(expected), met, onTrack);
    }
}

namespace FundAudit.Api.Features.Audit;

/// <summary>How the grouped sums of the mix carry a dimension.</summary>
internal enum MixSumColumn
{
    /// <summary>Every sum row has it: the headline figures (local, flexible, …) need it in any grouping.</summary>
    Always,

    /// <summary>Only when the report groups by it: it splits the rounding groups.</summary>
    WhenGrouped,

    /// <summary>Never a column of the sums: the service derives it from the award date, which every row has.</summary>
    FromAwardDate,
}

/// <summary>
/// One dimension of the mix. <see cref="Name"/> is what groupBy says, the column alias and the property of
/// <see cref="MixRow"/> and <see cref="MedianRow"/>; <see cref="Column"/> is its SQL over the grants (g, with the
/// correction c, which wins, and the region r when <see cref="NeedsRegion"/>).
/// </summary>
/// <param name="Name">The dimension's name.</param>
/// <param name="Column">Its SQL expression over the grants, in the engine's dialect.</param>
/// <param name="NeedsRegion">Whether the expression reads country_regions r (joined on the recipient country).</param>
/// <param name="InSums">How the grouped sums carry it.</param>
/// <param name="InDayTotals">Whether the stored daily totals (grant_day_totals) hold it, as a column or by day.</param>
internal sealed record MixDimension(
    string Name,
    Func<IDbDialect, string> Column,
    bool NeedsRegion,
    MixSumColumn InSums,
    bool InDayTotals
);

/// <summary>
/// The dimensions of the mix, in the order the sums select them: the one table that drives the SELECT and GROUP BY
/// of the sums, the medians' partitions, the region join and whether the stored daily totals can answer.
/// </summary>
internal static class MixDimensions
{
    /// <summary>The parameter the fiscal year's expression shifts the award date by (start month − 1).</summary>
    public const string ShiftMonthsParameter = "ShiftMonths";

    /// <summary>Every dimension, in the order the sums select them.</summary>
    public static readonly IReadOnlyList<MixDimension> All =
    [
        new("level", _ => "COALESCE(c.level, g.level)", false, MixSumColumn.Always, true),
        new("purpose", _ => "COALESCE(c.purpose, g.purpose)", false, MixSumColumn.Always, true),
        new("flexible", _ => "COALESCE(c.flexible, g.flexible)", false, MixSumColumn.Always, true),
        new("year", d => d.FiscalYearOf("g.award_date", ShiftMonthsParameter), false, MixSumColumn.FromAwardDate, true),
        new("region", _ => "r.region", true, MixSumColumn.WhenGrouped, false),
        new("country", _ => "COALESCE(r.alpha2, g.recipient_country)", true, MixSumColumn.WhenGrouped, false),
        new("programme", _ => "g.programme_title", false, MixSumColumn.WhenGrouped, false),
    ];

    /// <summary>The names a report may group by, in the table's order.</summary>
    public static readonly string[] Names = [.. All.Select(d => d.Name)];

    /// <summary>The dimension named <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public static MixDimension Of(string name) => All.First(d => d.Name == name);

    /// <summary>The columns of the grouped sums for <paramref name="q"/>, in the table's order.</summary>
    public static IReadOnlyList<MixDimension> Summed(MixQuery q) =>
        [
            .. All.Where(d =>
                d.InSums switch
                {
                    MixSumColumn.Always => true,
                    MixSumColumn.WhenGrouped => q.GroupBy.Contains(d.Name),
                    _ => false,
                }
            ),
        ];

    /// <summary>
    /// <paramref name="d"/>'s column over the grants, the grant's own (<c>g.level</c>) instead of the correction's
    /// <c>COALESCE</c> when the statement does not join the corrections (<paramref name="corrections"/> false).
    /// </summary>
    public static string ColumnOf(MixDimension d, IDbDialect dialect, bool corrections) =>
        corrections || d.InSums != MixSumColumn.Always ? d.Column(dialect) : "g." + d.Name;

    /// <summary>The dimensions <paramref name="q"/> groups by, in its order (the medians' partition).</summary>
    public static IReadOnlyList<MixDimension> Grouped(MixQuery q) => [.. q.GroupBy.Select(Of)];
}

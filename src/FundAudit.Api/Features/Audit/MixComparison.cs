using System.Text;
using FundAudit.Api.Features.Audit.Charts;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// Two level × purpose mixes side by side (a baseline or a period "then", a period "now"): the lines of shares and
/// shifts and the chart, shared by the comparison with a baseline and the comparison of two periods.
/// </summary>
internal static class MixComparison
{
    /// <summary>The compared lines of two snapshots.</summary>
    /// <param name="Levels">One line per level.</param>
    /// <param name="Purposes">One line per purpose.</param>
    /// <param name="PreventionCollective">Grants whose purpose is prevention or collective.</param>
    /// <param name="Flexible">Core / flexible grants.</param>
    /// <param name="Local">Grants to local actors.</param>
    /// <param name="Unclassified">Grants whose level or purpose is still unclassified.</param>
    public sealed record Lines(
        IReadOnlyList<CompareBaseline.Line> Levels,
        IReadOnlyList<CompareBaseline.Line> Purposes,
        CompareBaseline.Line PreventionCollective,
        CompareBaseline.Line Flexible,
        CompareBaseline.Line Local,
        CompareBaseline.Line Unclassified
    )
    {
        /// <summary>The lines a comparison's answer carries (a baseline's or two periods').</summary>
        public static Lines Of(IComparison c) =>
            new(c.Levels, c.Purposes, c.PreventionCollective, c.Flexible, c.Local, c.Unclassified);
    }

    /// <summary>An answer that carries the compared lines side by side (each comparison's <c>Response</c>).</summary>
    public interface IComparison
    {
        IReadOnlyList<CompareBaseline.Line> Levels { get; }

        IReadOnlyList<CompareBaseline.Line> Purposes { get; }

        CompareBaseline.Line PreventionCollective { get; }

        CompareBaseline.Line Flexible { get; }

        CompareBaseline.Line Local { get; }

        CompareBaseline.Line Unclassified { get; }
    }

    /// <summary>Each level, purpose and headline share then and now, and the shift in points.</summary>
    public static Lines Compare(BaselineSnapshot then, BaselineSnapshot now)
    {
        CompareBaseline.Line L(string name, long thenPart, long nowPart) =>
            new(
                name,
                AuditMaths.Share(thenPart, then.TotalMinor),
                AuditMaths.Share(nowPart, now.TotalMinor),
                AuditMaths.ShiftPoints(thenPart, then.TotalMinor, nowPart, now.TotalMinor)
            );
        return new Lines(
            MixCalculator.Levels.Select(l => L(l, then.Level(l), now.Level(l))).ToList(),
            MixCalculator.Purposes.Select(p => L(p, then.Purpose(p), now.Purpose(p))).ToList(),
            L("prevention+collective", then.PreventionCollectiveMinor, now.PreventionCollectiveMinor),
            L("flexible", then.FlexibleMinor, now.FlexibleMinor),
            L("local", then.LocalMinor, now.LocalMinor),
            L("unclassified", then.UnclassifiedMinor, now.UnclassifiedMinor)
        );
    }

    /// <summary>
    /// One pair of bars per level (<paramref name="thenLabel"/> beside <paramref name="nowLabel"/>), each stacked by
    /// purpose as shares of its own total; the levels named and the numbers written by <paramref name="text"/>.
    /// </summary>
    public static StackedBarChart Chart(
        string title,
        string description,
        string thenLabel,
        string nowLabel,
        BaselineSnapshot then,
        BaselineSnapshot now,
        string idPrefix,
        ChartText text
    )
    {
        ChartBar Bar(string label, string level, BaselineSnapshot s) =>
            new(
                label,
                MixCalculator
                    .Purposes.Select(p => new ChartSegment(
                        p,
                        AuditMaths.Share(
                            s.Cells.Where(c => c.Level == level && c.Purpose == p).Sum(c => c.AmountMinor),
                            s.TotalMinor
                        )
                    ))
                    .ToList(),
                text.Name(level)
            );
        var bars = MixCalculator
            .Levels.SelectMany(level => new[] { Bar(thenLabel, level, then), Bar(nowLabel, level, now) })
            .ToList();
        return new StackedBarChart(
            title,
            description,
            text.T("Compare_Axis", thenLabel, nowLabel),
            text.T("Chart_ShareOfTotal"),
            MixCalculator.Purposes,
            bars,
            idPrefix,
            text
        );
    }

    /// <summary>
    /// The lines as CSV (formula-safe cells): <paramref name="header"/>, then one row per level, purpose and headline
    /// line (dimension, name, share then, share now, shift) followed by <paramref name="trailing"/>.
    /// </summary>
    public static string Csv(Lines lines, IReadOnlyList<string> header, IReadOnlyList<string> trailing)
    {
        var sb = new StringBuilder(CsvCell.Line(header));
        void Add(string dimension, CompareBaseline.Line l) =>
            sb.Append(CsvCell.Line([dimension, l.Name, Num(l.Then), Num(l.Now), Num(l.Shift), .. trailing]));
        foreach (var l in lines.Levels)
        {
            Add("level", l);
        }

        foreach (var l in lines.Purposes)
        {
            Add("purpose", l);
        }

        foreach (var l in new[] { lines.PreventionCollective, lines.Flexible, lines.Local, lines.Unclassified })
        {
            Add("headline", l);
        }

        return sb.ToString();
    }

    private static string Num(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;

namespace FundAudit.Core.Classification;

/// <summary>Calibration: the confidence each decision path earns on labelled grants.</summary>
public static partial class Evaluation
{
    /// <summary>The share of right answers the high band (confidence ≥ 0.7) must keep, per dimension (issue 13:
    /// answers at ≥ 0.7 are right at least 97 % of the time).</summary>
    public const double HighBandShareRight = 0.97;

    /// <summary>A decision path with fewer tuning answers than this never carries a confidence of 0.7 or more: a
    /// handful of right answers says little about grants nobody has seen.</summary>
    public const int HighBandMinimumAnswers = 30;

    /// <summary>The lower end of the 95 % Wilson interval a decision path's share right must reach before it may
    /// carry a confidence of 0.7 or more (besides its share right reaching <see cref="HighBandShareRight"/> itself):
    /// with 95 % confidence it is right at least 90 % of the time, so a lucky run of right answers is not
    /// enough.</summary>
    public const double HighBandMinimumLowerBound = 0.9;

    /// <summary>
    /// Per decision path (the <c>decision: key</c> line of the evidence): answers, right answers and the confidence
    /// the path earns (<see cref="Calibrate"/>), which is what the rule set's <c>confidence</c> section should say.
    /// </summary>
    public static string Calibration(ClassificationEngine engine, IReadOnlyList<EvaluationCase> cases)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(cases);
        var tally = new SortedDictionary<string, (int Answers, int Right)>(StringComparer.Ordinal);
        void Add(IReadOnlyList<string> evidence, bool right)
        {
            var key = DecisionOf(evidence) ?? "(none)";
            var (n, k) = tally.GetValueOrDefault(key);
            tally[key] = (n + 1, k + (right ? 1 : 0));
        }

        foreach (var c in cases)
        {
            var r = engine.Classify(c.Grant);
            Add(r.Level.Evidence, r.Level.Value == c.Level);
            Add(r.Purpose.Evidence, r.Purpose.Value == c.Purpose);
            Add(r.Flexible.Evidence, r.Flexible.Value == c.Flexible);
        }

        var confidences = Calibrate(tally);
        var sb = new StringBuilder(
            "\n== calibration: per decision, the lower end of the 95 % Wilson interval of the share right; below "
                + "0.7 unless the path has 30 answers or more, is right at least 97 % of the time with a bound of 0.9 "
                + "or more, and the dimension's answers at 0.7 or more stay at least 97 % right\n"
        );
        foreach (var (key, (n, k)) in tally)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  \"{key}\": {confidences[key]:0.000},   // {k} right of {n}\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// The confidence of each decision path: the lower end of the Wilson interval of its share right
    /// (<see cref="WilsonLower"/>). A path carries <see cref="ClassificationThresholds.High"/> or more only when
    /// it has at least <see cref="HighBandMinimumAnswers"/> tuning answers, its own share right reaches
    /// <see cref="HighBandShareRight"/> and its bound reaches <see cref="HighBandMinimumLowerBound"/> (otherwise it
    /// gets 0.69: a path right 30 of 31 times, 96.8 %, or 29 of 32, stays below). Per dimension (the key's first
    /// part), those paths join the high band best first while the band's answers together stay at least
    /// <see cref="HighBandShareRight"/> right; a path that would break that is left out and gets 0.69 too. So a
    /// path right 92 % of the time, however many answers it has, never shows as high confidence, and "≥ 0.7" keeps
    /// its promise.
    /// </summary>
    /// <param name="tally">Answers and right answers per decision path.</param>
    public static IReadOnlyDictionary<string, double> Calibrate(
        IReadOnlyDictionary<string, (int Answers, int Right)> tally
    )
    {
        ArgumentNullException.ThrowIfNull(tally);
        var result = tally.ToDictionary(p => p.Key, p => WilsonLower(p.Value.Right, p.Value.Answers));
        foreach (var dimension in tally.Keys.GroupBy(k => k.Split('.')[0]))
        {
            int answers = 0,
                right = 0;
            foreach (
                var key in dimension
                    .Where(k => result[k] >= ClassificationThresholds.High)
                    .OrderByDescending(k => result[k])
            )
            {
                var (n, k) = tally[key];
                if (
                    n < HighBandMinimumAnswers
                    || k < HighBandShareRight * n
                    || result[key] < HighBandMinimumLowerBound
                    || right + k < HighBandShareRight * (answers + n)
                )
                {
                    result[key] = ClassificationThresholds.High - 0.01; // would break the band's promise: left out
                    continue;
                }

                (answers, right) = (answers + n, right + k);
            }
        }

        return result;
    }

    /// <summary>
    /// The lower end of the 95 % Wilson score interval of <paramref name="right"/> out of <paramref name="answers"/>:
    /// a share the decision reaches at least, with 95 % confidence. Small samples get modest confidences.
    /// </summary>
    public static double WilsonLower(int right, int answers)
    {
        if (answers == 0)
        {
            return 0;
        }

        const double Z = 1.96;
        double n = answers,
            p = right / n,
            z2 = Z * Z;
        var centre = p + (z2 / (2 * n));
        var margin = Z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return Math.Round((centre - margin) / (1 + (z2 / n)), 3);
    }
}

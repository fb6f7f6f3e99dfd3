using System.Globalization;
using System.Text;

namespace FundAudit.Core.Classification;

/// <summary>One dimension's answers scored out of sample: the confidence each answer would carry had the rule set's
/// confidences been fitted without its fold.</summary>
/// <param name="Dimension">level, purpose or flexible.</param>
/// <param name="Answers">All answers of the dimension (one per grant).</param>
/// <param name="WrongHigh">Wrong answers whose out-of-fold confidence is at least
/// <see cref="ClassificationThresholds.High"/>.</param>
/// <param name="Reliability">The out-of-fold confidences in bins, with how many answers were right.</param>
/// <param name="HighFolds">Per decision path: in how many folds' fits it reached the high band.</param>
/// <param name="FoldRight">Per fold: its answers and how many were right, so a rule change can be checked fold by
/// fold (a change that helps only the fold it was written on is noise).</param>
public sealed record CrossValidatedDimension(
    string Dimension,
    int Answers,
    int WrongHigh,
    IReadOnlyList<ReliabilityBin> Reliability,
    IReadOnlyDictionary<string, int> HighFolds,
    IReadOnlyList<(int Answers, int Right)> FoldRight
)
{
    /// <summary>Wrong answers at ≥ 0.7, out of sample, as a share of all answers.</summary>
    public double WrongHighShare => Answers == 0 ? 0 : (double)WrongHigh / Answers;
}

/// <summary>Cross-validated calibration: confidences fitted on k − 1 folds and scored on the held one.</summary>
public static partial class Evaluation
{
    /// <summary>The number of folds of <see cref="CrossValidate"/>.</summary>
    public const int CalibrationFolds = 5;

    /// <summary>
    /// k-fold cross-validation of the calibration (<see cref="Calibrate"/>): the cases are split into
    /// <paramref name="folds"/> folds by a stable hash of their id; each fold's answers get the confidence of their
    /// decision path as fitted on the other folds only (a path the other folds never took gets 0), so the reliability
    /// table and "wrong at ≥ 0.7" say what the fitting promises on grants it did not see.
    /// </summary>
    /// <param name="engine">The engine whose decision paths are calibrated.</param>
    /// <param name="cases">Labelled grants (the tuning part).</param>
    /// <param name="folds">How many folds (at least 2).</param>
    public static IReadOnlyList<CrossValidatedDimension> CrossValidate(
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> cases,
        int folds = CalibrationFolds
    )
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var answers = new List<(int Fold, string Dimension, string Key, bool Right)>();
        foreach (var c in cases)
        {
            var fold = FoldOf(c.Id, folds);
            var r = engine.Classify(c.Grant);
            answers.Add((fold, "level", DecisionOf(r.Level.Evidence) ?? "(none)", r.Level.Value == c.Level));
            answers.Add((fold, "purpose", DecisionOf(r.Purpose.Evidence) ?? "(none)", r.Purpose.Value == c.Purpose));
            answers.Add(
                (fold, "flexible", DecisionOf(r.Flexible.Evidence) ?? "(none)", r.Flexible.Value == c.Flexible)
            );
        }

        var scored = new List<(int Fold, string Dimension, double Confidence, bool Right)>();
        var highFolds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var f = 0; f < folds; f++)
        {
            var tally = new Dictionary<string, (int Answers, int Right)>(StringComparer.Ordinal);
            foreach (var a in answers.Where(a => a.Fold != f && a.Key != "(none)"))
            {
                var (n, k) = tally.GetValueOrDefault(a.Key);
                tally[a.Key] = (n + 1, k + (a.Right ? 1 : 0));
            }

            var fitted = Calibrate(tally);
            foreach (var (key, confidence) in fitted.Where(p => p.Value >= ClassificationThresholds.High))
            {
                highFolds[key] = highFolds.GetValueOrDefault(key) + 1;
            }

            scored.AddRange(
                answers.Where(a => a.Fold == f).Select(a => (f, a.Dimension, fitted.GetValueOrDefault(a.Key), a.Right))
            );
        }

        return
        [
            .. new[] { "level", "purpose", "flexible" }.Select(d =>
            {
                var mine = scored.Where(s => s.Dimension == d).ToList();
                return new CrossValidatedDimension(
                    d,
                    mine.Count,
                    mine.Count(s => !s.Right && s.Confidence >= ClassificationThresholds.High),
                    ReliabilityBin.Of([.. mine.Select(s => (s.Confidence, s.Right))]),
                    highFolds
                        .Where(p => p.Key.StartsWith(d + ".", StringComparison.Ordinal))
                        .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                    [
                        .. Enumerable
                            .Range(0, folds)
                            .Select(f => (mine.Count(s => s.Fold == f), mine.Count(s => s.Fold == f && s.Right))),
                    ]
                );
            }),
        ];
    }

    /// <summary>The cross-validated reliability tables of <see cref="CrossValidate"/>, as text.</summary>
    public static string CrossValidation(ClassificationEngine engine, IReadOnlyList<EvaluationCase> cases)
    {
        var sb = new StringBuilder("\n== cross-validated calibration (")
            .Append(CalibrationFolds.ToString(CultureInfo.InvariantCulture))
            .Append(" folds by a hash of the grant id: each fold's confidences fitted on the other folds)\n");
        foreach (var d in CrossValidate(engine, cases))
        {
            sb.Append(
                CultureInfo.InvariantCulture,
                $"{d.Dimension}: wrong with out-of-fold confidence ≥ {ClassificationThresholds.High}: {d.WrongHigh} "
                    + $"({d.WrongHighShare:P1} of {d.Answers} answers)\n"
            );
            foreach (var b in d.Reliability)
            {
                sb.Append(b.Line());
            }

            var high = string.Join(", ", d.HighFolds.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"));
            sb.Append("  paths in the high band (folds of ")
                .Append(CalibrationFolds.ToString(CultureInfo.InvariantCulture))
                .Append("): ")
                .Append(high.Length == 0 ? "none" : high)
                .Append("\n  right per fold: ")
                .AppendJoin(", ", d.FoldRight.Select(f => $"{f.Right}/{f.Answers}"))
                .Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The cross-validation fold of a grant <paramref name="id"/> among <paramref name="folds"/>: FNV-1a over
    /// the id's UTF-16 code units, so the same fold on every run and every machine (the text model's evaluation folds
    /// alike).</summary>
    internal static int FoldOf(string id, int folds = CalibrationFolds)
    {
        var h = 2166136261u;
        foreach (var ch in id)
        {
            h = (h ^ ch) * 16777619u;
        }

        return (int)(h % (uint)folds);
    }
}

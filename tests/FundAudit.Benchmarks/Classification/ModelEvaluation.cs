using System.Globalization;
using FundAudit.Api.Tests.Classification.RealData;
using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Classification;

/// <summary>One labelled grant's answers: the rules' (with their confidence) and the model's.</summary>
internal sealed record Outcome(
    EvaluationCase Case,
    int Fold,
    GrantPurpose Rules,
    double RulesConfidence,
    ModelAnswer Model
);

/// <summary>
/// Does a statistical text model beat the rules on purpose (issue 13 item 3)? The evaluation tool only:
///   evaluate-model [tuning] [options]   5-fold cross-validation inside the tuning part, the folds of
///                                       <c>evaluate-real tuning --calibrate</c>
///   evaluate-model tuning --in-sample   train on the tuning part and predict it (in-sample: a test of the path below)
///   evaluate-model heldout|fresh|fresh2 train on the whole tuning part, predict the named part (run once, by the
///                                       lead: nothing is tuned on it)
/// Options: --trainer sdca|lbfgs, --words N, --chars N (0: none), --l2 X, --with-recipient, --explain N.
/// </summary>
internal static class ModelEvaluation
{
    private const int Folds = Evaluation.CalibrationFolds;

    public static int Run(string[] args)
    {
        var part = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "tuning";
        var options = ParseOptions(args);
        var explain = int.Parse(Option(args, "--explain") ?? "8", CultureInfo.InvariantCulture);
        var engine = ClassificationEngine.Default;
        var tuning = Load("tuning");
        Console.WriteLine(
            $"rule set {engine.Rules.Version}; model {options}; tuning part {tuning.Count} grants "
                + $"({Environment.ProcessorCount} cores, one training thread)"
        );
        if (part == "tuning" && !args.Contains("--in-sample"))
        {
            var outcomes = CrossValidate(engine, tuning, options, out var thresholds);
            CheckSameFolds(engine, tuning, outcomes);
            Console.Write(ModelReport.Format("5-fold cross-validation inside the tuning part", outcomes, thresholds));
            Console.Write(ModelReport.Explained(outcomes, thresholds, explain));
            return 0;
        }

        var target = part == "tuning" ? tuning : Load(part);
        var p = ChooseThreshold(OutOfFold(tuning, options, f => true));
        var model = PurposeTextModel.Train(tuning, options);
        var predicted = Outcomes(engine, target, model.Predict(target, options, 5), fold: -1, shipped: true).ToList();
        var title =
            part == "tuning"
                ? "trained on the tuning part, predicting the tuning part: IN-SAMPLE (a test of the command only)"
                : $"trained on the whole tuning part, predicting the {part} part ({target.Count} grants)";
        var thresholdsOfPart = new double[] { p };
        Console.Write(ModelReport.Format(title, predicted, thresholdsOfPart));
        Console.Write(ModelReport.Explained(predicted, thresholdsOfPart, explain));
        return 0;
    }

    /// <summary>Per fold: train on the other four and predict it; the override threshold p of the fold is chosen by
    /// cross-validation inside the four training folds only (never on the predicted fold).</summary>
    private static List<Outcome> CrossValidate(
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> cases,
        ModelOptions options,
        out double[] thresholds
    )
    {
        var outcomes = new List<Outcome>();
        thresholds = new double[Folds];
        for (var f = 0; f < Folds; f++)
        {
            var fold = f;
            var train = cases.Where(c => FoldOf(c.Id) != fold).ToList();
            var test = cases.Where(c => FoldOf(c.Id) == fold).ToList();
            var model = PurposeTextModel.Train(train, options);
            outcomes.AddRange(Outcomes(engine, test, model.Predict(test, options, 5), fold, shipped: false, train));
            thresholds[f] = ChooseThreshold(OutOfFold(train, options, g => g != fold));
        }

        return outcomes;
    }

    /// <summary>The model's out-of-fold answers over <paramref name="cases"/> (the folds <paramref name="use"/>
    /// keeps), each predicted by a model trained on the other folds of the same cases.</summary>
    private static List<(EvaluationCase Case, ModelAnswer Model)> OutOfFold(
        IReadOnlyList<EvaluationCase> cases,
        ModelOptions options,
        Func<int, bool> use
    )
    {
        var result = new List<(EvaluationCase, ModelAnswer)>();
        for (var g = 0; g < Folds; g++)
        {
            var inner = g;
            var test = cases.Where(c => FoldOf(c.Id) == inner).ToList();
            if (!use(g) || test.Count == 0)
            {
                continue;
            }

            var model = PurposeTextModel.Train(cases.Where(c => FoldOf(c.Id) != inner), options);
            result.AddRange(test.Zip(model.Predict(test, options, 0)));
        }

        return result;
    }

    /// <summary>The smallest model probability at which its answer replaces the rules': the one that makes the most
    /// answers right on <paramref name="outOfFold"/>, of never, 0.95, 0.90 … 0.40 (ties: the higher p, fewer
    /// overrides).</summary>
    private static double ChooseThreshold(List<(EvaluationCase Case, ModelAnswer Model)> outOfFold)
    {
        var engine = ClassificationEngine.Default;
        var rules = outOfFold.Select(o => engine.Classify(o.Case.Grant).Purpose.Value).ToList();
        var (best, bestRight) = (1.01, -1);
        foreach (var p in new[] { 1.01 }.Concat(Enumerable.Range(0, 12).Select(i => 0.95 - (0.05 * i))))
        {
            var right = 0;
            for (var i = 0; i < outOfFold.Count; i++)
            {
                var (c, m) = outOfFold[i];
                right += (m.Probability >= p ? m.Purpose : rules[i]) == c.Purpose ? 1 : 0;
            }

            (best, bestRight) = right > bestRight ? (Math.Round(p, 2), right) : (best, bestRight);
        }

        return best;
    }

    /// <summary>The outcomes of <paramref name="test"/>: the rules' answers with the shipped confidences, or (in
    /// cross-validation) with the confidences of their decision paths fitted on <paramref name="train"/> only, as
    /// <c>evaluate-real tuning --calibrate</c> scores them.</summary>
    private static IEnumerable<Outcome> Outcomes(
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> test,
        IReadOnlyList<ModelAnswer> model,
        int fold,
        bool shipped,
        IReadOnlyList<EvaluationCase>? train = null
    )
    {
        var fitted = shipped ? null : FittedPurpose(engine, train ?? []);
        for (var i = 0; i < test.Count; i++)
        {
            var r = engine.Classify(test[i].Grant).Purpose;
            var confidence =
                fitted is null ? r.Confidence
                : Evaluation.DecisionOf(r.Evidence) is { } key ? fitted.GetValueOrDefault(key)
                : 0;
            yield return new Outcome(test[i], fold, r.Value, confidence, model[i]);
        }
    }

    private static IReadOnlyDictionary<string, double> FittedPurpose(
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> train
    )
    {
        var tally = new Dictionary<string, (int Answers, int Right)>(StringComparer.Ordinal);
        foreach (var c in train)
        {
            var r = engine.Classify(c.Grant).Purpose;
            if (Evaluation.DecisionOf(r.Evidence) is { } key)
            {
                var (n, k) = tally.GetValueOrDefault(key);
                tally[key] = (n + 1, k + (r.Value == c.Purpose ? 1 : 0));
            }
        }

        return Evaluation.Calibrate(tally);
    }

    /// <summary>The folds must be those of <c>evaluate-real tuning --calibrate</c>: the rules' right answers per
    /// fold and their wrong answers at ≥ 0.7 out of fold are compared with <see cref="Evaluation.CrossValidate"/>.
    /// </summary>
    private static void CheckSameFolds(
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> cases,
        List<Outcome> o
    )
    {
        var theirs = Evaluation.CrossValidate(engine, cases).Single(d => d.Dimension == "purpose");
        var mine = Enumerable
            .Range(0, Folds)
            .Select(f => (o.Count(x => x.Fold == f), o.Count(x => x.Fold == f && x.Rules == x.Case.Purpose)))
            .ToList();
        var wrongHigh = o.Count(x => x.Rules != x.Case.Purpose && x.RulesConfidence >= ClassificationThresholds.High);
        if (!mine.SequenceEqual(theirs.FoldRight) || wrongHigh != theirs.WrongHigh)
        {
            throw new InvalidOperationException("the folds differ from evaluate-real tuning --calibrate's");
        }

        Console.WriteLine(
            "folds: those of evaluate-real tuning --calibrate (checked: the rules' right answers per fold and "
                + "wrong answers at ≥ 0.7 out of fold are the same)"
        );
    }

    /// <summary>The fold of a grant, as <see cref="Evaluation.CrossValidate"/> folds it.</summary>
    internal static int FoldOf(string id) => Evaluation.FoldOf(id, Folds);

    private static ModelOptions ParseOptions(string[] args) =>
        new(
            Option(args, "--trainer") ?? "sdca",
            int.Parse(Option(args, "--words") ?? "2", CultureInfo.InvariantCulture),
            int.Parse(Option(args, "--chars") ?? "4", CultureInfo.InvariantCulture),
            float.Parse(Option(args, "--l2") ?? "0.001", CultureInfo.InvariantCulture),
            args.Contains("--with-recipient")
        );

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static IReadOnlyList<EvaluationCase> Load(string part)
    {
        var data = RealGrantSources.FindDataFolder()
            ?? throw new DirectoryNotFoundException("../shared/data was not found above this folder");
        var path = ClassificationBenchmark.FindFile(
            $"tests/FundAudit.Api.Tests/Classification/RealData/labels-{part}.jsonl"
        );
        return RealGrantSources.Cases(data, RealGrantSources.ReadLabels(path));
    }
}

using System.Globalization;
using FundAudit.Api.Tests.Classification.RealData;
using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Classification;

/// <summary>One labelled grant's answers: the rules' (with their confidence and decision key), the model's.</summary>
internal sealed record Outcome<T>(
    EvaluationCase Case,
    int Fold,
    T Rules,
    double RulesConfidence,
    string RulesKey,
    ModelAnswer<T> Model
);

/// <summary>
/// Does a statistical model beat the rules on purpose or level (issue 13 item 3)? The evaluation tool only:
///   evaluate-model|evaluate-level-model [tuning] [options]   5-fold cross-validation inside the tuning part, the
///                                       folds of <c>evaluate-real tuning --calibrate</c>
///   … tuning --in-sample                train on the tuning part and predict it (in-sample: a test of the path below)
///   … heldout|fresh|fresh2              train on the whole tuning part, predict the named part (run once, by the
///                                       lead: nothing is tuned on it)
/// Options: --trainer sdca|lbfgs, --words N, --chars N (0: none), --l2 X, --with-recipient, --explain N,
/// --train-weak (train on the grants whose rules' answer is below 0.7 only), and for level --facts all|none|NAME,NAME
/// (the facts of <see cref="LevelModel"/>).
/// </summary>
internal static class ModelEvaluation
{
    private const int Folds = Evaluation.CalibrationFolds;

    public static int Run<T>(ModelDimension<T> d, string[] args)
        where T : struct, Enum
    {
        var part = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "tuning";
        var options = ParseOptions(args);
        var explain = int.Parse(Option(args, "--explain") ?? "8", CultureInfo.InvariantCulture);
        var engine = ClassificationEngine.Default;
        var tuning = Load("tuning");
        Console.WriteLine(
            $"{d.Name}; rule set {engine.Rules.Version}; model {options}; tuning part {tuning.Count} grants "
                + $"({Environment.ProcessorCount} cores, one training thread)"
        );
        if (part == "tuning" && !args.Contains("--in-sample"))
        {
            var outcomes = CrossValidate(d, engine, tuning, options, out var thresholds);
            CheckSameFolds(d, engine, tuning, outcomes);
            Console.Write(
                ModelReport.Format(d, "5-fold cross-validation inside the tuning part", outcomes, thresholds)
            );
            Console.Write(ModelReport.Explained(d, outcomes, thresholds, explain));
            return 0;
        }

        var target = part == "tuning" ? tuning : Load(part);
        var fitted = Fitted(d, engine, tuning);
        var trains = Trains(d, engine, fitted, options);
        var p = ChooseThreshold(d, engine, fitted, OutOfFold(d, tuning, options, trains, f => true));
        var model = TextModel<T>.Train(d, tuning.Where(trains), options);
        var predicted = Outcomes(d, engine, target, model.Predict(target, options, 5), fold: -1, fitted: null).ToList();
        var title =
            part == "tuning"
                ? "trained on the tuning part, predicting the tuning part: IN-SAMPLE (a test of the command only)"
                : $"trained on the whole tuning part, predicting the {part} part ({target.Count} grants)";
        var thresholdsOfPart = new double[] { p };
        Console.Write(ModelReport.Format(d, title, predicted, thresholdsOfPart));
        Console.Write(ModelReport.Explained(d, predicted, thresholdsOfPart, explain));
        return 0;
    }

    /// <summary>Per fold: train on the other four and predict it; the override threshold p of the fold is chosen by
    /// cross-validation inside the four training folds only (never on the predicted fold), and the rules'
    /// confidences are those of their decision paths fitted on the four training folds only.</summary>
    private static List<Outcome<T>> CrossValidate<T>(
        ModelDimension<T> d,
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> cases,
        ModelOptions options,
        out double[] thresholds
    )
        where T : struct, Enum
    {
        var outcomes = new List<Outcome<T>>();
        thresholds = new double[Folds];
        for (var f = 0; f < Folds; f++)
        {
            var fold = f;
            var train = cases.Where(c => FoldOf(c.Id) != fold).ToList();
            var test = cases.Where(c => FoldOf(c.Id) == fold).ToList();
            var fitted = Fitted(d, engine, train);
            var trains = Trains(d, engine, fitted, options);
            var model = TextModel<T>.Train(d, train.Where(trains), options);
            outcomes.AddRange(Outcomes(d, engine, test, model.Predict(test, options, 5), fold, fitted));
            thresholds[f] = ChooseThreshold(d, engine, fitted, OutOfFold(d, train, options, trains, g => g != fold));
        }

        return outcomes;
    }

    /// <summary>The grants a model trains on: all, or with <see cref="ModelOptions.WeakTraining"/> those whose rules'
    /// answer is below 0.7 (its decision path's confidence as <paramref name="fitted"/> on the training grants).
    /// </summary>
    private static Func<EvaluationCase, bool> Trains<T>(
        ModelDimension<T> d,
        ClassificationEngine engine,
        IReadOnlyDictionary<string, double> fitted,
        ModelOptions options
    )
        where T : struct, Enum =>
        options.WeakTraining
            ? c => Confidence(d.Rules(engine.Classify(c.Grant)), fitted) < ClassificationThresholds.High
            : _ => true;

    /// <summary>The model's out-of-fold answers over <paramref name="cases"/> (the folds <paramref name="use"/>
    /// keeps), each predicted by a model trained on the other folds of the same cases (those
    /// <paramref name="trains"/> keeps).</summary>
    private static List<(EvaluationCase Case, ModelAnswer<T> Model)> OutOfFold<T>(
        ModelDimension<T> d,
        IReadOnlyList<EvaluationCase> cases,
        ModelOptions options,
        Func<EvaluationCase, bool> trains,
        Func<int, bool> use
    )
        where T : struct, Enum
    {
        var result = new List<(EvaluationCase, ModelAnswer<T>)>();
        for (var g = 0; g < Folds; g++)
        {
            var inner = g;
            var test = cases.Where(c => FoldOf(c.Id) == inner).ToList();
            if (!use(g) || test.Count == 0)
            {
                continue;
            }

            var model = TextModel<T>.Train(d, cases.Where(c => FoldOf(c.Id) != inner && trains(c)), options);
            result.AddRange(test.Zip(model.Predict(test, options, 0)));
        }

        return result;
    }

    /// <summary>The smallest model probability at which its answer replaces the rules' (where
    /// <see cref="ModelDimension{T}.Overrides"/> lets it, the rules' confidences as <paramref name="fitted"/> gives
    /// them): the one that makes the most answers right on <paramref name="outOfFold"/>, of never, 0.95, 0.90 … 0.40
    /// (ties: the higher p, fewer overrides).</summary>
    private static double ChooseThreshold<T>(
        ModelDimension<T> d,
        ClassificationEngine engine,
        IReadOnlyDictionary<string, double> fitted,
        List<(EvaluationCase Case, ModelAnswer<T> Model)> outOfFold
    )
        where T : struct, Enum
    {
        var rules = outOfFold.Select(o => d.Rules(engine.Classify(o.Case.Grant))).ToList();
        var (best, bestRight) = (1.01, -1);
        foreach (var p in new[] { 1.01 }.Concat(Enumerable.Range(0, 12).Select(i => 0.95 - (0.05 * i))))
        {
            var right = 0;
            for (var i = 0; i < outOfFold.Count; i++)
            {
                var (c, m) = outOfFold[i];
                var overrides = d.Overrides(m, rules[i].Value, Confidence(rules[i], fitted), p);
                right += d.Right(overrides ? m.Answer : rules[i].Value, c) ? 1 : 0;
            }

            (best, bestRight) = right > bestRight ? (Math.Round(p, 2), right) : (best, bestRight);
        }

        return best;
    }

    /// <summary>The outcomes of <paramref name="test"/>: the rules' answers with the shipped confidences, or (in
    /// cross-validation) with the confidences of their decision paths <paramref name="fitted"/> on the training folds
    /// only, as <c>evaluate-real tuning --calibrate</c> scores them.</summary>
    private static IEnumerable<Outcome<T>> Outcomes<T>(
        ModelDimension<T> d,
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> test,
        IReadOnlyList<ModelAnswer<T>> model,
        int fold,
        IReadOnlyDictionary<string, double>? fitted
    )
        where T : struct, Enum
    {
        for (var i = 0; i < test.Count; i++)
        {
            var r = d.Rules(engine.Classify(test[i].Grant));
            var confidence = fitted is null ? r.Confidence : Confidence(r, fitted);
            var key = Evaluation.DecisionOf(r.Evidence) ?? "(none)";
            yield return new Outcome<T>(test[i], fold, r.Value, confidence, key, model[i]);
        }
    }

    private static double Confidence<T>(Dimension<T> r, IReadOnlyDictionary<string, double> fitted) =>
        Evaluation.DecisionOf(r.Evidence) is { } key ? fitted.GetValueOrDefault(key) : 0;

    /// <summary>The confidence of each of the dimension's decision paths, fitted on <paramref name="train"/>.</summary>
    private static IReadOnlyDictionary<string, double> Fitted<T>(
        ModelDimension<T> d,
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> train
    )
        where T : struct, Enum
    {
        var tally = new Dictionary<string, (int Answers, int Right)>(StringComparer.Ordinal);
        foreach (var c in train)
        {
            var r = d.Rules(engine.Classify(c.Grant));
            if (Evaluation.DecisionOf(r.Evidence) is { } key)
            {
                var (n, k) = tally.GetValueOrDefault(key);
                tally[key] = (n + 1, k + (d.Right(r.Value, c) ? 1 : 0));
            }
        }

        return Evaluation.Calibrate(tally);
    }

    /// <summary>The folds must be those of <c>evaluate-real tuning --calibrate</c>: the rules' right answers per
    /// fold and their wrong answers at ≥ 0.7 out of fold are compared with <see cref="Evaluation.CrossValidate"/>.
    /// </summary>
    private static void CheckSameFolds<T>(
        ModelDimension<T> d,
        ClassificationEngine engine,
        IReadOnlyList<EvaluationCase> cases,
        List<Outcome<T>> o
    )
        where T : struct, Enum
    {
        var theirs = Evaluation.CrossValidate(engine, cases).Single(x => x.Dimension == d.Name);
        var mine = Enumerable
            .Range(0, Folds)
            .Select(f => (o.Count(x => x.Fold == f), o.Count(x => x.Fold == f && d.Right(x.Rules, x.Case))))
            .ToList();
        var wrongHigh = o.Count(x => !d.Right(x.Rules, x.Case) && x.RulesConfidence >= ClassificationThresholds.High);
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
            args.Contains("--with-recipient"),
            Option(args, "--facts") ?? "all",
            args.Contains("--train-weak")
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

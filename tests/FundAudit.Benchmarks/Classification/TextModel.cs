using FundAudit.Core.Classification;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;

namespace FundAudit.Benchmarks.Classification;

/// <summary>One model answer: the class, its probability and the features that pushed it most.</summary>
internal sealed record ModelAnswer<T>(T Answer, double Probability, IReadOnlyList<string> Evidence);

/// <summary>One grant as a <see cref="TextModel{T}"/> reads it: its label, its text, the recipient's name as a column
/// of its own (empty: none) and facts read as categories (<c>key=level.base.only</c>; none: no such column).</summary>
internal sealed class ModelRow
{
    public string Label { get; set; } = "";

    public string Text { get; set; } = "";

    public string Recipient { get; set; } = "";

    public string[] Facts { get; set; } = [];
}

/// <summary>
/// A statistical model for the evaluation tool only (issue 13 item 3): ML.NET's FeaturizeText (word 1–2-grams and
/// character n-grams of the folded text, L2-normalised) of the text and, when the rows carry them, of the recipient's
/// name as its own column and a bag of categorical facts, and a multiclass maximum-entropy trainer over the
/// dimension's classes. One thread and a fixed seed, so every run gives the same answers.
/// </summary>
internal sealed class TextModel<T>
    where T : struct, Enum
{
    private const int Seed = 13;
    private readonly ModelDimension<T> _dimension;
    private readonly MLContext _ml;
    private readonly ITransformer _featurizer;
    private readonly MulticlassPredictionTransformer<MaximumEntropyModelParameters> _trainer;
    private readonly VBuffer<float>[] _weights;
    private readonly string[] _slotNames;

    private TextModel(
        ModelDimension<T> dimension,
        MLContext ml,
        ITransformer featurizer,
        MulticlassPredictionTransformer<MaximumEntropyModelParameters> trainer,
        IDataView featurized
    )
    {
        (_dimension, _ml, _featurizer, _trainer) = (dimension, ml, featurizer, trainer);
        _weights = [];
        trainer.Model.GetWeights(ref _weights, out _);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        featurized.Schema["Features"].GetSlotNames(ref names);
        _slotNames = [.. names.DenseValues().Select(n => n.ToString())];
        var classes = default(VBuffer<ReadOnlyMemory<char>>);
        trainer.Transform(featurized).Schema["Score"].GetSlotNames(ref classes);
        if (!classes.DenseValues().Select(c => c.ToString()).SequenceEqual(dimension.Classes.Select(c => c.ToString())))
        {
            throw new InvalidOperationException("the model's scores are not in the order of the dimension's classes");
        }
    }

    /// <summary>Trains on the labelled grants; <paramref name="options"/> names the text and the trainer.</summary>
    public static TextModel<T> Train(
        ModelDimension<T> dimension,
        IEnumerable<EvaluationCase> cases,
        ModelOptions options
    )
    {
        var ml = new MLContext(seed: Seed);
        var list = cases.Select(c => dimension.Row(c, options)).ToList();
        var rows = ml.Data.LoadFromEnumerable(list);
        // The label's keys are the dimension's classes in their order, whichever a training set holds.
        var keys = ml.Data.LoadFromEnumerable(dimension.Classes.Select(p => new Key { Label = p.ToString() }).ToList());
        var (names, facts) = (list.Any(r => r.Recipient.Length > 0), list.Any(r => r.Facts.Length > 0));
        // The text alone is featurized into Features itself (a concatenation of one column trains differently).
        var words = names || facts ? "Words" : "Features";
        IEstimator<ITransformer> pipeline = ml
            .Transforms.Conversion.MapValueToKey("Label", nameof(ModelRow.Label), keyData: keys)
            .Append(ml.Transforms.Text.FeaturizeText(words, TextOptions(options), nameof(ModelRow.Text)));
        if (names)
        {
            pipeline = pipeline.Append(
                ml.Transforms.Text.FeaturizeText("Recipient name", TextOptions(options), nameof(ModelRow.Recipient))
            );
        }

        if (facts)
        {
            pipeline = pipeline.Append(
                ml.Transforms.Categorical.OneHotEncoding(
                    "Fact",
                    nameof(ModelRow.Facts),
                    OneHotEncodingEstimator.OutputKind.Bag
                )
            );
        }

        string[] columns = [words, .. names ? new[] { "Recipient name" } : [], .. facts ? new[] { "Fact" } : []];
        var featurizer = (
            columns.Length == 1 ? pipeline : pipeline.Append(ml.Transforms.Concatenate("Features", columns))
        ).Fit(rows);
        var featurized = featurizer.Transform(rows);
        return new TextModel<T>(dimension, ml, featurizer, Trainer(ml, options).Fit(featurized), featurized);
    }

    private static IEstimator<MulticlassPredictionTransformer<MaximumEntropyModelParameters>> Trainer(
        MLContext ml,
        ModelOptions options
    ) =>
        options.Trainer == "lbfgs"
            ? ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    NumberOfThreads = 1,
                    L2Regularization = options.L2,
                    L1Regularization = 0,
                }
            )
            : ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    NumberOfThreads = 1,
                    L2Regularization = options.L2,
                    Shuffle = true,
                }
            );

    /// <summary>The model's answer for each grant, in order, with the <paramref name="explain"/> features that
    /// pushed it most (weight × feature value for the answered class).</summary>
    public IReadOnlyList<ModelAnswer<T>> Predict(IReadOnlyList<EvaluationCase> cases, ModelOptions options, int explain)
    {
        var rows = _ml.Data.LoadFromEnumerable(cases.Select(c => _dimension.Row(c, options)).ToList());
        var scored = _trainer.Transform(_featurizer.Transform(rows));
        var answers = new List<ModelAnswer<T>>(cases.Count);
        foreach (var s in _ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false))
        {
            var best = 0;
            for (var k = 1; k < s.Score.Length; k++)
            {
                best = s.Score[k] > s.Score[best] ? k : best;
            }

            answers.Add(
                new ModelAnswer<T>(_dimension.Classes[best], s.Score[best], Explain(s.Features, best, explain))
            );
        }

        return answers;
    }

    private List<string> Explain(VBuffer<float> features, int cls, int top)
    {
        var w = _weights[cls].DenseValues().ToArray();
        var pushes = new List<(string Name, double Push)>();
        foreach (var (slot, x) in features.Items())
        {
            if (slot < w.Length && w[slot] * x > 0)
            {
                pushes.Add((_slotNames[slot], w[slot] * x));
            }
        }

        return
        [
            .. pushes
                .OrderByDescending(p => p.Push)
                .ThenBy(p => p.Name, StringComparer.Ordinal)
                .Take(top)
                .Select(p => FormattableString.Invariant($"{Readable(p.Name)} +{p.Push:0.00}")),
        ];
    }

    /// <summary>FeaturizeText names a word n-gram "Word.a|b" and a character n-gram "Char.a|b|c|d" (&lt;␟&gt; marks a
    /// space, &lt;␂&gt;/&lt;␃&gt; the start and end of the text): written here as "a b" and 'abcd'; the concatenation
    /// puts the column's name before them ("Words.", dropped here; "Recipient name.", "Fact.").</summary>
    private static string Readable(string slot) =>
        slot.StartsWith("Words.", StringComparison.Ordinal) ? Readable(slot[6..])
        : slot.StartsWith("Recipient name.", StringComparison.Ordinal) ? "name " + Readable(slot[15..])
        : slot.StartsWith("Fact.", StringComparison.Ordinal) ? "[" + slot[5..] + "]"
        : slot.StartsWith("Word.", StringComparison.Ordinal) ? "\"" + slot[5..].Replace('|', ' ') + "\""
        : slot.StartsWith("Char.", StringComparison.Ordinal)
            ? "'"
                + slot[5..]
                    .Replace("|", "", StringComparison.Ordinal)
                    .Replace("<␟>", " ", StringComparison.Ordinal)
                    .Replace("<␂>", "^", StringComparison.Ordinal)
                    .Replace("<␃>", "$", StringComparison.Ordinal)
                + "'"
        : slot;

    private static TextFeaturizingEstimator.Options TextOptions(ModelOptions options) =>
        new()
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = false,
            KeepNumbers = false,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
            StopWordsRemoverOptions = new StopWordsRemovingEstimator.Options
            {
                Language = TextFeaturizingEstimator.Language.English,
            },
            WordFeatureExtractor = new WordBagEstimator.Options
            {
                NgramLength = options.WordNgrams,
                UseAllLengths = true,
            },
            CharFeatureExtractor =
                options.CharNgrams == 0
                    ? null
                    : new WordBagEstimator.Options { NgramLength = options.CharNgrams, UseAllLengths = false },
        };

    private sealed class Key
    {
        public string Label { get; set; } = "";
    }

    private sealed class Scored
    {
        public float[] Score { get; set; } = [];

        public VBuffer<float> Features { get; set; }
    }
}

/// <summary>The text and the trainer of <see cref="TextModel{T}"/> (chosen on the tuning part only).</summary>
/// <param name="Trainer">sdca (SdcaMaximumEntropy) or lbfgs (LbfgsMaximumEntropy).</param>
/// <param name="WordNgrams">Word n-grams up to this length.</param>
/// <param name="CharNgrams">Character n-grams of exactly this length (0: none).</param>
/// <param name="L2">The trainer's L2 regularisation.</param>
/// <param name="WithRecipient">Whether the model reads the recipient's name.</param>
/// <param name="Facts">Which facts a level row carries (all, none, or a comma-separated list of their names).</param>
/// <param name="WeakTraining">Train on the grants whose rules' answer is below 0.7 only.</param>
internal sealed record ModelOptions(
    string Trainer,
    int WordNgrams,
    int CharNgrams,
    float L2,
    bool WithRecipient,
    string Facts,
    bool WeakTraining
);

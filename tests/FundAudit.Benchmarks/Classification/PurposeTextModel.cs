using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace FundAudit.Benchmarks.Classification;

/// <summary>One model answer: the purpose, its probability and the n-grams that pushed it most.</summary>
internal sealed record ModelAnswer(GrantPurpose Purpose, double Probability, IReadOnlyList<string> Evidence);

/// <summary>
/// A statistical text model of purpose for the evaluation tool only (issue 13 item 3): ML.NET's FeaturizeText (word
/// 1–2-grams and character 2–4-grams of the folded text, L2-normalised) and a multiclass maximum-entropy trainer over
/// the five purposes. One thread and a fixed seed, so every run gives the same answers.
/// </summary>
internal sealed class PurposeTextModel
{
    /// <summary>The five purposes a label can carry, in the order of the model's key (1..5).</summary>
    public static readonly GrantPurpose[] Classes =
    [
        GrantPurpose.Prevention,
        GrantPurpose.Collective,
        GrantPurpose.Emergency,
        GrantPurpose.Campaign,
        GrantPurpose.Other,
    ];

    private const int Seed = 13;
    private readonly MLContext _ml;
    private readonly ITransformer _featurizer;
    private readonly MulticlassPredictionTransformer<MaximumEntropyModelParameters> _trainer;
    private readonly VBuffer<float>[] _weights;
    private readonly string[] _slotNames;

    private PurposeTextModel(
        MLContext ml,
        ITransformer featurizer,
        MulticlassPredictionTransformer<MaximumEntropyModelParameters> trainer,
        IDataView featurized
    )
    {
        _ml = ml;
        _featurizer = featurizer;
        _trainer = trainer;
        _weights = [];
        trainer.Model.GetWeights(ref _weights, out _);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        featurized.Schema["Features"].GetSlotNames(ref names);
        _slotNames = [.. names.DenseValues().Select(n => n.ToString())];
        var classes = default(VBuffer<ReadOnlyMemory<char>>);
        trainer.Transform(featurized).Schema["Score"].GetSlotNames(ref classes);
        if (!classes.DenseValues().Select(c => c.ToString()).SequenceEqual(Classes.Select(c => c.ToString())))
        {
            throw new InvalidOperationException("the model's scores are not in the order of PurposeTextModel.Classes");
        }
    }

    /// <summary>Trains on the labelled grants; <paramref name="options"/> names the text and the trainer.</summary>
    public static PurposeTextModel Train(IEnumerable<EvaluationCase> cases, ModelOptions options)
    {
        var ml = new MLContext(seed: Seed);
        var rows = ml.Data.LoadFromEnumerable(cases.Select(c => Row.Of(c, options)).ToList());
        // The label's keys are the five purposes in the order of Classes, whichever a training set holds.
        var keys = ml.Data.LoadFromEnumerable(Classes.Select(p => new Key { Purpose = p.ToString() }).ToList());
        var featurizer = ml
            .Transforms.Conversion.MapValueToKey("Label", nameof(Row.Purpose), keyData: keys)
            .Append(ml.Transforms.Text.FeaturizeText("Features", TextOptions(options), nameof(Row.Text)))
            .Fit(rows);
        var featurized = featurizer.Transform(rows);
        var trainer =
            options.Trainer == "lbfgs"
                ? ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                    new LbfgsMaximumEntropyMulticlassTrainer.Options
                    {
                        NumberOfThreads = 1,
                        L2Regularization = options.L2,
                        L1Regularization = 0,
                    }
                )
                : (IEstimator<MulticlassPredictionTransformer<MaximumEntropyModelParameters>>)
                    ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                        new SdcaMaximumEntropyMulticlassTrainer.Options
                        {
                            NumberOfThreads = 1,
                            L2Regularization = options.L2,
                            Shuffle = true,
                        }
                    );
        return new PurposeTextModel(ml, featurizer, trainer.Fit(featurized), featurized);
    }

    /// <summary>The model's answer for each grant, in order, with the <paramref name="explain"/> n-grams that
    /// pushed it most (weight × feature value for the answered class).</summary>
    public IReadOnlyList<ModelAnswer> Predict(IReadOnlyList<EvaluationCase> cases, ModelOptions options, int explain)
    {
        var rows = _ml.Data.LoadFromEnumerable(cases.Select(c => Row.Of(c, options)).ToList());
        var scored = _trainer.Transform(_featurizer.Transform(rows));
        var answers = new List<ModelAnswer>(cases.Count);
        foreach (var s in _ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false))
        {
            var best = 0;
            for (var k = 1; k < s.Score.Length; k++)
            {
                best = s.Score[k] > s.Score[best] ? k : best;
            }

            answers.Add(new ModelAnswer(Classes[best], s.Score[best], Explain(s.Features, best, explain)));
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
    /// space, &lt;␂&gt;/&lt;␃&gt; the start and end of the text): written here as "a b" and 'abcd'.</summary>
    private static string Readable(string slot) =>
        slot.StartsWith("Word.", StringComparison.Ordinal) ? "\"" + slot[5..].Replace('|', ' ') + "\""
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

    /// <summary>One grant as the model reads it: its labelled purpose and its text.</summary>
    private sealed class Row
    {
        public string Purpose { get; set; } = "";

        public string Text { get; set; } = "";

        public static Row Of(EvaluationCase c, ModelOptions options) =>
            new() { Purpose = c.Purpose.ToString(), Text = ModelText(c.Grant, options) };
    }

    /// <summary>What the classifier reads for purpose: title, description and programme (the recipient's name only
    /// with <see cref="ModelOptions.WithRecipient"/>).</summary>
    public static string ModelText(GrantRecord g, ModelOptions options) =>
        string.Join(
            " . ",
            new[] { g.Title, g.Description, g.ProgrammeTitle, options.WithRecipient ? g.RecipientOrgName : null }.Where(
                t => !string.IsNullOrWhiteSpace(t)
            )
        );

    private sealed class Key
    {
        public string Purpose { get; set; } = "";
    }

    private sealed class Scored
    {
        public float[] Score { get; set; } = [];

        public VBuffer<float> Features { get; set; }
    }
}

/// <summary>The text and the trainer of <see cref="PurposeTextModel"/> (chosen on the tuning part only).</summary>
/// <param name="Trainer">sdca (SdcaMaximumEntropy) or lbfgs (LbfgsMaximumEntropy).</param>
/// <param name="WordNgrams">Word n-grams up to this length.</param>
/// <param name="CharNgrams">Character n-grams of exactly this length (0: none).</param>
/// <param name="L2">The trainer's L2 regularisation.</param>
/// <param name="WithRecipient">Whether the recipient's name is part of the text.</param>
internal sealed record ModelOptions(string Trainer, int WordNgrams, int CharNgrams, float L2, bool WithRecipient);

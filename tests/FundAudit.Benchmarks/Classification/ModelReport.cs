using System.Globalization;
using System.Text;
using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Classification;

/// <summary>The lines of <c>evaluate-model</c>: the rules, the model and two combinations side by side.</summary>
internal static class ModelReport
{
    private static readonly GrantPurpose[] Answered = [.. PurposeTextModel.Classes, GrantPurpose.Unclassified];

    /// <summary>A way to answer: the answer and its confidence for an outcome, given the fold's threshold p.</summary>
    private sealed record Method(string Name, Func<Outcome, double, (GrantPurpose Answer, double Confidence)> Answer);

    private static readonly Method[] Methods =
    [
        new("rules", (o, _) => (o.Rules, o.RulesConfidence)),
        new("model", (o, _) => (o.Model.Purpose, o.Model.Probability)),
        new("(a) model where rules unclassified or < 0.7", (o, _) =>
            o.Rules == GrantPurpose.Unclassified || o.RulesConfidence < ClassificationThresholds.High
                ? (o.Model.Purpose, o.Model.Probability)
                : (o.Rules, o.RulesConfidence)
        ),
        new("(b) model overrides at probability ≥ p", (o, p) =>
            o.Model.Probability >= p ? (o.Model.Purpose, o.Model.Probability) : (o.Rules, o.RulesConfidence)
        ),
    ];

    public static string Format(string title, IReadOnlyList<Outcome> outcomes, IReadOnlyList<double> thresholds)
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"\n== purpose, {title}\n");
        var folds = outcomes.Select(o => o.Fold).Distinct().Order().ToList();
        sb.Append("p of (b), chosen by cross-validation inside the training grants only: ")
            .AppendJoin(
                ", ",
                thresholds.Select(p => p > 1 ? "never" : p.ToString("0.00", CultureInfo.InvariantCulture))
            )
            .Append('\n')
            .Append("method".PadRight(45))
            .Append("right (unclassified counted wrong)".PadRight(38))
            .Append("answers at ≥ 0.7 right".PadRight(34))
            .Append(folds.Count > 1 ? "right per fold" : "")
            .Append('\n');
        foreach (var m in Methods)
        {
            var scored = Score(m, outcomes, thresholds);
            var right = scored.Count(s => s.Right);
            var high = scored.Where(s => s.Confidence >= ClassificationThresholds.High).ToList();
            var highRight = high.Count(s => s.Right);
            var holds = high.Count > 0 && highRight >= 0.97 * high.Count ? "holds 97 %" : "below 97 %";
            sb.Append(m.Name.PadRight(45))
                .Append(Share(right, scored.Count).PadRight(38))
                .Append($"{Share(highRight, high.Count)} {holds}".PadRight(34))
                .AppendJoin(
                    ", ",
                    folds.Count > 1
                        ? folds.Select(f =>
                            $"{scored.Count(s => s.Fold == f && s.Right)}/{scored.Count(s => s.Fold == f)}"
                        )
                        : []
                )
                .Append('\n');
        }

        var strong = outcomes.Where(o => o.RulesConfidence >= ClassificationThresholds.High).ToList();
        sb.Append(
            CultureInfo.InvariantCulture,
            $"where the rules answer at ≥ 0.7 ({strong.Count} grants), the model gives the same answer "
                + $"{strong.Count(o => o.Model.Purpose == o.Rules)} times\n"
        );
        foreach (var m in Methods)
        {
            sb.Append(Confusion(m, outcomes, thresholds));
        }

        sb.Append("\nthe model's probability as its confidence, all its answers:\n");
        foreach (
            var b in ReliabilityBin.Of([
                .. outcomes.Select(o => (o.Model.Probability, o.Model.Purpose == o.Case.Purpose)),
            ])
        )
        {
            sb.Append(b.Line());
        }

        return sb.ToString();
    }

    /// <summary>Up to <paramref name="count"/> grants where the model's answer differs from the rules' and (b)
    /// takes it, or else (a) does: the n-grams that pushed the model's answer (weight × feature value).</summary>
    public static string Explained(IReadOnlyList<Outcome> outcomes, IReadOnlyList<double> thresholds, int count)
    {
        var sb = new StringBuilder(
            "\nthe model's evidence where its answer differs from the rules' and a combination takes it "
                + "(top n-grams, weight × feature; \"words\", 'characters'):\n"
        );
        var chosen = outcomes
            .Where(o => o.Model.Purpose != o.Rules)
            .OrderByDescending(o => o.Model.Probability >= Threshold(thresholds, o))
            .ThenByDescending(o =>
                o.Rules == GrantPurpose.Unclassified || o.RulesConfidence < ClassificationThresholds.High
            )
            .ThenBy(o => o.Case.Id, StringComparer.Ordinal)
            .Take(count);
        foreach (var o in chosen)
        {
            Explain(sb, o);
        }

        sb.Append("\nits most probable answer of each purpose it gave:\n");
        foreach (var o in outcomes.GroupBy(o => o.Model.Purpose).Select(g => g.MaxBy(o => o.Model.Probability)!))
        {
            Explain(sb, o);
        }

        return sb.ToString();
    }

    private static void Explain(StringBuilder sb, Outcome o)
    {
        var verdict = o.Model.Purpose == o.Case.Purpose ? "model right" : "model wrong";
        var evidence =
            o.Model.Evidence.Count == 0 ? "(no n-gram: the class's bias alone)" : string.Join(", ", o.Model.Evidence);
        sb.Append(
            CultureInfo.InvariantCulture,
            $"  {o.Case.Id}: labelled {Name(o.Case.Purpose)}, rules {Name(o.Rules)} {o.RulesConfidence:0.00}, "
                + $"model {Name(o.Model.Purpose)} {o.Model.Probability:0.00} ({verdict})\n    {evidence}\n"
        );
    }

    private static List<(int Fold, GrantPurpose Truth, GrantPurpose Answer, double Confidence, bool Right)> Score(
        Method m,
        IReadOnlyList<Outcome> outcomes,
        IReadOnlyList<double> thresholds
    ) =>
        [
            .. outcomes.Select(o =>
            {
                var (answer, confidence) = m.Answer(o, Threshold(thresholds, o));
                return (o.Fold, o.Case.Purpose, answer, confidence, answer == o.Case.Purpose);
            }),
        ];

    private static double Threshold(IReadOnlyList<double> thresholds, Outcome o) => thresholds[Math.Max(o.Fold, 0)];

    private static string Confusion(Method m, IReadOnlyList<Outcome> outcomes, IReadOnlyList<double> thresholds)
    {
        var scored = Score(m, outcomes, thresholds);
        var sb = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"\nconfusion, {m.Name} (rows = labelled, columns = answered)\n")
            .Append("".PadRight(13));
        foreach (var a in Answered)
        {
            sb.Append(Name(a).PadLeft(13));
        }

        sb.Append('\n');
        foreach (var t in PurposeTextModel.Classes)
        {
            sb.Append(Name(t).PadRight(13));
            foreach (var a in Answered)
            {
                sb.Append(
                    scored.Count(s => s.Truth == t && s.Answer == a).ToString(CultureInfo.InvariantCulture).PadLeft(13)
                );
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Name(GrantPurpose p) => p.ToString().ToLowerInvariant();

    private static string Share(int right, int of) =>
        of == 0 ? "0 of 0" : string.Create(CultureInfo.InvariantCulture, $"{right} of {of} ({(double)right / of:P1})");
}

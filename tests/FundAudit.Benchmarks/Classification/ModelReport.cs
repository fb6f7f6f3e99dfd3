using System.Globalization;
using System.Text;
using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Classification;

/// <summary>The lines of <c>evaluate-model</c> and <c>evaluate-level-model</c>: the rules, the model and two
/// combinations side by side.</summary>
internal static class ModelReport
{
    /// <summary>A way to answer: the answer and its confidence for an outcome, given the fold's threshold p.</summary>
    private sealed record Method<T>(string Name, Func<Outcome<T>, double, (T Answer, double Confidence)> Answer);

    private static Method<T>[] Methods<T>(ModelDimension<T> d)
        where T : struct, Enum =>
        [
            new("rules", (o, _) => (o.Rules, o.RulesConfidence)),
            new("model", (o, _) => (o.Model.Answer, o.Model.Probability)),
            new("(a) model where rules unclassified or < 0.7", (o, _) =>
                ModelDimension<T>.Same(o.Rules, default) || o.RulesConfidence < ClassificationThresholds.High
                    ? (o.Model.Answer, o.Model.Probability)
                    : (o.Rules, o.RulesConfidence)
            ),
            new(d.OverrideName, (o, p) =>
                d.Overrides(o.Model, o.Rules, o.RulesConfidence, p)
                    ? (o.Model.Answer, o.Model.Probability)
                    : (o.Rules, o.RulesConfidence)
            ),
        ];

    public static string Format<T>(
        ModelDimension<T> d,
        string title,
        IReadOnlyList<Outcome<T>> outcomes,
        IReadOnlyList<double> thresholds
    )
        where T : struct, Enum
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"\n== {d.Name}, {title}\n");
        var folds = outcomes.Select(o => o.Fold).Distinct().Order().ToList();
        sb.Append("p of (b), chosen by cross-validation inside the training grants only: ")
            .AppendJoin(
                ", ",
                thresholds.Select(p => p > 1 ? "never" : p.ToString("0.00", CultureInfo.InvariantCulture))
            )
            .Append('\n')
            .Append("method".PadRight(48))
            .Append("right (unclassified counted wrong)".PadRight(38))
            .Append("answers at ≥ 0.7 right".PadRight(34))
            .Append(folds.Count > 1 ? "right per fold" : "")
            .Append('\n');
        foreach (var m in Methods(d))
        {
            var scored = Score(d, m, outcomes, thresholds);
            var right = scored.Count(s => s.Right);
            var high = scored.Where(s => s.Confidence >= ClassificationThresholds.High).ToList();
            var highRight = high.Count(s => s.Right);
            var holds = high.Count > 0 && highRight >= 0.97 * high.Count ? "holds 97 %" : "below 97 %";
            sb.Append(m.Name.PadRight(48))
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
                + $"{strong.Count(o => ModelDimension<T>.Same(o.Model.Answer, o.Rules))} times\n"
        );
        sb.Append(PerDecision(d, outcomes, thresholds));
        foreach (var m in Methods(d))
        {
            sb.Append(Confusion(d, m, outcomes, thresholds));
        }

        foreach (var m in Methods(d))
        {
            sb.Append(CultureInfo.InvariantCulture, $"\nreliability, {m.Name} (its confidences):\n");
            foreach (
                var b in ReliabilityBin.Of([.. Score(d, m, outcomes, thresholds).Select(s => (s.Confidence, s.Right))])
            )
            {
                sb.Append(b.Line());
            }
        }

        return sb.ToString();
    }

    /// <summary>Per decision key of the rules: answers, right by the rules, by the model and by (b), and the answers
    /// (b) moved from right to wrong and from wrong to right.</summary>
    private static string PerDecision<T>(
        ModelDimension<T> d,
        IReadOnlyList<Outcome<T>> outcomes,
        IReadOnlyList<double> thresholds
    )
        where T : struct, Enum
    {
        var combined = Methods(d)[^1];
        var sb = new StringBuilder(
            "\nper decision of the rules: answers, right by the rules / the model / (b), (b)'s moves right→wrong and "
                + "wrong→right\n"
        );
        foreach (var g in outcomes.GroupBy(o => o.RulesKey).OrderByDescending(g => g.Count()).ThenBy(g => g.Key))
        {
            var rows = g.Select(o =>
                    (
                        Rules: d.Right(o.Rules, o.Case),
                        Model: d.Right(o.Model.Answer, o.Case),
                        Combined: d.Right(combined.Answer(o, Threshold(thresholds, o)).Answer, o.Case)
                    )
                )
                .ToList();
            sb.Append(
                CultureInfo.InvariantCulture,
                $"  {g.Key, -34} {rows.Count, 5} {rows.Count(r => r.Rules), 6} {rows.Count(r => r.Model), 6} "
                    + $"{rows.Count(r => r.Combined), 6}   {rows.Count(r => r.Rules && !r.Combined), 4} "
                    + $"{rows.Count(r => !r.Rules && r.Combined), 4}\n"
            );
        }

        return sb.ToString();
    }

    /// <summary>Up to <paramref name="count"/> grants where the model's answer differs from the rules' and (b)
    /// takes it, or else (a) does: the features that pushed the model's answer (weight × feature value).</summary>
    public static string Explained<T>(
        ModelDimension<T> d,
        IReadOnlyList<Outcome<T>> outcomes,
        IReadOnlyList<double> thresholds,
        int count
    )
        where T : struct, Enum
    {
        var sb = new StringBuilder(
            "\nthe model's evidence where its answer differs from the rules' and a combination takes it "
                + "(top features, weight × feature; \"words\", 'characters', [facts]):\n"
        );
        var chosen = outcomes
            .Where(o => !ModelDimension<T>.Same(o.Model.Answer, o.Rules))
            .OrderByDescending(o => d.Overrides(o.Model, o.Rules, o.RulesConfidence, Threshold(thresholds, o)))
            .ThenByDescending(o =>
                ModelDimension<T>.Same(o.Rules, default) || o.RulesConfidence < ClassificationThresholds.High
            )
            .ThenBy(o => o.Case.Id, StringComparer.Ordinal)
            .Take(count);
        foreach (var o in chosen)
        {
            Explain(d, sb, o);
        }

        sb.Append(CultureInfo.InvariantCulture, $"\nits most probable answer of each {d.Name} it gave:\n");
        foreach (var o in outcomes.GroupBy(o => o.Model.Answer).Select(g => g.MaxBy(o => o.Model.Probability)!))
        {
            Explain(d, sb, o);
        }

        return sb.ToString();
    }

    private static void Explain<T>(ModelDimension<T> d, StringBuilder sb, Outcome<T> o)
        where T : struct, Enum
    {
        var verdict = d.Right(o.Model.Answer, o.Case) ? "model right" : "model wrong";
        var evidence =
            o.Model.Evidence.Count == 0 ? "(no feature: the class's bias alone)" : string.Join(", ", o.Model.Evidence);
        var name = ModelDimension<T>.NameOf;
        sb.Append(
            CultureInfo.InvariantCulture,
            $"  {o.Case.Id}: labelled {name(d.Truth(o.Case))}, rules {name(o.Rules)} {o.RulesConfidence:0.00} "
                + $"({o.RulesKey}), model {name(o.Model.Answer)} {o.Model.Probability:0.00} ({verdict})\n"
                + $"    {evidence}\n"
        );
    }

    private static List<(int Fold, T Truth, T Answer, double Confidence, bool Right)> Score<T>(
        ModelDimension<T> d,
        Method<T> m,
        IReadOnlyList<Outcome<T>> outcomes,
        IReadOnlyList<double> thresholds
    )
        where T : struct, Enum =>
        [
            .. outcomes.Select(o =>
            {
                var (answer, confidence) = m.Answer(o, Threshold(thresholds, o));
                return (o.Fold, d.Truth(o.Case), answer, confidence, d.Right(answer, o.Case));
            }),
        ];

    private static double Threshold<T>(IReadOnlyList<double> thresholds, Outcome<T> o) =>
        thresholds[Math.Max(o.Fold, 0)];

    private static string Confusion<T>(
        ModelDimension<T> d,
        Method<T> m,
        IReadOnlyList<Outcome<T>> outcomes,
        IReadOnlyList<double> thresholds
    )
        where T : struct, Enum
    {
        var scored = Score(d, m, outcomes, thresholds);
        T[] answered = [.. d.Classes, default];
        var sb = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"\nconfusion, {m.Name} (rows = labelled, columns = answered)\n")
            .Append("".PadRight(13));
        foreach (var a in answered)
        {
            sb.Append(ModelDimension<T>.NameOf(a).PadLeft(13));
        }

        sb.Append('\n');
        foreach (var t in d.Classes)
        {
            sb.Append(ModelDimension<T>.NameOf(t).PadRight(13));
            foreach (var a in answered)
            {
                var n = scored.Count(s => ModelDimension<T>.Same(s.Truth, t) && ModelDimension<T>.Same(s.Answer, a));
                sb.Append(n.ToString(CultureInfo.InvariantCulture).PadLeft(13));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Share(int right, int of) =>
        of == 0 ? "0 of 0" : string.Create(CultureInfo.InvariantCulture, $"{right} of {of} ({(double)right / of:P1})");
}

using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Classification;

/// <summary>
/// A dimension a statistical model is set beside the rules on (issue 13 item 3): its classes, the label and the
/// rules' answer of a grant, and how a grant reads as a <see cref="ModelRow"/>.
/// </summary>
/// <param name="Name">purpose or level, as the rule set's decision keys begin.</param>
/// <param name="Classes">The classes a label can carry, in the order of the model's key.</param>
/// <param name="Truth">The labelled class of a grant.</param>
/// <param name="Rules">The rules' answer of a classification.</param>
/// <param name="Row">A grant as the model reads it.</param>
/// <param name="WeakOnly">The combination (b) overrides only the rules' answers below 0.7, and only with another
/// answer (else any answer).</param>
internal sealed record ModelDimension<T>(
    string Name,
    IReadOnlyList<T> Classes,
    Func<EvaluationCase, T> Truth,
    Func<GrantClassification, Dimension<T>> Rules,
    Func<EvaluationCase, ModelOptions, ModelRow> Row,
    bool WeakOnly
)
    where T : struct, Enum
{
    public bool Right(T answer, EvaluationCase c) => Same(answer, Truth(c));

    /// <summary>Whether the model's answer replaces the rules' answer at <paramref name="rulesConfidence"/> in
    /// combination (b), at threshold <paramref name="p"/>: where its probability reaches p (with
    /// <see cref="WeakOnly"/>, only a different answer, for a rules' answer below 0.7; an answer both give keeps the
    /// rules' confidence).</summary>
    public bool Overrides(ModelAnswer<T> model, T rules, double rulesConfidence, double p) =>
        model.Probability >= p
        && (!WeakOnly || (rulesConfidence < ClassificationThresholds.High && !Same(model.Answer, rules)));

    /// <summary>The name of the combination (b).</summary>
    public string OverrideName =>
        WeakOnly ? "(b) model overrides < 0.7 at probability ≥ p" : "(b) model overrides at probability ≥ p";

    public static bool Same(T a, T b) => EqualityComparer<T>.Default.Equals(a, b);

    public static string NameOf(T value) => value.ToString().ToLowerInvariant();
}

/// <summary>Purpose as a text model reads it: title, description and programme (the recipient's name only with
/// <see cref="ModelOptions.WithRecipient"/>, as part of the text).</summary>
internal static class PurposeModel
{
    public static readonly ModelDimension<GrantPurpose> Dimension = new(
        "purpose",
        [
            GrantPurpose.Prevention,
            GrantPurpose.Collective,
            GrantPurpose.Emergency,
            GrantPurpose.Campaign,
            GrantPurpose.Other,
        ],
        c => c.Purpose,
        r => r.Purpose,
        (c, options) =>
            new ModelRow
            {
                Label = c.Purpose.ToString(),
                Text = string.Join(
                    " . ",
                    new[]
                    {
                        c.Grant.Title,
                        c.Grant.Description,
                        c.Grant.ProgrammeTitle,
                        options.WithRecipient ? c.Grant.RecipientOrgName : null,
                    }.Where(t => !string.IsNullOrWhiteSpace(t))
                ),
            },
        WeakOnly: false
    );
}

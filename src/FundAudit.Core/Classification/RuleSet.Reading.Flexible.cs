using System.Text.Json;

namespace FundAudit.Core.Classification;

/// <summary>Reading the rule set's <c>flexible</c> section: terms and the phrases that cancel them.</summary>
public sealed partial class RuleSet
{
    private static RuleExtras Extras(
        PurposeSection purpose,
        FlexibleSection flexible,
        LevelSection level,
        IReadOnlyDictionary<string, double> confidences
    ) =>
        level.Extras(purpose.Exceptions, purpose.OtherMinimumWords, confidences) with
        {
            FlexibleExceptions = flexible.Exceptions,
        };

    private sealed record FlexibleSection(
        double MinimumScore,
        IReadOnlyList<WeightedTerm> Terms,
        IReadOnlyList<WeightedTerm> Exceptions
    );

    private static FlexibleSection ReadFlexibleSection(JsonElement root, List<RuleSetError> errors)
    {
        double fMin = 3;
        IReadOnlyList<WeightedTerm> flexibleTerms = [];
        IReadOnlyList<WeightedTerm> exceptions = [];
        if (root.TryGetProperty("flexible", out var flexible))
        {
            if (flexible.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new RuleSetError("$.flexible", "flexible must be an object"));
            }
            else
            {
                CheckKnown(flexible, "$.flexible", errors, "minimumScore", "terms", "exceptions");
                fMin = ReadNumber(flexible, "minimumScore", "$.flexible", 0, 100, fMin, errors);
                if (flexible.TryGetProperty("terms", out var ft))
                {
                    flexibleTerms = ReadTerms(
                        ft,
                        "$.flexible.terms",
                        new Dictionary<string, string>(StringComparer.Ordinal),
                        errors
                    );
                }

                if (flexible.TryGetProperty("exceptions", out var fe))
                {
                    var seen = new Dictionary<string, string>(StringComparer.Ordinal);
                    exceptions = ReadTerms(fe, "$.flexible.exceptions", seen, errors);
                }
            }
        }

        return new FlexibleSection(fMin, flexibleTerms, exceptions);
    }
}

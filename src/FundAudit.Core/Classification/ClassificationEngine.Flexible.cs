using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

/// <summary>Flexibility (TAXONOMY.md, "Flexibility"): core, general or unrestricted support.</summary>
public sealed partial class ClassificationEngine
{
    private static readonly string[] RestrictedTypeWords = ["project", "proyecto", "projet", "projeto", "capital"];

    // Rule F1: an explicit flag in the data. Rule F2: the funding type (IATI B01/B02, a core or project title).
    // Rule F3: core/unrestricted words in the text. Rule F4: otherwise not flexible.
    private Dimension<bool> ClassifyFlexible(GrantRecord grant, ReadOnlySpan<int> hits)
    {
        var evidence = new List<string>();
        if (grant.ExplicitFlexible is { } given)
        {
            evidence.Add($"explicit flexible flag in the data: {(given ? "yes" : "no")}");
            return Decide(given, ClassificationSource.Explicit, ConfidenceKeys.FlexibleExplicit, 1.0, evidence);
        }

        if (FromFundingTypes(grant, evidence) is { } typed)
        {
            return Decide(typed, ClassificationSource.Explicit, ConfidenceKeys.FlexibleFundingType, 0.95, evidence);
        }

        double score = 0;
        foreach (var id in hits)
        {
            if (_kind[id] == TermKind.Flexible)
            {
                score += _weight[id];
                evidence.Add(_evidence[id]);
            }
            else if (_kind[id] == TermKind.FlexibleException)
            {
                score -= _weight[id];
                evidence.Add($"flexible −{Fmt(_weight[id])} '{_label[id]}' (not unrestricted)");
            }
        }

        score = Math.Max(0, score);
        if (score >= _rules.FlexibleMinimumScore)
        {
            evidence.Add(_lines.FlexibleScore[Bits(score)]);
            return Decide(true, ClassificationSource.Rule, ConfidenceKeys.FlexibleTerms, 0.8, evidence);
        }

        // Rule F4 keeps two paths apart: words that said something and fell short are weaker evidence of "not
        // flexible" than silence, so each path has its own measured confidence.
        if (evidence.Count > 0)
        {
            evidence.Add(_lines.FlexibleScore[Bits(score)]);
            return Decide(false, ClassificationSource.Rule, ConfidenceKeys.FlexibleWeak, 0.6, evidence);
        }

        evidence.Add("no core, general or unrestricted support signal → not flexible");
        return Decide(false, ClassificationSource.Rule, ConfidenceKeys.FlexibleNone, 0.8, evidence);
    }

    private bool? FromFundingTypes(GrantRecord grant, List<string> evidence)
    {
        bool? fromType = null;
        foreach (var type in grant.FundingTypes)
        {
            // The same few types come back grant after grant ("Grant", "Core"): each is read once (FundingType).
            var (verdict, line) = _fundingTypes[type];
            if (verdict == true || (verdict == false && fromType is null))
            {
                evidence.Add(line!);
                fromType = verdict;
            }
        }

        return fromType;
    }

    /// <summary>What one funding type says about flexibility: core (true), restricted (false) or nothing (null),
    /// with the evidence line when it says something.</summary>
    private (bool? Verdict, string? Line) FundingType(string type)
    {
        var key = TextFold.Phrase(type);
        if (key.Length == 0)
        {
            return (null, null);
        }

        if (key is "b01" or "b" or "b02" or "b021" or "b022")
        {
            return (true, $"funding type {type}: IATI core support");
        }

        if (FlexibleScore(key) >= _rules.FlexibleMinimumScore)
        {
            return (true, $"funding type '{type}' is core/unrestricted support");
        }

        return IsRestrictedType(key) ? (false, $"funding type '{type}' is restricted/project support") : (null, null);
    }

    private static bool IsRestrictedType(string key) =>
        key is "c01" or "d01" or "d02"
        || RestrictedTypeWords.Any(w => key.Contains(w, StringComparison.Ordinal))
        || key.Split(' ').Contains("restricted");

    private double FlexibleScore(string folded)
    {
        Span<int> ids = stackalloc int[64];
        var n = _matcher.Match(folded, ids);
        double s = 0;
        for (var i = 0; i < n; i++)
        {
            if (_kind[ids[i]] == TermKind.Flexible)
            {
                s += _weight[ids[i]];
            }
        }

        return s;
    }
}

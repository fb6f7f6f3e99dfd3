using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

/// <summary>Purpose (TAXONOMY.md, "Purpose"): the primary purpose of the grant's activity.</summary>
public sealed partial class ClassificationEngine
{
    private const int PurposeCount = (int)GrantPurpose.Other + 1;

    // Rule P1: a Purpose given in the data wins.
    // Rule P2: the protection purpose whose terms score highest wins when it reaches the minimum, is clearly ahead of
    //          the next protection purpose and outweighs the terms of ordinary work.
    // Rule P3: otherwise a grant that describes its activity is `other`: the recipient's own work.
    // Rule P4: otherwise unclassified, saying why (conflicting evidence, no activity words).
    private Dimension<GrantPurpose> ClassifyPurpose(
        GrantRecord grant,
        ReadOnlySpan<int> hits,
        ReadOnlySpan<float> factor,
        int activityWords
    )
    {
        var evidence = new List<string>();
        if (ExplicitPurpose(grant, evidence) is { } given)
        {
            return Decide(given, ClassificationSource.Explicit, ConfidenceKeys.PurposeExplicit, 1.0, evidence);
        }

        Span<double> score = stackalloc double[PurposeCount];
        score.Clear();
        ScorePurposes(hits, factor, score, evidence);
        var (best, second) = TopProtection(score);
        var top = score[(int)best];
        var runnerUp = score[(int)second];
        var other = score[(int)GrantPurpose.Other];
        var scores = PurposeScores.Of(score);
        var min = _rules.PurposeMinimumScore;
        if (best != GrantPurpose.Unclassified && top >= min && top > other)
        {
            if (runnerUp <= top * (1 - _rules.PurposeMargin))
            {
                evidence.Add(_lines.PurposeWins[(best, scores)]);
                // Strong: twice the minimum and clear of the ordinary-work terms (at most half the winner's score).
                var key =
                    top >= 2 * min && other <= top / 2 ? ConfidenceKeys.PurposeStrong : ConfidenceKeys.PurposeWeak;
                return Decide(best, ClassificationSource.Rule, key, 0.6, evidence);
            }

            return Unclassified(GrantPurpose.Unclassified, _lines.PurposeConflict[(best, second, scores)], evidence);
        }

        if (activityWords >= _rules.OtherMinimumWords)
        {
            var key =
                other > 0 && other >= top ? ConfidenceKeys.PurposeOtherTerms
                : top > 0 ? ConfidenceKeys.PurposeOtherWeakProtection
                : ConfidenceKeys.PurposeOtherNoProtection;
            evidence.Add(_lines.PurposeOther[(activityWords, scores)]);
            return Decide(GrantPurpose.Other, ClassificationSource.Rule, key, 0.6, evidence);
        }

        return Unclassified(GrantPurpose.Unclassified, _lines.PurposeNoWords[(activityWords, scores)], evidence);
    }

    private static GrantPurpose? ExplicitPurpose(GrantRecord grant, List<string> evidence)
    {
        if (string.IsNullOrWhiteSpace(grant.ExplicitPurpose))
        {
            return null;
        }

        if (RuleSet.TryParsePurpose(grant.ExplicitPurpose, out var purpose))
        {
            evidence.Add($"explicit purpose in the data: {grant.ExplicitPurpose}");
            return purpose;
        }

        evidence.Add($"unknown explicit purpose: {grant.ExplicitPurpose}");
        return null;
    }

    /// <summary>Adds each fired purpose term (and takes off each exception phrase), with the evidence line.</summary>
    private void ScorePurposes(
        ReadOnlySpan<int> hits,
        ReadOnlySpan<float> factor,
        Span<double> score,
        List<string> evidence
    )
    {
        foreach (var id in hits)
        {
            var kind = _kind[id];
            if (kind is not (TermKind.Purpose or TermKind.PurposeException))
            {
                continue;
            }

            var w = _weight[id] * factor[id];
            if (kind == TermKind.PurposeException)
            {
                score[_sub[id]] -= w;
                evidence.Add(
                    $"{RuleSet.PurposeName((GrantPurpose)_sub[id])} −{Fmt(w)} '{_label[id]}' (not that "
                        + $"purpose here)"
                );
                continue;
            }

            score[_sub[id]] += w;
            evidence.Add(
                factor[id] == 1f ? _evidence[id]
                : factor[id] == (float)_rules.TitleWeight ? _titleEvidence[id]
                : $"{RuleSet.PurposeName((GrantPurpose)_sub[id])} +{Fmt(w)} '{_label[id]}' (secondary clause)"
            );
        }

        for (var p = 0; p < score.Length; p++)
        {
            score[p] = Math.Max(0, score[p]);
        }
    }

    /// <summary>The best and second protection purposes (Unclassified when none scores).</summary>
    private static (GrantPurpose Best, GrantPurpose Second) TopProtection(ReadOnlySpan<double> score)
    {
        int best = 0,
            second = 0; // index 0 (unclassified) always scores 0
        for (var p = (int)GrantPurpose.Prevention; p <= (int)GrantPurpose.Campaign; p++)
        {
            if (score[p] > score[best])
            {
                second = best;
                best = p;
            }
            else if (score[p] > score[second])
            {
                second = p;
            }
        }

        return ((GrantPurpose)best, (GrantPurpose)second);
    }

    /// <summary>Words of the title and description: what says what the grant does.</summary>
    private static int ActivityWords(GrantRecord grant) => CountWords(grant.Title) + CountWords(grant.Description);

    private static int CountWords(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            if (letter && !inWord)
            {
                words++;
            }

            inWord = letter;
        }

        return words;
    }
}

using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

/// <summary>Level, the hints its rules read beside the places: level terms of the text and kind terms of the
/// recipient's name.</summary>
public sealed partial class ClassificationEngine
{
    /// <summary>Level hint terms ("community group", "nationwide") and sub-national places named in the recipient's
    /// name.</summary>
    private sealed record LevelHints(
        double Local,
        double National,
        double Best,
        GrantLevel BestLevel,
        double RunnerUp,
        double TextGlobal,
        List<string> Evidence,
        List<string> NamePlaces,
        double RecipientNational,
        double Site
    );

    /// <summary>The weight from which a recipient-kind term names the organisation's kind on its own
    /// ("university"); lighter ones ("association of") give way to a sub-national place in the name.</summary>
    private const double StrongRecipientKind = 3;

    private LevelHints Hints(ReadOnlySpan<int> hits, ReadOnlySpan<float> factor, Country? recipientBase)
    {
        Span<double> hint = stackalloc double[5];
        hint.Clear();
        var evidence = new List<string>();
        double textGlobal = 0,
            recipientNational = 0,
            site = SiteWeight(hits);
        var named = TextPlaces(hits, factor, PlaceInName, recipientBase);
        foreach (var id in hits)
        {
            if (NationalKind(id, named) is > 0 and var kind)
            {
                recipientNational += kind;
                evidence.Add(_evidence[id]);
            }
            else if (_kind[id] == TermKind.SiteWork)
            {
                evidence.Add(_evidence[id]);
            }
            else if (_kind[id] == TermKind.LevelHint && !NameOfASite(id, factor, site))
            {
                hint[_sub[id]] += _weight[id];
                textGlobal += _sub[id] == (int)GrantLevel.Global && factor[id] == 1f ? _weight[id] : 0;
                evidence.Add(_evidence[id]);
            }
        }

        NoteSiteWork(recipientNational, site, evidence);
        var names = named.SubNational;
        var best = GrantLevel.Unclassified;
        double bestScore = 0,
            runnerUp = 0;
        for (var l = 1; l < hint.Length; l++)
        {
            if (hint[l] > bestScore)
            {
                (runnerUp, bestScore, best) = (bestScore, hint[l], (GrantLevel)l);
            }
            else if (hint[l] > runnerUp)
            {
                runnerUp = hint[l];
            }
        }

        return new LevelHints(
            hint[(int)GrantLevel.Local],
            hint[(int)GrantLevel.National],
            bestScore,
            best,
            runnerUp,
            textGlobal,
            evidence,
            names,
            recipientNational,
            site
        );
    }

    /// <summary>
    /// The weight a kind term of the recipient's name ("university", "association of") gives a national
    /// organisation, or 0. A constituent country in the name ("Women's Aid Federation Northern Ireland") is
    /// sub-national (TAXONOMY.md), so no kind term counts; any other sub-national place ("Lancashire Association of
    /// Clubs") takes the weight of a lighter term, a body of members whose members the place names, but not of a
    /// strong one: a university is one whatever town it is named after.
    /// </summary>
    private double NationalKind(int id, WorkPlaces named)
    {
        if (_kind[id] != TermKind.RecipientKind || _sub[id] != (int)GrantLevel.National)
        {
            return 0;
        }

        foreach (var p in named.SubPlaces)
        {
            if (p.Kind == SubPlaceKind.ConstituentCountry || _weight[id] < StrongRecipientKind)
            {
                return 0;
            }
        }

        return _weight[id];
    }

    private double SiteWeight(ReadOnlySpan<int> hits)
    {
        double site = 0;
        foreach (var id in hits)
        {
            site += _kind[id] == TermKind.SiteWork ? _weight[id] : 0;
        }

        return site;
    }

    /// <summary>A national word of the recipient's name only ("The British Museum") where the text pays for work at
    /// one site: the name says what the body is, which the site work already outweighs, not where the work
    /// happens.</summary>
    private bool NameOfASite(int id, ReadOnlySpan<float> factor, double site) =>
        site >= _rules.LevelMinimumScore && factor[id] < 1f && _sub[id] == (int)GrantLevel.National;

    /// <summary>Says so where words of work at one site keep the recipient's kind from making the grant
    /// national.</summary>
    private void NoteSiteWork(double recipientNational, double site, List<string> evidence)
    {
        if (recipientNational >= _rules.LevelMinimumScore && site >= _rules.LevelMinimumScore)
        {
            evidence.Add("the grant pays for work at one site: the recipient's kind does not make it national");
        }
    }

    /// <summary>
    /// The recipient's name says it is an organisation of the whole country (TAXONOMY.md, level `national`: "an
    /// organisation based in one country and working across that country": a university, a national charity),
    /// and the text neither describes a local group nor pays for work at one site (a laboratory, a refurbishment:
    /// work that happens where the recipient is).
    /// </summary>
    private bool NationalRecipient(LevelFacts f) =>
        f.Hints.RecipientNational >= _rules.LevelMinimumScore
        && f.Hints.Local < _rules.LevelMinimumScore
        && f.Hints.Site < _rules.LevelMinimumScore;

    private Dimension<GrantLevel>? BaseNationalRecipient(LevelFacts f, List<string> evidence)
    {
        if (!NationalRecipient(f))
        {
            return null;
        }

        evidence.Add(
            (
                f.Base is null
                    ? "no place known"
                    : $"recipient based in {f.BaseText}; nothing says where the work happens"
            ) + ", and its name says it is an organisation of the whole country → national"
        );
        return Decide(GrantLevel.National, ClassificationSource.Rule, ConfidenceKeys.LevelBaseRecipient, 0.6, evidence);
    }
}

using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

/// <summary>Level (TAXONOMY.md, "Level"): who received the money, judged by where it is based and where the work
/// happens.</summary>
public sealed partial class ClassificationEngine
{
    private const int PlaceInText = 1;
    private const int PlaceInName = 2;

    // Rule 1: a recipient based outside the region where the work happens is global, whatever else the data says.
    // Rule 2: a Level column or a 360Giving Location Scope code.
    // Rule 2b: a recipient on a list of international bodies (XM-DAC: UN agencies, the ICRC) is an international
    //         organisation: global.
    // Rule 3: work that is global or spans world regions is global; several countries of one region, regional.
    // Rule 4: one country of the recipient's region that is not its own: regional.
    // Rule 5: one country with a sub-national place (a constituent country such as England counts): local.
    // Rule 6: one whole country: national.
    // Rule 7: only the recipient's base is known: its name or the text decide local or national; a campaign aimed at
    //         the public or policy-makers with nothing local about it is national.
    // Rule 8: nothing but descriptive words (or a campaign: national); else unclassified ("no place known").
    private Dimension<GrantLevel> ClassifyLevel(
        GrantRecord grant,
        ReadOnlySpan<int> hits,
        ReadOnlySpan<float> factor,
        GrantPurpose purpose
    )
    {
        var evidence = new List<string>();
        var facts = LevelFactsOf(grant, hits, factor, purpose == GrantPurpose.Campaign, evidence);

        // A campaign of a recipient on a register of one constituent country (GB-SC Scotland, GB-NIC Northern
        // Ireland) speaks to that sub-national territory, not to the whole country.
        var campaign =
            purpose == GrantPurpose.Campaign
            && !(
                OrganisationIds.TryScheme(grant.RecipientOrgId, out var scheme) && scheme.SubnationalCoverage.Count == 1
            );
        return BasedOutsideRegion(facts, evidence)
            ?? ExplicitLevel(grant, evidence)
            ?? InternationalBody(facts, evidence)
            ?? AcrossCountries(facts, evidence)
            ?? InOneCountry(facts, evidence)
            ?? FromBaseOnly(facts, campaign, evidence)
            ?? FromHintsOnly(facts, campaign, evidence);
    }

    private Dimension<GrantLevel> Level(GrantLevel level, LevelFacts facts, string key, List<string> evidence) =>
        Decide(level, ClassificationSource.Rule, facts.FromText ? ConfidenceKeys.LevelFromText : key, 0.6, evidence);

    private Dimension<GrantLevel>? BasedOutsideRegion(LevelFacts f, List<string> evidence)
    {
        if (
            f.Base?.Region is not { } baseRegion
            || f.Work.RegionMask == 0
            || (f.Work.RegionMask & (1 << (int)baseRegion)) != 0
        )
        {
            return null;
        }

        evidence.Add($"recipient based in {f.BaseText}, work in {f.Work.Describe()} from {f.Source} → global");
        return Level(GrantLevel.Global, f, ConfidenceKeys.LevelBasedOutside, evidence);
    }

    private Dimension<GrantLevel>? ExplicitLevel(GrantRecord grant, List<string> evidence)
    {
        if (!string.IsNullOrWhiteSpace(grant.ExplicitLevel))
        {
            if (LevelNames.TryParse(grant.ExplicitLevel, out var given))
            {
                evidence.Add($"explicit level in the data: {grant.ExplicitLevel}");
                return Decide(given, ClassificationSource.Explicit, ConfidenceKeys.LevelExplicit, 0.95, evidence);
            }

            evidence.Add($"unknown explicit level: {grant.ExplicitLevel}");
        }

        if (string.IsNullOrWhiteSpace(grant.LocationScope))
        {
            return null;
        }

        var scope = grant.LocationScope.Trim().ToUpperInvariant();
        var fromScope = scope switch
        {
            "GLS010" => GrantLevel.Global,
            "GLS020" => GrantLevel.Regional,
            "GLS030" => GrantLevel.National,
            "GLS040" or "GLS050" or "GLS060" => GrantLevel.Local,
            _ => GrantLevel.Unclassified,
        };
        if (fromScope == GrantLevel.Unclassified)
        {
            evidence.Add(
                scope == "GLS099"
                    ? "Location Scope GLS099: no information"
                    : $"unknown Location Scope: " + $"{grant.LocationScope}"
            );
            return null;
        }

        evidence.Add($"360Giving Location Scope {scope} → {LevelNames.Name(fromScope)}");
        return Decide(fromScope, ClassificationSource.Explicit, ConfidenceKeys.LevelLocationScope, 0.95, evidence);
    }

    private Dimension<GrantLevel>? InternationalBody(LevelFacts f, List<string> evidence)
    {
        if (!f.International || f.Base is not null)
        {
            return null;
        }

        evidence.Add("the recipient is an international body (its identifier is on an international list) → global");
        return Decide(GrantLevel.Global, ClassificationSource.Rule, ConfidenceKeys.LevelInternational, 0.6, evidence);
    }

    private Dimension<GrantLevel>? AcrossCountries(LevelFacts f, List<string> evidence)
    {
        if (f.Work.Global || f.Work.RegionCount >= 2)
        {
            evidence.Add($"work is global or in several world regions: {f.Work.Describe()} from {f.Source} → global");
            return Level(GrantLevel.Global, f, ConfidenceKeys.LevelGlobal, evidence);
        }

        if (f.Work.Countries.Count >= 2 || f.Work.Areas.Count > 0)
        {
            evidence.Add(
                $"work across {f.Work.Describe()} from {f.Source}"
                    + $"{(f.Base is null ? ", recipient base unknown" : $", recipient based in {f.BaseText}")}"
                    + " → regional"
            );
            return Level(GrantLevel.Regional, f, ConfidenceKeys.LevelRegional, evidence);
        }

        return null;
    }

    private Dimension<GrantLevel>? InOneCountry(LevelFacts f, List<string> evidence)
    {
        if (f.Work.Countries.Count != 1)
        {
            return null;
        }

        var c = f.Work.Countries[0];
        if (f.Base is not null && f.Base != c)
        {
            evidence.Add(_lines.Neighbour[(f.BaseText, c.Alpha2, f.Source)]);
            return Level(GrantLevel.Regional, f, ConfidenceKeys.LevelRegionalNeighbour, evidence);
        }

        if (f.Work.CoversWholeUk)
        {
            evidence.Add(
                $"work in all the constituent countries of {c.Alpha2} ({string.Join(", ", f.Work.SubNational)}) "
                    + $"from {f.Source}: the whole country → national"
            );
            return Level(GrantLevel.National, f, ConfidenceKeys.LevelNational, evidence);
        }

        if (f.Work.SubNational.Count > 0)
        {
            evidence.Add(
                $"work in {c.Alpha2} at a sub-national place ({string.Join(", ", f.Work.SubNational)}) "
                    + $"from {f.Source} → local"
            );
            return Level(GrantLevel.Local, f, ConfidenceKeys.LevelLocal, evidence);
        }

        evidence.AddRange(f.Hints.Evidence);
        if (OwnCountryButAbroad(f, c, evidence) is { } abroad)
        {
            return abroad;
        }

        if (LocalWithinCountry(f, c, evidence) is { } local)
        {
            return local;
        }

        evidence.Add(_lines.OneCountry[(c.Alpha2, f.Source)]);
        return Level(GrantLevel.National, f, ConfidenceKeys.LevelNational, evidence);
    }

    /// <summary>
    /// The one beneficiary location is the recipient's own country, which says nothing about where the work happens
    /// (TAXONOMY.md), and the text, not the recipient's name, speaks of work abroad in a strong global term (weight
    /// 3 or more: "activists around the developing world", "worldwide"; "international" alone, 2, is not): global.
    /// </summary>
    private const double StrongGlobalHint = 3;

    private Dimension<GrantLevel>? OwnCountryButAbroad(LevelFacts f, Country c, List<string> evidence)
    {
        if (
            f.Base != c
            || f.FromText
            || f.Work.CountryWideStated
            || f.Hints.BestLevel != GrantLevel.Global
            || f.Hints.TextGlobal < StrongGlobalHint
            || f.Hints.Best <= f.Hints.RunnerUp
        )
        {
            return null;
        }

        evidence.Add(
            $"the beneficiary location is only the recipient's own country ({c.Alpha2}); the text speaks of work "
                + "abroad → global"
        );
        return Decide(GrantLevel.Global, ClassificationSource.Rule, ConfidenceKeys.LevelBaseGlobal, 0.5, evidence);
    }

    /// <summary>One whole country in the data, but an individual recipient or a local group named so.</summary>
    private Dimension<GrantLevel>? LocalWithinCountry(LevelFacts f, Country c, List<string> evidence)
    {
        if (f.Individual)
        {
            evidence.Add($"an individual recipient in {c.Alpha2}: individual defenders work where they live → local");
            return Decide(GrantLevel.Local, ClassificationSource.Rule, ConfidenceKeys.LevelIndividual, 0.6, evidence);
        }

        if (f.Work.CountryWideStated)
        {
            return null; // "UK Wide" in the data: neither the recipient's name nor a word makes the grant local
        }

        if (f.Hints.NamePlaces.Count > 0 && !NationalRecipient(f))
        {
            evidence.Add(
                $"work in {c.Alpha2}; the recipient's name names {string.Join(", ", f.Hints.NamePlaces)} → " + $"local"
            );
            return Decide(GrantLevel.Local, ClassificationSource.Rule, ConfidenceKeys.LevelBaseLocal, 0.6, evidence);
        }

        if (f.Hints.Local >= _rules.LevelMinimumScore && f.Hints.Local > f.Hints.National)
        {
            evidence.Add(
                $"work in {c.Alpha2}; the text describes a local group (local {Fmt(f.Hints.Local)} > "
                    + $"national {Fmt(f.Hints.National)}) → local"
            );
            return Decide(GrantLevel.Local, ClassificationSource.Rule, ConfidenceKeys.LevelBaseLocal, 0.6, evidence);
        }

        return null;
    }

    private Dimension<GrantLevel>? FromBaseOnly(LevelFacts f, bool campaign, List<string> evidence)
    {
        if (f.Base is null)
        {
            return null;
        }

        if (f.Individual)
        {
            evidence.Add($"an individual recipient in {f.BaseText}: individual defenders work where they live → local");
            return Decide(GrantLevel.Local, ClassificationSource.Rule, ConfidenceKeys.LevelIndividual, 0.6, evidence);
        }

        evidence.AddRange(f.Hints.Evidence);
        if (BaseNationalRecipient(f, evidence) is { } national)
        {
            return national;
        }

        if (f.Hints.NamePlaces.Count > 0)
        {
            evidence.Add(
                $"recipient based in {f.BaseText}; its name names {string.Join(", ", f.Hints.NamePlaces)} → " + $"local"
            );
            return Decide(GrantLevel.Local, ClassificationSource.Rule, ConfidenceKeys.LevelBaseLocal, 0.6, evidence);
        }

        var global = f.Hints.BestLevel == GrantLevel.Global ? f.Hints.Best : 0;
        if (global >= _rules.LevelMinimumScore && global > f.Hints.National && global > f.Hints.Local)
        {
            evidence.Add($"recipient based in {f.BaseText}; the text speaks of international work → global");
            return Decide(GrantLevel.Global, ClassificationSource.Rule, ConfidenceKeys.LevelBaseGlobal, 0.5, evidence);
        }

        if (f.Hints.National > f.Hints.Local && f.Hints.National >= _rules.LevelMinimumScore)
        {
            evidence.Add($"recipient based in {f.BaseText}; the text speaks of the whole country → national");
            return Decide(
                GrantLevel.National,
                ClassificationSource.Rule,
                ConfidenceKeys.LevelBaseNational,
                0.6,
                evidence
            );
        }

        if (f.Hints.Local >= _rules.LevelMinimumScore)
        {
            evidence.Add($"recipient based in {f.BaseText}; the text describes a local group → local");
            return Decide(GrantLevel.Local, ClassificationSource.Rule, ConfidenceKeys.LevelBaseLocal, 0.6, evidence);
        }

        return BaseOnlyDefault(f, campaign, evidence);
    }

    /// <summary>Only the recipient's base is known and nothing in the text decides: a campaign is national, else
    /// the rule set's <c>baseOnly</c> level.</summary>
    private Dimension<GrantLevel> BaseOnlyDefault(LevelFacts f, bool campaign, List<string> evidence)
    {
        if (campaign)
        {
            return CampaignNational(f, evidence);
        }

        var level = _rules.BaseOnlyLevel;
        evidence.Add(
            $"only the recipient's base is known ({f.BaseText}); nothing says where the work happens → "
                + $"{LevelNames.Name(level)}, the usual level of such grants"
        );
        return Decide(level, ClassificationSource.Rule, ConfidenceKeys.LevelBaseOnly, 0.4, evidence);
    }

    /// <summary>
    /// A campaign (TAXONOMY.md: public campaigns, lobbying of policy-makers, media work) with no place of work and no
    /// local group named: it speaks to a country's public and policy-makers, so national.
    /// </summary>
    private Dimension<GrantLevel> CampaignNational(LevelFacts f, List<string> evidence)
    {
        evidence.Add(
            (
                f.Base is null
                    ? "no place known"
                    : $"recipient based in {f.BaseText}; nothing says where the work happens"
            ) + "; the grant is a campaign aimed at the public or policy-makers → national"
        );
        return Decide(GrantLevel.National, ClassificationSource.Rule, ConfidenceKeys.LevelBaseCampaign, 0.5, evidence);
    }

    private Dimension<GrantLevel> FromHintsOnly(LevelFacts f, bool campaign, List<string> evidence)
    {
        evidence.AddRange(f.Hints.Evidence);
        if (
            f.Hints.BestLevel != GrantLevel.Unclassified
            && f.Hints.Best >= _rules.LevelMinimumScore
            && f.Hints.Best > f.Hints.RunnerUp
        )
        {
            evidence.Add(
                $"no place known; the text points to {LevelNames.Name(f.Hints.BestLevel)} "
                    + $"(score {Fmt(f.Hints.Best)}) → {LevelNames.Name(f.Hints.BestLevel)}"
            );
            return Decide(f.Hints.BestLevel, ClassificationSource.Rule, ConfidenceKeys.LevelTextHints, 0.5, evidence);
        }

        if (BaseNationalRecipient(f, evidence) is { } national)
        {
            return national; // "University of Birmingham" with no place at all: a national body of some country
        }

        if (campaign && f.Hints.Best == 0)
        {
            return CampaignNational(f, evidence);
        }

        return Unclassified(
            GrantLevel.Unclassified,
            "no place known: no beneficiary location, no recipient country or identifier, and no place in the text",
            evidence
        );
    }
}

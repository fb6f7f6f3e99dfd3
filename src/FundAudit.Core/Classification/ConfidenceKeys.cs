namespace FundAudit.Core.Classification;

/// <summary>
/// The ways the classifier decides, each with its own confidence in the rule set's <c>confidence</c> section: the
/// share of such answers that were right on the labelled real grants (the tuning part; see README "Classification").
/// </summary>
public static class ConfidenceKeys
{
    /// <summary>A recipient whose identifier is on an international list (XM-DAC, XM-OCHA): an international
    /// body.</summary>
    public const string LevelInternational = "level.international";

    /// <summary>A Level column in the data.</summary>
    public const string LevelExplicit = "level.explicit";

    /// <summary>A 360Giving Location Scope code.</summary>
    public const string LevelLocationScope = "level.locationScope";

    /// <summary>Rule 1: the recipient is based outside the region where the work happens.</summary>
    public const string LevelBasedOutside = "level.basedOutsideRegion";

    /// <summary>Rule 2: the work is global or spans world regions.</summary>
    public const string LevelGlobal = "level.global";

    /// <summary>Rule 3: several countries or an area of one region.</summary>
    public const string LevelRegional = "level.regional";

    /// <summary>Rule 3b: one country of the recipient's region, not its own.</summary>
    public const string LevelRegionalNeighbour = "level.regional.neighbour";

    /// <summary>Rule 4: a sub-national place in the data (a code or a known name).</summary>
    public const string LevelLocal = "level.local";

    /// <summary>Rule 5: one whole country in the data, no sub-national place.</summary>
    public const string LevelNational = "level.national";

    /// <summary>The places were read from the text, not from beneficiary locations.</summary>
    public const string LevelFromText = "level.fromText";

    /// <summary>Rule 6: only the recipient's base is known, and its name or the text names a place in it.</summary>
    public const string LevelBaseLocal = "level.base.local";

    /// <summary>Rule 6: only the recipient's base is known, and the text speaks of the whole country.</summary>
    public const string LevelBaseNational = "level.base.national";

    /// <summary>Rule 6: only the recipient's base country is known, nothing else: its ordinary level.</summary>
    public const string LevelBaseOnly = "level.base.only";

    /// <summary>Only the recipient's base is known (or one whole country), and its name says it is an organisation
    /// of the whole country (a university, a national charity): national.</summary>
    public const string LevelBaseRecipient = "level.base.recipient";

    /// <summary>Rule 7/8: no place of work known and the grant is a campaign: national.</summary>
    public const string LevelBaseCampaign = "level.base.campaign";

    /// <summary>Rule 7: only the recipient's base is known, and the text speaks of international work.</summary>
    public const string LevelBaseGlobal = "level.base.global";

    /// <summary>Rule 7: an individual recipient in a known country.</summary>
    public const string LevelIndividual = "level.individual";

    /// <summary>Rule 7: nothing but descriptive words ("community group", "nationwide").</summary>
    public const string LevelTextHints = "level.textHints";

    /// <summary>A Purpose column in the data.</summary>
    public const string PurposeExplicit = "purpose.explicit";

    /// <summary>A protection purpose with a score of at least twice the minimum.</summary>
    public const string PurposeStrong = "purpose.protection.strong";

    /// <summary>A protection purpose above the minimum but below twice it.</summary>
    public const string PurposeWeak = "purpose.protection.weak";

    /// <summary><c>other</c>: terms of ordinary work outweigh any protection words.</summary>
    public const string PurposeOtherTerms = "purpose.other.terms";

    /// <summary><c>other</c>: the grant describes its activity and names no protection purpose at all.</summary>
    public const string PurposeOtherNoProtection = "purpose.other.noProtection";

    /// <summary><c>other</c>: some protection words, too weak to decide.</summary>
    public const string PurposeOtherWeakProtection = "purpose.other.weakProtection";

    /// <summary>A flexible flag, or a funding type code, in the data.</summary>
    public const string FlexibleExplicit = "flexible.explicit";

    /// <summary>A funding type title read as core or as project support.</summary>
    public const string FlexibleFundingType = "flexible.fundingType";

    /// <summary>Core/unrestricted words in the text.</summary>
    public const string FlexibleTerms = "flexible.terms";

    /// <summary>No sign of core support: not flexible.</summary>
    public const string FlexibleNone = "flexible.none";

    /// <summary>Some core/unrestricted words, too weak to decide or taken back by an exception: not flexible.</summary>
    public const string FlexibleWeak = "flexible.weak";

    /// <summary>Every key a rule set may give a confidence for.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        LevelExplicit,
        LevelLocationScope,
        LevelBasedOutside,
        LevelGlobal,
        LevelRegional,
        LevelRegionalNeighbour,
        LevelLocal,
        LevelNational,
        LevelFromText,
        LevelBaseLocal,
        LevelBaseNational,
        LevelBaseOnly,
        LevelBaseRecipient,
        LevelBaseCampaign,
        LevelTextHints,
        LevelIndividual,
        LevelBaseGlobal,
        LevelInternational,
        PurposeExplicit,
        PurposeStrong,
        PurposeWeak,
        PurposeOtherTerms,
        PurposeOtherNoProtection,
        PurposeOtherWeakProtection,
        FlexibleExplicit,
        FlexibleFundingType,
        FlexibleTerms,
        FlexibleNone,
        FlexibleWeak,
    };
}

using System.Text;
using System.Text.Json;

namespace FundAudit.Core.Classification;

/// <summary>A term (word or phrase, folded when matched; a trailing <c>*</c> on a word matches any ending) and its
/// weight.</summary>
public sealed record WeightedTerm(string Term, double Weight);

/// <summary>One validation problem in a rule-set document.</summary>
/// <param name="Path">JSON-path-like location, e.g. <c>$.purpose.terms.emergency['rapid response']</c>.</param>
/// <param name="Message">What is wrong there, in words for the person who wrote the document.</param>
public sealed record RuleSetError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The outcome of <see cref="RuleSet.Parse"/>: a rule set when the document is valid, otherwise the
/// errors.</summary>
public sealed record RuleSetParseResult(RuleSet? RuleSet, IReadOnlyList<RuleSetError> Errors)
{
    public bool IsValid => RuleSet is not null && Errors.Count == 0;
}

/// <summary>
/// The versioned, funder-editable rules of the classifier: weighted terms per purpose (en/es/pt/fr), flexible-funding
/// terms, and level hint terms used where geography data is thin. The default is the embedded
/// Classification/default-rules.json; a funder can hold its own copy, validated by <see cref="Parse"/>.
/// </summary>
public sealed partial class RuleSet
{
    /// <summary>Weights must lie in (0, <see cref="MaxWeight"/>].</summary>
    public const double MaxWeight = 10.0;

    public const int MaxTermLength = 100;

    private const string ResourceName = "FundAudit.Core.Classification.default-rules.json";

    private static readonly Lazy<RuleSet> DefaultRuleSet = new(
        LoadDefault,
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    private RuleSet(
        string version,
        string? description,
        double purposeMinimumScore,
        double purposeMargin,
        double titleWeight,
        IReadOnlyDictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> purposeTerms,
        double flexibleMinimumScore,
        IReadOnlyList<WeightedTerm> flexibleTerms,
        double levelMinimumScore,
        IReadOnlyDictionary<GrantLevel, IReadOnlyList<WeightedTerm>> levelTerms,
        IReadOnlyList<WeightedTerm> clauseMarkers,
        RuleExtras extras
    )
    {
        Version = version;
        Description = description;
        PurposeMinimumScore = purposeMinimumScore;
        PurposeMargin = purposeMargin;
        TitleWeight = titleWeight;
        PurposeTerms = purposeTerms;
        FlexibleMinimumScore = flexibleMinimumScore;
        FlexibleTerms = flexibleTerms;
        LevelMinimumScore = levelMinimumScore;
        LevelTerms = levelTerms;
        ClauseMarkers = clauseMarkers;
        PurposeExceptions = extras.Exceptions;
        FlexibleExceptions = extras.FlexibleExceptions;
        OtherMinimumWords = extras.OtherMinimumWords;
        Confidences = extras.Confidences;
        BaseOnlyLevel = extras.BaseOnlyLevel;
        RecipientLevelTerms = extras.RecipientLevelTerms;
        SiteTerms = extras.SiteTerms;
    }

    /// <summary>
    /// Words of the text saying the grant pays for work at one site, the recipient's own (<c>level.siteTerms</c>:
    /// "laboratory", "refurbishment"): such work happens in one place, so the recipient's kind does not make it
    /// national.
    /// </summary>
    public IReadOnlyList<WeightedTerm> SiteTerms { get; }

    /// <summary>
    /// Terms read only in the recipient's name that say what kind of organisation it is, per level
    /// (<c>level.recipientTerms</c>: "university", "national" → an organisation of the whole country).
    /// </summary>
    public IReadOnlyDictionary<GrantLevel, IReadOnlyList<WeightedTerm>> RecipientLevelTerms { get; }

    /// <summary>
    /// The level given when only the recipient's base country is known and nothing says where the work happens: the
    /// level such grants most often have on the labelled real data (<c>level.baseOnly</c>).
    /// </summary>
    public GrantLevel BaseOnlyLevel { get; }

    /// <summary>The rule-set version stored beside every classification, e.g. "2026.11-1".</summary>
    public string Version { get; }

    public string? Description { get; }

    /// <summary>The lowest score a purpose needs to be chosen.</summary>
    public double PurposeMinimumScore { get; }

    /// <summary>How far the best purpose must be ahead: the runner-up may score at most (1 − margin) × best.</summary>
    public double PurposeMargin { get; }

    /// <summary>Multiplier for terms found in the title (programme title and description count once).</summary>
    public double TitleWeight { get; }

    public IReadOnlyDictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> PurposeTerms { get; }

    public double FlexibleMinimumScore { get; }

    public IReadOnlyList<WeightedTerm> FlexibleTerms { get; }

    /// <summary>
    /// Phrases that say a grant is not unrestricted ("a restricted grant … towards the core costs of the project"):
    /// each found phrase takes its weight off the flexible score (TAXONOMY.md: flexible is core, general or
    /// unrestricted support).
    /// </summary>
    public IReadOnlyList<WeightedTerm> FlexibleExceptions { get; }

    public double LevelMinimumScore { get; }

    public IReadOnlyDictionary<GrantLevel, IReadOnlyList<WeightedTerm>> LevelTerms { get; }

    /// <summary>
    /// Phrases that say how much the purpose terms after them count, until the next marker in the same field:
    /// "a smaller part of the budget covers …" (weight below 1) marks a secondary activity; "the main component
    /// is …" (weight 1) restores full weight. TAXONOMY.md classifies a grant by its primary purpose only.
    /// Folded text has no punctuation, so a marker reaches to the end of the field or the next marker.
    /// </summary>
    public IReadOnlyList<WeightedTerm> ClauseMarkers { get; }

    /// <summary>
    /// Phrases in which a purpose's term does not mean that purpose ("emergency medicine", "charitable trust",
    /// "advocacy service"): each found phrase takes its weight off that purpose's score.
    /// </summary>
    public IReadOnlyDictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> PurposeExceptions { get; }

    /// <summary>
    /// How many words of title and description a grant needs for <c>other</c> to be decided when no protection
    /// purpose wins; with fewer the grant stays unclassified ("no activity words").
    /// </summary>
    public int OtherMinimumWords { get; }

    /// <summary>
    /// The confidence of each way of deciding (see <see cref="ConfidenceKeys"/>): the share of answers that way that
    /// were right on the labelled real data (tuning part), written into the rule set by the evaluation.
    /// </summary>
    public IReadOnlyDictionary<string, double> Confidences { get; }

    /// <summary>The confidence of the decision path <paramref name="key"/>, or <paramref name="fallback"/>.</summary>
    public double Confidence(string key, double fallback) => Confidences.TryGetValue(key, out var c) ? c : fallback;

    /// <summary>The rule set shipped with FundAudit.</summary>
    public static RuleSet Default => DefaultRuleSet.Value;

    /// <summary>The shipped rule set as its JSON document (a starting point for a funder's own copy).</summary>
    public static string DefaultJson()
    {
        using var stream = typeof(RuleSet).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static RuleSet LoadDefault()
    {
        var result = Parse(DefaultJson());
        return result.IsValid
            ? result.RuleSet!
            : throw new InvalidDataException("the default rule set is invalid: " + string.Join("; ", result.Errors));
    }

    /// <summary>"emergency", "campaign", "collective", "prevention", "other" (English, Spanish, Portuguese and French
    /// names are accepted).</summary>
    public static bool TryParsePurpose(string? name, out GrantPurpose purpose)
    {
        purpose = TextFold.Key(name) switch
        {
            "emergency" or "emergencia" or "urgence" => GrantPurpose.Emergency,
            "campaign" or "campana" or "campanha" or "campagne" => GrantPurpose.Campaign,
            "collective" or "colectivo" or "coletivo" or "collectif" => GrantPurpose.Collective,
            "prevention" or "prevencion" or "prevencao" => GrantPurpose.Prevention,
            "other" or "otro" or "otra" or "outro" or "outra" or "autre" => GrantPurpose.Other,
            _ => GrantPurpose.Unclassified,
        };
        return purpose != GrantPurpose.Unclassified;
    }

    public static string PurposeName(GrantPurpose purpose) =>
        purpose switch
        {
            GrantPurpose.Emergency => "emergency",
            GrantPurpose.Campaign => "campaign",
            GrantPurpose.Collective => "collective",
            GrantPurpose.Prevention => "prevention",
            GrantPurpose.Other => "other",
            _ => "unclassified",
        };
}

/// <summary>What a rule set carries beside the purpose terms: exceptions, the words <c>other</c> needs,
/// confidences.</summary>
internal sealed record RuleExtras(
    IReadOnlyDictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> Exceptions,
    int OtherMinimumWords,
    IReadOnlyDictionary<string, double> Confidences,
    GrantLevel BaseOnlyLevel
)
{
    /// <summary>Terms of the recipient's name that say its kind, per level (<c>level.recipientTerms</c>).</summary>
    public IReadOnlyDictionary<GrantLevel, IReadOnlyList<WeightedTerm>> RecipientLevelTerms { get; init; } =
        new Dictionary<GrantLevel, IReadOnlyList<WeightedTerm>>();

    /// <summary>Phrases that take their weight off the flexible score (<c>flexible.exceptions</c>).</summary>
    public IReadOnlyList<WeightedTerm> FlexibleExceptions { get; init; } = [];

    /// <summary>Words of work at one site (<c>level.siteTerms</c>).</summary>
    public IReadOnlyList<WeightedTerm> SiteTerms { get; init; } = [];
}

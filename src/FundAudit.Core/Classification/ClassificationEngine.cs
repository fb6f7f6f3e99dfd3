using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

/// <summary>
/// Classifies grants by TAXONOMY.md: level, purpose and flexibility, each with its source, confidence and evidence.
/// Built once from a <see cref="RuleSet"/> (terms compiled into one trie with the country and region names);
/// immutable afterwards, so one instance can be shared by all threads.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit]
public sealed partial class ClassificationEngine
{
    private const int MaxMatchesPerField = 256;

    [ThreadStatic]
    private static float[]? _factors;

    // Country and area names that are also ordinary words or names of cities/people: not looked for in free text.
    private static readonly HashSet<string> AmbiguousTextPlaces = new(StringComparer.Ordinal)
    {
        "america",
        "guinea",
        "georgia",
        "jersey",
        "chad",
        "jordan",
        "turkey",
        "salvador",
        "granada",
        "maurice",
        "dominique",
        "guadalupe",
        "reunion",
        "man",
        "niger",
        "congo",
        "international",
        "internacional",
        "mundial",
        "mondial",
        "world",
        "mundo",
        "monde",
        "eu",
        "lac",
        "cee",
        "andes",
        "mekong",
        "hemisphere",
        "pacific",
        "pacifico",
        "pacifique",
        "mediterranean",
        "mediterraneo",
        "mediterranee",
        "mediterraneo",
        "great lakes",
        "grands lacs",
        "caucasus",
        "global",
        "worldwide",
        "multiregional",
        "multi regional",
        "nordeste",
        "prc",
        "opt",
        "car",
        "korea",
        "lao",
        "sahel",
    };

    private readonly TermMatcher _matcher = new();
    private readonly TermKind[] _kind;
    private readonly int[] _sub;
    private readonly double[] _weight;
    private readonly string[] _label;
    private readonly string[] _evidence; // "emergency +3 'urgent*'", formatted once
    private readonly string[] _titleEvidence; // the same with the title weight applied
    private readonly Place[] _places;
    private readonly SubPlace[] _subPlaces;
    private readonly SubPlace[][] _basePlaces;
    private readonly (SubPlace[] Readings, string Preposition, string Phrase)[] _contextPlaces;
    private readonly RuleSet _rules;
    private readonly EvidenceLines _lines;
    private readonly Kept<string, (bool? Verdict, string? Line)> _fundingTypes;

    // The "decision: …" evidence line of each (decision, confidence): a handful per rule set, written once.
    private readonly ConcurrentDictionary<(string Key, double Confidence), string> _decisionLines = new();

    public ClassificationEngine(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        _lines = new EvidenceLines(rules);
        _fundingTypes = new(FundingType, StringComparer.Ordinal);
        var table = new TermTable(_matcher);
        table.AddRuleTerms(rules);
        table.AddPlaceNames();
        _matcher.Build();
        _kind = [.. table.Kind];
        _sub = [.. table.Sub];
        _weight = [.. table.Weight];
        _label = [.. table.Label];
        _places = [.. table.PlaceTerms];
        _subPlaces = [.. table.SubPlaceTerms];
        _basePlaces = [.. table.BasePlaceTerms];
        _contextPlaces = [.. table.ContextPlaceTerms];
        _evidence = new string[_kind.Length];
        _titleEvidence = new string[_kind.Length];
        for (var i = 0; i < _kind.Length; i++)
        {
            var name = _kind[i] switch
            {
                TermKind.Purpose => RuleSet.PurposeName((GrantPurpose)_sub[i]),
                TermKind.LevelHint => LevelNames.Name((GrantLevel)_sub[i]),
                TermKind.RecipientKind => $"recipient's name: {LevelNames.Name((GrantLevel)_sub[i])} organisation",
                TermKind.Flexible => "flexible",
                TermKind.SiteWork => "work at one site",
                TermKind.ClauseMarker => "clause",
                TermKind.PurposeException => RuleSet.PurposeName((GrantPurpose)_sub[i]),
                TermKind.FlexibleException => "flexible",
                _ => "place",
            };
            _evidence[i] = $"{name} +{Fmt(_weight[i])} '{_label[i]}'";
            _titleEvidence[i] = $"{name} +{Fmt(_weight[i] * rules.TitleWeight)} '{_label[i]}' (title)";
        }
    }

    /// <summary>An engine over <see cref="RuleSet.Default"/>.</summary>
    public static ClassificationEngine Default { get; } = new(RuleSet.Default);

    public RuleSet Rules => _rules;

    private enum TermKind : byte
    {
        Purpose,
        Flexible,
        LevelHint,
        Place,
        SubPlace,
        ClauseMarker,
        PurposeException,

        /// <summary>A phrase saying the grant is not unrestricted: takes its weight off the flexible score.</summary>
        FlexibleException,

        /// <summary>A place name with readings in several countries ("Portsmouth"), read only in the country where
        /// the recipient is based.</summary>
        BasePlace,

        /// <summary>A country negated ("Non United States", "non-Kenyan"): matched only so that the country inside
        /// it is not read as a place.</summary>
        NotPlace,

        /// <summary>A title of a person ("Queen", "Professor", "St"): the place name right after it is a person's
        /// name ("Queen Mary", "Professor Karen Vogtmann", "St Mary"), not a place.</summary>
        PersonTitle,

        /// <summary>A place whose name is also an ordinary word, after a locative preposition ("in Goma"): read only
        /// where the text writes the name with a capital.</summary>
        ContextPlace,

        /// <summary>A term of the recipient's name that says what kind of organisation it is ("university"): read
        /// only in the name.</summary>
        RecipientKind,

        /// <summary>A name that stands for one country in a recipient's name only ("USAID"): read as a place there,
        /// never in the text.</summary>
        NameBase,

        /// <summary>Work at one site ("laboratory"), read in the text only.</summary>
        SiteWork,
    }

    private enum Field : byte
    {
        Title,
        Programme,
        Description,
        RecipientName,
    }

    /// <summary>Classifies one grant. Never throws for odd data (unknown countries, empty text): it says so in the
    /// evidence.</summary>
    public GrantClassification Classify(GrantRecord grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var termCount = _kind.Length;

        // One factor per term, zero for terms that did not fire. The thread's array is kept all zero between grants by
        // clearing only the entries of the terms that fired (every non-zero entry is one of them), not all 1,700.
        var factors = _factors is { } kept && kept.Length >= termCount ? kept : _factors = new float[termCount];
        var factor = factors.AsSpan(0, termCount);
        Span<int> fired = stackalloc int[MaxMatchesPerField * 2];
        var firedCount = 0;
        try
        {
            firedCount = Scan(TitleWithoutRecipient(grant), Field.Title, factor, fired, firedCount);
            firedCount = Scan(grant.ProgrammeTitle, Field.Programme, factor, fired, firedCount);
            firedCount = Scan(grant.Description, Field.Description, factor, fired, firedCount);
            firedCount = Scan(grant.RecipientOrgName, Field.RecipientName, factor, fired, firedCount);

            var hits = fired[..firedCount];
            var purpose = ClassifyPurpose(grant, hits, factor, ActivityWords(grant));
            var flexible = ClassifyFlexible(grant, hits);
            var level = ClassifyLevel(grant, hits, factor, purpose.Value);
            return new GrantClassification(level, purpose, flexible, _rules.Version);
        }
        finally
        {
            foreach (var id in fired[..firedCount])
            {
                factor[id] = 0;
            }
        }
    }

    /// <summary>
    /// The title without the recipient's name in it ("Grant to Ethnic Minorities Advocacy Group"): a name says who
    /// the recipient is, not what the grant is for, so its words never decide a purpose (TAXONOMY.md).
    /// </summary>
    private static string? TitleWithoutRecipient(GrantRecord grant) =>
        grant is { Title: { } title, RecipientOrgName: { Length: >= 4 } name }
        && title.Contains(name.Trim(), StringComparison.OrdinalIgnoreCase)
            ? title.Replace(name.Trim(), " ", StringComparison.OrdinalIgnoreCase)
            : grant.Title;

    private const float NameOnlyHint = 0.5f;

    /// <summary>A purpose term's weight factor (title, clause); a level hint in the recipient's name only is marked
    /// 0.5 (one in the text, 1, wins); every other term 1.</summary>
    private static float WeightFactor(TermKind kind, Field field, float purposeFactor) =>
        kind == TermKind.Purpose ? purposeFactor
        : kind == TermKind.LevelHint && field == Field.RecipientName ? NameOnlyHint
        : 1f;

    private int Scan(string? text, Field field, Span<float> factor, Span<int> fired, int firedCount)
    {
        if (string.IsNullOrEmpty(text))
        {
            return firedCount;
        }

        var max = TextFold.MaxFoldedLength(text.Length);
        char[]? rented = null;
        var buffer = max <= 2048 ? stackalloc char[max] : (rented = ArrayPool<char>.Shared.Rent(max));
        try
        {
            var n = TextFold.Fold(text, buffer);
            Span<int> ids = stackalloc int[MaxMatchesPerField];
            Span<int> spans = stackalloc int[MaxMatchesPerField * 2];
            var found = _matcher.Match(buffer[..n], ids, spans);
            DropPeoplesNames(ids[..found], spans);
            return Record(ids[..found], field, factor, fired, firedCount);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Terms not read in this field: a negated country anywhere; a recipient-kind term or a name that stands
    /// for a country ("USAID") outside the recipient's name; in the name, anything but level hints, recipient kinds
    /// and places.</summary>
    private static bool Skipped(TermKind kind, Field field, bool isPlace) =>
        kind is TermKind.NotPlace or TermKind.PersonTitle
        || ((kind is TermKind.RecipientKind or TermKind.NameBase) && field != Field.RecipientName)
        || (field == Field.RecipientName && kind is not (TermKind.LevelHint or TermKind.RecipientKind) && !isPlace);

    /// <summary>
    /// Notes the terms found in one field: where places were named, the strongest factor of every other term (the
    /// title's weight, a clause marker's re-weighting). Returns the new count of fired terms.
    /// </summary>
    private int Record(ReadOnlySpan<int> ids, Field field, Span<float> factor, Span<int> fired, int firedCount)
    {
        var f = field switch
        {
            Field.Title => (float)_rules.TitleWeight,
            _ => 1f,
        };
        var clause = 1f; // ids come in text order: a clause marker re-weights the purpose terms after it
        foreach (var id in ids)
        {
            var kind = _kind[id];
            var isPlace = IsPlaceKind(kind);
            if (Skipped(kind, field, isPlace))
            {
                continue; // an organisation's name says who it is and where, not what the grant is for
            }

            if (isPlace)
            {
                // For places the factor holds where they were named: in the text (1), the recipient's name (2).
                var where = field == Field.RecipientName ? PlaceInName : PlaceInText;
                if (factor[id] == 0)
                {
                    if (firedCount == fired.Length)
                    {
                        continue; // only fired terms are cleared after the grant
                    }

                    fired[firedCount++] = id;
                }

                factor[id] = (int)factor[id] | where;
                continue;
            }

            if (kind == TermKind.ClauseMarker)
            {
                clause = (float)_weight[id];
                continue;
            }

            var weightFactor = WeightFactor(kind, field, f * clause);
            if (factor[id] == 0)
            {
                if (firedCount < fired.Length)
                {
                    fired[firedCount++] = id;
                    factor[id] = weightFactor;
                }
            }
            else if (weightFactor > factor[id])
            {
                factor[id] = weightFactor;
            }
        }

        return firedCount;
    }

    private static string Fmt(double d) => FormattedNumbers.Get(d);

    /// <summary>A dimension's answer, its evidence ending with the decision path and its measured confidence.</summary>
    private Dimension<T> Decide<T>(
        T value,
        ClassificationSource source,
        string key,
        double fallback,
        List<string> evidence
    )
    {
        var confidence = _rules.Confidence(key, fallback);
        evidence.Add(
            _decisionLines.GetOrAdd((key, confidence), static k =>
                $"decision: {k.Key} (right {FormattedNumbers.Get(Math.Round(k.Confidence * 100))} % of the time on "
                + $"labelled real grants)"
            )
        );
        return new Dimension<T>(value, source, confidence, evidence);
    }

    /// <summary>An unclassified answer that says why (no place known, conflicting evidence, no activity
    /// words).</summary>
    private static Dimension<T> Unclassified<T>(T value, string why, List<string> evidence)
    {
        evidence.Add("unclassified: " + why);
        return new Dimension<T>(value, ClassificationSource.Rule, 0, evidence);
    }
}

/// <summary>
/// <c>"0.##"</c> texts of the numbers in evidence. Scores and weights are sums of a few rule weights, so the same
/// values
/// come back grant after grant, and formatting them cost more than the rest of the evidence text: each is formatted
/// once.
/// </summary>
internal static class FormattedNumbers
{
    private const int MaxKept = 4096;

    // Keyed by the bits, not the value: -0 and 0 are equal but format differently.
    private static readonly ConcurrentDictionary<long, string> Texts = new();

    public static string Get(double d)
    {
        var bits = BitConverter.DoubleToInt64Bits(d);
        if (Texts.TryGetValue(bits, out var text))
        {
            return text;
        }

        text = d.ToString("0.##", CultureInfo.InvariantCulture);
        if (Texts.Count < MaxKept)
        {
            Texts.TryAdd(bits, text);
        }

        return text;
    }
}

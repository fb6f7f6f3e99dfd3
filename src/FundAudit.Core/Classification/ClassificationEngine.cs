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
public sealed class ClassificationEngine
{
    private const int MaxMatchesPerField = 256;

    [ThreadStatic]
    private static float[]? _factors;

    // Country and area names that are also ordinary words or names of cities/people: not looked for in free text.
    private static readonly HashSet<string> AmbiguousTextPlaces = new(StringComparer.Ordinal)
    {
        "america", "guinea", "georgia", "jersey", "chad", "jordan", "turkey", "salvador", "granada", "maurice", "dominique",
        "guadalupe", "reunion", "man", "niger", "congo", "international", "internacional", "mundial", "mondial", "world",
        "mundo", "monde", "eu", "lac", "cee", "andes", "mekong", "hemisphere", "pacific", "pacifico", "pacifique",
        "mediterranean", "mediterraneo", "mediterranee", "mediterraneo", "great lakes", "grands lacs", "caucasus", "global",
        "worldwide", "multiregional", "multi regional", "nordeste", "prc", "opt", "car", "korea", "lao", "sahel",
    };

    private readonly TermMatcher _matcher = new();
    private readonly TermKind[] _kind;
    private readonly int[] _sub;
    private readonly double[] _weight;
    private readonly string[] _label;
    private readonly string[] _evidence;      // "emergency +3 'urgent*'", formatted once
    private readonly string[] _titleEvidence; // the same with the title weight applied
    private readonly Place[] _places;
    private readonly RuleSet _rules;

    public ClassificationEngine(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        var kind = new List<TermKind>();
        var sub = new List<int>();
        var weight = new List<double>();
        var label = new List<string>();
        var places = new List<Place>();

        void Add(string folded, TermKind k, int s, double w, string l)
        {
            _matcher.Add(folded, kind.Count);
            kind.Add(k);
            sub.Add(s);
            weight.Add(w);
            label.Add(l);
        }

        foreach (var (purpose, terms) in rules.PurposeTerms)
        {
            foreach (var t in terms)
            {
                Add(RuleSet.FoldTerm(t.Term), TermKind.Purpose, (int)purpose, t.Weight, t.Term);
            }
        }

        foreach (var t in rules.ClauseMarkers)
        {
            Add(RuleSet.FoldTerm(t.Term), TermKind.ClauseMarker, 0, t.Weight, t.Term);
        }

        foreach (var t in rules.FlexibleTerms)
        {
            Add(RuleSet.FoldTerm(t.Term), TermKind.Flexible, 0, t.Weight, t.Term);
        }

        foreach (var (level, terms) in rules.LevelTerms)
        {
            foreach (var t in terms)
            {
                Add(RuleSet.FoldTerm(t.Term), TermKind.LevelHint, (int)level, t.Weight, t.Term);
            }
        }

        var placePhrases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (phrase, country) in Countries.NamePhrases())
        {
            if (phrase.Length >= 4 && !AmbiguousTextPlaces.Contains(phrase) && placePhrases.Add(phrase))
            {
                places.Add(Places.ForCountry(country));
                Add(phrase, TermKind.Place, places.Count - 1, 0, phrase);
            }
        }

        foreach (var (phrase, place) in Places.AreaPhrases())
        {
            if (place.Kind == PlaceKind.Region && phrase.Length >= 4 && !AmbiguousTextPlaces.Contains(phrase) && placePhrases.Add(phrase))
            {
                places.Add(place);
                Add(phrase, TermKind.Place, places.Count - 1, 0, phrase);
            }
        }

        _matcher.Build();
        _kind = [.. kind];
        _sub = [.. sub];
        _weight = [.. weight];
        _label = [.. label];
        _places = [.. places];
        _evidence = new string[_kind.Length];
        _titleEvidence = new string[_kind.Length];
        for (var i = 0; i < _kind.Length; i++)
        {
            var name = _kind[i] switch
            {
                TermKind.Purpose => RuleSet.PurposeName((GrantPurpose)_sub[i]),
                TermKind.LevelHint => LevelNames.Name((GrantLevel)_sub[i]),
                TermKind.Flexible => "flexible",
                TermKind.ClauseMarker => "clause",
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
        ClauseMarker,
    }

    private enum Field : byte
    {
        Title,
        Programme,
        Description,
        RecipientName,
    }

    /// <summary>Classifies one grant. Never throws for odd data (unknown countries, empty text): it says so in the evidence.</summary>
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
            firedCount = Scan(grant.Title, Field.Title, factor, fired, firedCount);
            firedCount = Scan(grant.ProgrammeTitle, Field.Programme, factor, fired, firedCount);
            firedCount = Scan(grant.Description, Field.Description, factor, fired, firedCount);
            firedCount = Scan(grant.RecipientOrgName, Field.RecipientName, factor, fired, firedCount);

            var hits = fired[..firedCount];
            var purpose = ClassifyPurpose(grant, hits, factor);
            var flexible = ClassifyFlexible(grant, hits, factor);
            var level = ClassifyLevel(grant, hits, factor);
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
            var found = _matcher.Match(buffer[..n], ids);
            var f = field switch
            {
                Field.Title => (float)_rules.TitleWeight,
                _ => 1f,
            };
            var clause = 1f; // ids come in text order: a clause marker re-weights the purpose terms after it
            for (var i = 0; i < found; i++)
            {
                var id = ids[i];
                var kind = _kind[id];
                if (field == Field.RecipientName && kind != TermKind.LevelHint)
                {
                    continue; // an organisation's name says who it is, not what the grant is for
                }

                if (kind == TermKind.ClauseMarker)
                {
                    clause = (float)_weight[id];
                    continue;
                }

                var weightFactor = kind == TermKind.Purpose ? f * clause : 1f;
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
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static string Fmt(double d) => FormattedNumbers.Get(d);

    private static string Fmt2(double d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- purpose

    private Dimension<GrantPurpose> ClassifyPurpose(GrantRecord grant, ReadOnlySpan<int> hits, ReadOnlySpan<float> factor)
    {
        var evidence = new List<string>();
        if (!string.IsNullOrWhiteSpace(grant.ExplicitPurpose))
        {
            if (RuleSet.TryParsePurpose(grant.ExplicitPurpose, out var explicitPurpose))
            {
                evidence.Add($"explicit purpose in the data: {grant.ExplicitPurpose}");
                return new Dimension<GrantPurpose>(explicitPurpose, ClassificationSource.Explicit, 1.0, evidence);
            }

            evidence.Add($"unknown explicit purpose: {grant.ExplicitPurpose}");
        }

        Span<double> score = stackalloc double[5];
        score.Clear();
        foreach (var id in hits)
        {
            if (_kind[id] != TermKind.Purpose)
            {
                continue;
            }

            var w = _weight[id] * factor[id];
            score[_sub[id]] += w;
            evidence.Add(factor[id] == 1f ? _evidence[id]
                : factor[id] == (float)_rules.TitleWeight ? _titleEvidence[id]
                : $"{RuleSet.PurposeName((GrantPurpose)_sub[id])} +{Fmt(w)} '{_label[id]}' (secondary clause)");
        }

        int bestIndex = 0, secondIndex = 0; // 0 = none (score[0] stays 0)
        for (var p = 1; p < score.Length; p++)
        {
            if (score[p] > score[bestIndex])
            {
                secondIndex = bestIndex;
                bestIndex = p;
            }
            else if (score[p] > score[secondIndex])
            {
                secondIndex = p;
            }
        }

        var best = (GrantPurpose)bestIndex;
        var second = (GrantPurpose)secondIndex;
        var top = score[(int)best];
        var runnerUp = second == GrantPurpose.Unclassified ? 0 : score[(int)second];
        var totals = $"scores: emergency {Fmt(score[(int)GrantPurpose.Emergency])}, campaign {Fmt(score[(int)GrantPurpose.Campaign])}, collective {Fmt(score[(int)GrantPurpose.Collective])}, prevention {Fmt(score[(int)GrantPurpose.Prevention])}";
        if (best == GrantPurpose.Unclassified || top < _rules.PurposeMinimumScore)
        {
            evidence.Add($"no purpose reaches the minimum score {Fmt(_rules.PurposeMinimumScore)} ({totals}) → unclassified");
            return new Dimension<GrantPurpose>(GrantPurpose.Unclassified, ClassificationSource.Rule, 0, evidence);
        }

        if (runnerUp > top * (1 - _rules.PurposeMargin))
        {
            evidence.Add($"{RuleSet.PurposeName(best)} is not clearly ahead of {RuleSet.PurposeName(second)} (margin {Fmt(_rules.PurposeMargin)}; {totals}) → unclassified");
            return new Dimension<GrantPurpose>(GrantPurpose.Unclassified, ClassificationSource.Rule, 0, evidence);
        }

        // Confidence: half from how far ahead the winner is, half from how much evidence there is.
        var separation = (top - runnerUp) / top;
        var strength = Math.Min(1.0, top / 8.0);
        var confidence = Math.Round((0.5 * separation) + (0.5 * strength), 3);
        evidence.Add($"{RuleSet.PurposeName(best)} wins ({totals})");
        return new Dimension<GrantPurpose>(best, ClassificationSource.Rule, confidence, evidence);
    }

    // ---------------------------------------------------------------- flexibility

    private Dimension<bool> ClassifyFlexible(GrantRecord grant, ReadOnlySpan<int> hits, ReadOnlySpan<float> factor)
    {
        if (grant.ExplicitFlexible is { } explicitFlexible)
        {
            return new Dimension<bool>(explicitFlexible, ClassificationSource.Explicit, 1.0, [$"explicit flexible flag in the data: {(explicitFlexible ? "yes" : "no")}"]);
        }

        var evidence = new List<string>();
        bool? fromType = null;
        foreach (var type in grant.FundingTypes)
        {
            var key = TextFold.Phrase(type);
            if (key.Length == 0)
            {
                continue;
            }

            if (key is "b01" or "b" or "b02" or "b021" or "b022")
            {
                evidence.Add($"funding type {type}: IATI core support");
                fromType = true;
                continue;
            }

            if (FlexibleScore(key) >= _rules.FlexibleMinimumScore)
            {
                evidence.Add($"funding type '{type}' is core/unrestricted support");
                fromType = true;
                continue;
            }

            if (fromType is null && (key is "c01" or "d01" or "d02" || key.Contains("project", StringComparison.Ordinal) || key.Contains("proyecto", StringComparison.Ordinal)
                || key.Contains("projet", StringComparison.Ordinal) || key.Contains("projeto", StringComparison.Ordinal)
                || key.Split(' ').Contains("restricted") || key.Contains("capital", StringComparison.Ordinal)))
            {
                evidence.Add($"funding type '{type}' is restricted/project support");
                fromType = false;
            }
        }

        if (fromType is { } typed)
        {
            return new Dimension<bool>(typed, ClassificationSource.Explicit, 0.95, evidence);
        }

        double score = 0;
        foreach (var id in hits)
        {
            if (_kind[id] == TermKind.Flexible)
            {
                score += _weight[id];
                evidence.Add(_evidence[id]);
            }
        }

        if (score >= _rules.FlexibleMinimumScore)
        {
            evidence.Add($"flexible score {Fmt(score)} ≥ {Fmt(_rules.FlexibleMinimumScore)} → flexible");
            return new Dimension<bool>(true, ClassificationSource.Rule, Math.Min(0.95, 0.6 + (score / 10)), evidence);
        }

        evidence.Add(score > 0 ? $"flexible score {Fmt(score)} below {Fmt(_rules.FlexibleMinimumScore)} → not flexible" : "no core, general or unrestricted support signal → not flexible");
        return new Dimension<bool>(false, ClassificationSource.Rule, score > 0 ? 0.6 : 0.8, evidence);
    }

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

    // ---------------------------------------------------------------- level

    private sealed class Work
    {
        public readonly List<Country> Countries = [];
        public readonly List<string> Areas = [];
        public readonly List<string> SubNational = [];
        public int RegionMask;
        public bool Global;

        public bool Any => Countries.Count > 0 || Areas.Count > 0 || Global;

        public void AddCountry(Country c)
        {
            if (!Countries.Contains(c))
            {
                Countries.Add(c);
            }

            if (c.Region is { } r)
            {
                RegionMask |= 1 << (int)r;
            }
        }

        public void AddArea(Place p)
        {
            if (p.Kind == PlaceKind.Global)
            {
                Global = true;
                Areas.Add(p.Name);
                return;
            }

            if (!Areas.Contains(p.Name))
            {
                Areas.Add(p.Name);
            }

            foreach (var r in p.Regions)
            {
                RegionMask |= 1 << (int)r;
            }
        }

        public string Describe()
        {
            var parts = new List<string>();
            parts.AddRange(Countries.Select(c => c.Alpha2));
            parts.AddRange(Areas);
            return string.Join(", ", parts) + " (" + string.Join(", ", RegionsOf(RegionMask).Select(r => r.DisplayName())) + ")";
        }
    }

    private static IEnumerable<WorldRegion> RegionsOf(int mask) => WorldRegions.All.Where(r => (mask & (1 << (int)r)) != 0);

    private static int RegionCount(int mask) => System.Numerics.BitOperations.PopCount((uint)mask);

    private Dimension<GrantLevel> ClassifyLevel(GrantRecord grant, ReadOnlySpan<int> hits, ReadOnlySpan<float> factor)
    {
        var evidence = new List<string>();

        // where the recipient is based
        Country? baseCountry = null;
        if (!string.IsNullOrWhiteSpace(grant.RecipientOrgCountry))
        {
            if (!Countries.TryResolve(grant.RecipientOrgCountry, out baseCountry))
            {
                evidence.Add($"unknown country: {grant.RecipientOrgCountry}");
            }
        }

        if (baseCountry is null)
        {
            foreach (var code in grant.RecipientLocationCountryCodes)
            {
                if (Countries.TryResolve(code, out var c))
                {
                    baseCountry = c;
                    break;
                }

                evidence.Add($"unknown country: {code}");
            }
        }

        // where the work happens, from the data
        var work = new Work();
        foreach (var loc in grant.BeneficiaryLocations)
        {
            ReadLocation(loc, work, evidence);
        }

        var fromText = false;
        if (!work.Any)
        {
            foreach (var id in hits)
            {
                if (_kind[id] == TermKind.Place)
                {
                    var p = _places[_sub[id]];
                    if (p.Country is { } c)
                    {
                        work.AddCountry(c);
                    }
                    else
                    {
                        work.AddArea(p);
                    }
                }
            }

            fromText = work.Any;
        }

        var textFactor = fromText ? 0.75 : 1.0;
        var source = fromText ? "places named in the text" : "beneficiary locations";
        string BaseText() => baseCountry is null ? "" : $"{baseCountry.Alpha2} ({baseCountry.Region?.DisplayName() ?? "no region"})";

        // 1. based outside the region of the work → global, whatever else the data says
        if (baseCountry?.Region is { } baseRegion && work.RegionMask != 0 && (work.RegionMask & (1 << (int)baseRegion)) == 0)
        {
            evidence.Add($"recipient based in {BaseText()}, work in {work.Describe()} from {source} → global");
            return new Dimension<GrantLevel>(GrantLevel.Global, ClassificationSource.Rule, Math.Round(0.95 * textFactor, 3), evidence);
        }

        // 2. explicit level
        if (!string.IsNullOrWhiteSpace(grant.ExplicitLevel))
        {
            if (LevelNames.TryParse(grant.ExplicitLevel, out var explicitLevel))
            {
                evidence.Add($"explicit level in the data: {grant.ExplicitLevel}");
                return new Dimension<GrantLevel>(explicitLevel, ClassificationSource.Explicit, 0.95, evidence);
            }

            evidence.Add($"unknown explicit level: {grant.ExplicitLevel}");
        }

        if (!string.IsNullOrWhiteSpace(grant.LocationScope))
        {
            var scope = grant.LocationScope.Trim().ToUpperInvariant();
            var fromScope = scope switch
            {
                "GLS010" => GrantLevel.Global,
                "GLS020" => GrantLevel.Regional,
                "GLS030" => GrantLevel.National,
                "GLS040" or "GLS050" or "GLS060" => GrantLevel.Local,
                _ => GrantLevel.Unclassified,
            };
            if (fromScope != GrantLevel.Unclassified)
            {
                evidence.Add($"360Giving Location Scope {scope} → {LevelNames.Name(fromScope)}");
                return new Dimension<GrantLevel>(fromScope, ClassificationSource.Explicit, 0.95, evidence);
            }

            evidence.Add(scope == "GLS099" ? "Location Scope GLS099: no information" : $"unknown Location Scope: {grant.LocationScope}");
        }

        // text hints, used where the data is thin
        Span<double> hint = stackalloc double[5];
        hint.Clear();
        var hintEvidence = new List<string>();
        foreach (var id in hits)
        {
            if (_kind[id] == TermKind.LevelHint)
            {
                hint[_sub[id]] += _weight[id];
                hintEvidence.Add(_evidence[id]);
            }
        }

        // 3. inference from geography
        if (work.Global)
        {
            evidence.Add($"work is global ({string.Join(", ", work.Areas)}) from {source} → global");
            return new Dimension<GrantLevel>(GrantLevel.Global, ClassificationSource.Rule, Math.Round(0.9 * textFactor, 3), evidence);
        }

        if (RegionCount(work.RegionMask) >= 2)
        {
            evidence.Add($"work in several world regions: {work.Describe()} from {source} → global");
            return new Dimension<GrantLevel>(GrantLevel.Global, ClassificationSource.Rule, Math.Round(0.9 * textFactor, 3), evidence);
        }

        if (work.Countries.Count >= 2 || work.Areas.Count > 0)
        {
            var conf = baseCountry is null ? 0.75 : 0.9;
            evidence.Add($"work across {work.Describe()} from {source}{(baseCountry is null ? ", recipient base unknown" : $", recipient based in {BaseText()}")} → regional");
            return new Dimension<GrantLevel>(GrantLevel.Regional, ClassificationSource.Rule, Math.Round(conf * textFactor, 3), evidence);
        }

        if (work.Countries.Count == 1)
        {
            var c = work.Countries[0];
            if (baseCountry is not null && baseCountry != c)
            {
                evidence.Add($"recipient based in {BaseText()}, work in {c.Alpha2} of the same region from {source} → regional");
                return new Dimension<GrantLevel>(GrantLevel.Regional, ClassificationSource.Rule, Math.Round(0.6 * textFactor, 3), evidence);
            }

            if (work.SubNational.Count > 0)
            {
                evidence.Add($"work in one country ({c.Alpha2}) at a sub-national place ({string.Join(", ", work.SubNational)}) → local");
                return new Dimension<GrantLevel>(GrantLevel.Local, ClassificationSource.Rule, 0.9, evidence);
            }

            var local = hint[(int)GrantLevel.Local];
            var national = hint[(int)GrantLevel.National];
            if (local >= _rules.LevelMinimumScore && local > national)
            {
                evidence.AddRange(hintEvidence);
                evidence.Add($"work in one country ({c.Alpha2}) from {source}; the text describes a local group (local {Fmt(local)} > national {Fmt(national)}) → local");
                return new Dimension<GrantLevel>(GrantLevel.Local, ClassificationSource.Rule, Math.Round(0.6 * textFactor, 3), evidence);
            }

            evidence.AddRange(hintEvidence);
            evidence.Add($"work in one country ({c.Alpha2}) from {source}, no sub-national place → national");
            var nConf = (national > 0 ? 0.85 : 0.8) - (local > 0 ? 0.1 : 0);
            return new Dimension<GrantLevel>(GrantLevel.National, ClassificationSource.Rule, Math.Round(nConf * textFactor, 3), evidence);
        }

        // 4. nothing but the text
        evidence.AddRange(hintEvidence);
        var bestHint = GrantLevel.Unclassified;
        double bestScore = 0, runnerUp = 0;
        for (var l = 1; l < hint.Length; l++)
        {
            if (hint[l] > bestScore)
            {
                runnerUp = bestScore;
                bestScore = hint[l];
                bestHint = (GrantLevel)l;
            }
            else if (hint[l] > runnerUp)
            {
                runnerUp = hint[l];
            }
        }

        if (bestHint != GrantLevel.Unclassified && bestScore >= _rules.LevelMinimumScore && bestScore > runnerUp)
        {
            evidence.Add($"no beneficiary location; the text points to {LevelNames.Name(bestHint)} (score {Fmt(bestScore)}){(baseCountry is null ? "" : $", recipient based in {BaseText()}")} → {LevelNames.Name(bestHint)}");
            return new Dimension<GrantLevel>(bestHint, ClassificationSource.Rule, 0.5, evidence);
        }

        evidence.Add(baseCountry is null
            ? "no beneficiary location, no recipient country and no decisive text → unclassified"
            : $"only the recipient's country is known ({BaseText()}); nothing says where the work happens → unclassified");
        return new Dimension<GrantLevel>(GrantLevel.Unclassified, ClassificationSource.Rule, 0, evidence);
    }

    private static readonly HashSet<string> CountryGeoCodeTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "CTRY", "COUNTRY", "ISO3166-1", "ISO 3166-1", "ISO3166", "ISO-3166-1",
    };

    private static void ReadLocation(BeneficiaryLocation loc, Work work, List<string> evidence)
    {
        Country? country = null;
        var subNational = false;
        if (!string.IsNullOrWhiteSpace(loc.CountryCode))
        {
            if (!Countries.TryResolve(loc.CountryCode, out country))
            {
                evidence.Add($"unknown country: {loc.CountryCode}");
            }
        }

        if (!string.IsNullOrWhiteSpace(loc.Name))
        {
            if (Places.TryResolve(loc.Name, out var place))
            {
                if (place.Country is { } named)
                {
                    if (country is not null && country != named)
                    {
                        work.AddCountry(named);
                    }

                    country ??= named;
                }
                else
                {
                    work.AddArea(place);
                }
            }
            else
            {
                // "Toribío, Cauca", "Anapu, Pará", "Intibucá": a country in the name counts; anything else is below country level.
                // A name without a comma is its only part, which was just looked up (trimming does not change the lookup).
                var unresolved = !loc.Name.Contains(',', StringComparison.Ordinal);
                foreach (var part in unresolved ? [] : loc.Name.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (Places.TryResolve(part, out var p) && p.Country is { } c)
                    {
                        country ??= c;
                    }
                    else
                    {
                        unresolved = true;
                    }
                }

                if (unresolved && country is not null)
                {
                    subNational = true;
                    work.SubNational.Add(loc.Name.Trim());
                }
                else if (unresolved)
                {
                    evidence.Add($"unknown place: {loc.Name}");
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(loc.GeoCode))
        {
            var code = loc.GeoCode.Trim();
            var type = loc.GeoCodeType?.Trim();
            if (code.Length > 3 && code[2] == '-' && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1])
                && Countries.TryResolve(code[..2], out var iso2Country))
            {
                country ??= iso2Country; // ISO 3166-2 subdivision code such as CO-NSA
                if (!subNational)
                {
                    subNational = true;
                    work.SubNational.Add(code);
                }
            }
            else if (!string.IsNullOrEmpty(type) && !CountryGeoCodeTypes.Contains(type) && !IsUkCountryCode(code) && country is not null && !subNational)
            {
                subNational = true;
                work.SubNational.Add($"{code} ({type})");
            }
        }

        if (country is not null)
        {
            work.AddCountry(country);
        }
    }

    // ONS codes for the UK and its nations (K02000001, E92000001 …) are country level, not sub-national.
    private static bool IsUkCountryCode(string code) =>
        code.Length == 9 && (code.StartsWith("K0", StringComparison.Ordinal) || code.AsSpan(1, 2).SequenceEqual("92"));
}

/// <summary>
/// <c>"0.##"</c> texts of the numbers in evidence. Scores and weights are sums of a few rule weights, so the same values
/// come back grant after grant, and formatting them cost more than the rest of the evidence text: each is formatted once.
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

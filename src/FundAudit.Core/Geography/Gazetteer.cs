using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using FundAudit.Core.Classification;

namespace FundAudit.Core.Geography;

/// <summary>
/// Places inside countries: ISO 3166-2 subdivisions in many languages, UK ONS codes, the free-text scopes and UK
/// regions real 360Giving files use, and GeoNames cities and towns (Geography/Data, see tools/geo/README.md).
/// Multi-country areas ("Global", "Sub-Sahara Africa", "Latin America") stay with <see cref="Places"/>.
/// </summary>
/// <remarks>
/// A name resolves only when it is unambiguous: "Georgia" (the country or the US state), "Victoria" or
/// "Santa Cruz" (towns and provinces in several countries) resolve only with a country to settle them, and
/// <see cref="Candidates"/> lists their readings for a review reason. A country named outright wins over towns of
/// the same name inside it ("Guatemala", "México"). The hand-written scopes (Data/scopes.tsv: "UK Wide",
/// "London", "South West") win over towns of the same name abroad. The tables load on first use, once, thread-safe.
/// </remarks>
public static partial class Gazetteer
{
    /// <summary>Places of at least this population are looked for in free text (<see cref="TextPhrases"/>).</summary>
    public const int TextPhraseMinPopulation = 100_000;

    private enum Source : byte
    {
        Scope,
        Subdivision,
        Place,
    }

    private readonly record struct Reading(SubPlace Place, Source Source, bool CompoundOnly);

    private sealed record Index(
        FrozenDictionary<string, Reading[]> ByKey,
        FrozenDictionary<string, SubPlace> ByIsoCode,
        FrozenSet<string> OrdinaryWords,
        (string Name, Reading Reading, bool TextSafe)[] PhraseCandidates);

    private static readonly Lazy<Index> Data = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<(string, SubPlace)[]> Phrases =
        new(BuildPhrases, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads every table now (otherwise the first call does): for start-up, tests and timing.</summary>
    public static int Warm() => Data.Value.ByKey.Count;

    /// <summary>
    /// Resolves a geography code: an ISO 3166-2 code ("KE-21", "GB-LBH"), an ONS code ("E09000022" → Lambeth, a
    /// District of GB; "K02000001" → CountryWide GB; "E92000001" → ConstituentCountry England;
    /// "E12000009" → Region South West) or, when <paramref name="codeType"/> is null or a country type ("CTRY",
    /// "ISO3166-1"), an ISO 3166-1 code ("KE" → CountryWide Kenya). <paramref name="codeType"/> is 360Giving's
    /// geoCodeType and may be null; text that is not a code (funders put names in geoCode) resolves to nothing.
    /// </summary>
    public static bool TryResolveCode(string? code, string? codeType, [NotNullWhen(true)] out SubPlace? place)
    {
        place = null;
        if (string.IsNullOrWhiteSpace(code))
        {
            return false;
        }

        var text = code.Trim();
        if (OnsCodes.TryParse(text, out var ons) && Countries.TryResolve("GB", out var gb))
        {
            var kind = OnsCodes.KindOf(ons);
            place = new SubPlace(ons.Name ?? ons.Code, gb, kind, ons.Code)
            {
                Parent = ons.Scope == OnsScope.SubNational ? ons.ConstituentIsoCode : null,
            };
            return true;
        }

        if (IsoCodeShape().IsMatch(text))
        {
            return Data.Value.ByIsoCode.TryGetValue(text.ToUpperInvariant(), out place);
        }

        var type = codeType?.Trim().ToUpperInvariant();
        if (text.Length is 2 or 3 && text.All(char.IsAsciiLetter)
            && type is null or "" or "CTRY" or "COUNTRY" or "ISO3166-1" or "ISO 3166-1" or "ISO3166"
            && Countries.TryResolve(text, out var country))
        {
            place = Whole(country);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Resolves a place name as grant data writes it, when it is unambiguous given the optional country
    /// (alpha-2, alpha-3 or a name): "UK Wide", "National (UK)" → CountryWide GB; "England - Wide" →
    /// ConstituentCountry England; "London" → Region London; "South West - Dorset" → District Dorset; "Lambeth" →
    /// District; "Ipswich 007H" (an LSOA) → Locality in GB; "Abingdon, Oxfordshire, OX14" → Locality Abingdon;
    /// "Greater Manchester, Cheshire, Merseyside" → Region (a list in one country); "Tanzania" → CountryWide TZ.
    /// "Georgia", "Victoria", "Santa Cruz" without a country, and names the country contradicts, resolve to nothing.
    /// </summary>
    public static bool TryResolveName(string? name, string? countryAlpha2, [NotNullWhen(true)] out SubPlace? place)
    {
        place = null;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        var hint = HintOf(countryAlpha2);
        var cacheKey = (name, hint);
        if (!Resolved.TryGetValue(cacheKey, out place))
        {
            place = Resolve(name, hint, 0);
            if (Resolved.Count < ResolvedCapacity)
            {
                Resolved.TryAdd(cacheKey, place);
            }
        }

        return place is not null;
    }

    // Grant files repeat their place names ("UK Wide" hundreds of times): answers are kept, up to a bound.
    private const int ResolvedCapacity = 50_000;
    private static readonly ConcurrentDictionary<(string Name, string? Hint), SubPlace?> Resolved = new();

    /// <summary>
    /// Every reading of a name, in every country (for review reasons: "Victoria: AU-VIC, Victoria (CA), …"); the
    /// resolved place for a pattern ("South West - Dorset"); empty when the name is unknown.
    /// </summary>
    public static IReadOnlyList<SubPlace> Candidates(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return [];
        }

        var key = TextFold.Key(name);
        var list = new List<SubPlace>();
        if (NamedCountry(name.Trim(), key) is { } country)
        {
            list.Add(Whole(country));
        }

        if (Data.Value.ByKey.TryGetValue(key, out var readings))
        {
            list.AddRange(readings.Select(r => r.Place));
        }

        if (list.Count == 0 && TryResolveName(name, null, out var place))
        {
            list.Add(place);
        }

        return list;
    }

    /// <summary>
    /// Folded phrases (<see cref="TextFold.Phrase"/>) safe to look for in free text, with their place: the
    /// hand-written scopes marked safe ("uk wide", "east midlands", "greater manchester"), ISO 3166-2 subdivisions
    /// and places of at least <see cref="TextPhraseMinPopulation"/> people whose names name one country only, are
    /// no ordinary English, Spanish, French or Portuguese word, no country or multi-country area name and no bare
    /// direction ("central", "north"), and have at least four letters.
    /// </summary>
    public static IEnumerable<(string Phrase, SubPlace Place)> TextPhrases() => Phrases.Value;

    /// <summary>
    /// True when the name has readings in two or more countries ("Georgia", "Victoria", "Santa Cruz", "Córdoba",
    /// "Birmingham"): it resolves only with a country and should never be guessed.
    /// </summary>
    public static bool IsAmbiguous(string? name) =>
        Candidates(name).Select(p => p.Country).Distinct().Skip(1).Any();

    /// <summary>
    /// True when the name of a place or subdivision is also an ordinary English, Spanish, French or Portuguese word
    /// ("Reading", "Bath", "Nice", "Mobile"): free-text search should not take the word for the place.
    /// </summary>
    public static bool IsOrdinaryWord(string? name) =>
        !string.IsNullOrWhiteSpace(name) && Data.Value.OrdinaryWords.Contains(TextFold.Phrase(name));

    private static string? HintOf(string? country) =>
        string.IsNullOrWhiteSpace(country) ? null : Countries.TryResolve(country, out var c) ? c.Alpha2 : null;

    private static SubPlace Whole(Country country) => new(country.Name, country, SubPlaceKind.CountryWide, null);

    // A country named outright: any name or alias, or a code written in capitals ("UK", "USA"), never "Che".
    private static Country? NamedCountry(string text, string key)
    {
        if (key.Length == 0)
        {
            return null;
        }

        if (text.Length <= 3 && !text.All(char.IsAsciiLetterUpper))
        {
            return null;
        }

        return Countries.TryResolve(text, out var c) ? c : null;
    }

    private static SubPlace? Resolve(string? name, string? hint, int depth)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var text = name.Trim().TrimEnd('.', ',', ';', ':').Trim();
        var key = TextFold.Key(text);
        if (key.Length == 0)
        {
            return null;
        }

        if (depth <= 3 && CompoundDash().IsMatch(text) && Patterns(text, hint, depth + 1) is { } compound)
        {
            return compound; // "East - Suffolk" is East of England's Suffolk, not the district East Suffolk
        }

        var found = Lookup(text, key, hint, compound: false, out var known);
        if (found is not null || known || depth > 3)
        {
            return found; // a known name with several readings is never re-read through a pattern
        }

        return Patterns(text, hint, depth + 1);
    }

    private static SubPlace? Lookup(string text, string key, string? hint, bool compound, out bool known)
    {
        var named = NamedCountry(text, key);
        Data.Value.ByKey.TryGetValue(key, out var all);
        var usable = (all ?? []).Where(r => (compound || !r.CompoundOnly) && !SameEntity(r, named)).ToArray();
        known = named is not null || usable.Length > 0;
        if (hint is not null)
        {
            var inHint = usable.Where(r => r.Place.Country.Alpha2 == hint).ToArray();
            if (inHint.FirstOrDefault(r => r.Source == Source.Scope) is { Place: { } scoped })
            {
                return scoped;
            }

            if (named is not null && named.Alpha2 == hint)
            {
                return Whole(named); // a country named outright beats towns of its name inside it
            }

            if (inHint.Length > 0)
            {
                return Best(inHint);
            }

            // A country named outright is not contradicted by the hint ("Tanzania" in a UK funder's file), unless
            // the name also names a subdivision elsewhere ("Georgia" in a UK file: the country or the US state?).
            return named is not null && !HasRivalSubdivision(usable, named) ? Whole(named) : null;
        }

        if (usable.FirstOrDefault(r => r.Source == Source.Scope) is { Place: { } scope })
        {
            return scope;
        }

        if (named is not null)
        {
            // "Mexico" is the country, not the town in the Philippines; "Georgia" may be the US state
            return HasRivalSubdivision(usable, named) ? null : Whole(named);
        }

        if (usable.Length == 0 || usable.Any(r => r.Place.Country != usable[0].Place.Country))
        {
            return null;
        }

        return Best(usable);
    }

    private static bool HasRivalSubdivision(Reading[] readings, Country named) =>
        readings.Any(r => r.Place.Country != named && r.Source != Source.Place);

    // CN-HK is Hong Kong, FR-GP is Guadeloupe: the subdivision is the country named, not a rival reading.
    private static bool SameEntity(Reading r, Country? named) =>
        named is not null && r.Source == Source.Subdivision && r.Place.Code is { Length: > 3 } code
        && code.AsSpan(3).Equals(named.Alpha2, StringComparison.Ordinal);

    // Readings of one country: hand-written first, then ISO, then towns; the broadest; the most populous.
    private static SubPlace Best(Reading[] readings) => readings
        .OrderBy(r => r.Source).ThenBy(r => r.Place.Kind).ThenByDescending(r => r.Place.Population ?? 0)
        .First().Place;

    private static SubPlace? Patterns(string text, string? hint, int depth)
    {
        if (Places.TryResolve(text, out var multi) && multi.Kind != PlaceKind.Country)
        {
            return null; // "Central America", "Sub-Sahara Africa", "Global": several countries, for Places
        }

        // Cheap tests first: most names reach no pattern, and regular expressions cost microseconds each.
        var hasDigit = text.AsSpan().IndexOfAnyInRange('0', '9') >= 0;
        var lastWord = LastWord(text);

        // "England - Wide", "UK-wide", "Scotland Whole", "National (UK)", "Whole of Wales"
        if (WideEndings.Any(e => text.EndsWith(e, StringComparison.OrdinalIgnoreCase))
            && WideSuffix().Match(text) is { Success: true } wide)
        {
            return Resolve(wide.Groups["x"].Value, hint, depth);
        }

        if (WideStarts.Any(e => text.StartsWith(e, StringComparison.OrdinalIgnoreCase))
            && WidePrefix().Match(text) is { Success: true } widePrefix)
        {
            return Resolve(widePrefix.Groups["x"].Value, hint, depth);
        }

        // "South West - Dorset", "North East - Yorkshire and Humberside", "East - Suffolk"
        var dash = CompoundDash().Split(text);
        if (dash.Length >= 2)
        {
            var leftKey = TextFold.Key(dash[0]);
            var left = leftKey.Length == 0 ? null : Lookup(dash[0].Trim(), leftKey, hint, compound: true, out _)
                ?? Resolve(dash[0], hint, depth);
            var right = Resolve(string.Join(" - ", dash[1..]), left?.Country.Alpha2 ?? hint, depth);
            return right ?? left;
        }

        // ONS small areas: "Ipswich 007H" (LSOA), "Mendip 004" (MSOA)
        if (hasDigit && hint is null or "GB" && SmallArea().Match(text) is { Success: true } area
            && Countries.TryResolve("GB", out var gb))
        {
            var district = Resolve(area.Groups["x"].Value, "GB", depth);
            if (district is not null && district.Country == gb)
            {
                return new SubPlace(text, gb, SubPlaceKind.Locality, null)
                {
                    Parent = district.Kind == SubPlaceKind.ConstituentCountry ? district.Code : district.Parent,
                };
            }

            return area.Groups["l"].Success ? new SubPlace(text, gb, SubPlaceKind.Locality, null) : null;
        }

        // UK postcodes: "OX4 4SJ"; an outward code alone ("OX14") only when the country is known to be GB
        if (hasDigit
            && (hint is null or "GB" && FullPostcode().IsMatch(text) || hint == "GB" && OutwardCode().IsMatch(text))
            && Countries.TryResolve("GB", out var uk))
        {
            return new SubPlace(text.ToUpperInvariant(), uk, SubPlaceKind.Locality, null);
        }

        // "Inverurie and District", "Bicester and surrounding villages", "Oxford City", "City of Bristol"
        if ((NoiseLastWords.Contains(lastWord) || text.Contains("surrounding", StringComparison.OrdinalIgnoreCase)
                || text.Contains("nearby", StringComparison.OrdinalIgnoreCase)
                || text.Contains("neighbouring", StringComparison.OrdinalIgnoreCase))
            && NoiseSuffix().Match(text) is { Success: true } noise)
        {
            return Resolve(noise.Groups["x"].Value, hint, depth);
        }

        if (NoisePrefix().Match(text) is { Success: true } noisePrefix)
        {
            return Resolve(noisePrefix.Groups["x"].Value, hint, depth);
        }

        // "Witney Town OX18", "Abingdon OX14 3HL": the place before a UK postcode
        if (hasDigit && hint is null or "GB" && TrailingPostcode().Match(text) is { Success: true } before)
        {
            return Resolve(before.Groups["x"].Value, "GB", depth);
        }

        // "East Oxford", "Northern Kenya": a part of a place
        if (DirectionPrefix().Match(text) is { Success: true } part
            && Resolve(part.Groups["x"].Value, hint, depth) is { } whole)
        {
            var kind = whole.Kind is SubPlaceKind.CountryWide or SubPlaceKind.ConstituentCountry
                ? SubPlaceKind.Region
                : whole.Kind;
            return new SubPlace(text, whole.Country, kind, null)
            {
                Parent = whole.Kind == SubPlaceKind.ConstituentCountry ? whole.Code : whole.Parent,
            };
        }

        var parts = ListSeparator().Split(text)
            .Where(p => p.Trim().Length > 0 && !NoisePart().IsMatch(p.Trim())).ToArray();
        if (parts.Length >= 2 && ResolveList(text, parts, hint, depth) is { } list)
        {
            return list;
        }

        // "Central Oxford, OX1 3DH", "OX7 5DZ Squadron HQ": a full UK postcode anywhere places the text in GB
        if (hasDigit && hint is null or "GB" && PostcodeInside().IsMatch(text)
            && Countries.TryResolve("GB", out var inUk))
        {
            return new SubPlace(text, inUk, SubPlaceKind.Locality, null);
        }

        return null;
    }

    // A list: "Abingdon, Oxfordshire, OX14" (an address: its first, narrowest part) or "Greater Manchester,
    // Cheshire, Merseyside" (places of one country: a Region, or CountryWide when one part is). Every part must
    // resolve, all in one country.
    private static SubPlace? ResolveList(string text, string[] parts, string? hint, int depth)
    {
        var places = parts.Select(p => Resolve(p, hint, depth)).ToArray();
        var countries = places.OfType<SubPlace>().Select(p => p.Country).Distinct().ToArray();
        if (hint is null && countries.Length == 1 && places.Any(p => p is null))
        {
            var second = countries[0].Alpha2;
            places = [.. places.Select((p, i) => p ?? Resolve(parts[i], second, depth))];
        }

        if (places.Length >= 2 && places[0] is null && places.Skip(1).All(p => p is not null)
            && places.Skip(1).Select(p => p!.Country).Distinct().Count() == 1 && LooksLikePlaceName(parts[0])
            && !IsKnownName(parts[0]) && !Places.TryResolve(parts[0], out _))
        {
            // "Berinsfield, Oxfordshire", "Wolvercote, Oxford": a place too small to know, inside a known one
            var within = places.Skip(1).Select(p => p!).OrderBy(p => p.Kind).First();
            return new SubPlace(text, within.Country, SubPlaceKind.Locality, null)
            {
                Parent = within.Kind == SubPlaceKind.ConstituentCountry ? within.Code : within.Parent,
            };
        }

        if (places.Any(p => p is null) || places.Select(p => p!.Country).Distinct().Count() != 1)
        {
            return null;
        }

        var resolved = places.Select(p => p!).ToArray();
        var distinct = resolved.DistinctBy(p => (p.Name, p.Code, p.Kind)).ToArray();
        if (distinct.Length == 1)
        {
            return distinct[0];
        }

        var first = resolved[0];
        var rest = resolved.Skip(1).Where((_, i) => !FullPostcode().IsMatch(parts[i + 1].Trim())
            && !OutwardCode().IsMatch(parts[i + 1].Trim())).ToArray();
        if (rest.Length > 0 && rest.All(p => first.Kind > p.Kind))
        {
            return first;
        }

        var kind = resolved.Any(p => p.Kind == SubPlaceKind.CountryWide)
            ? SubPlaceKind.CountryWide
            : SubPlaceKind.Region;
        var parents = resolved.Select(p => p.Kind == SubPlaceKind.ConstituentCountry ? p.Code : p.Parent)
            .Distinct().ToArray();
        return new SubPlace(text, first.Country, kind, null) { Parent = parents.Length == 1 ? parents[0] : null };
    }

    private static readonly string[] WideEndings = ["wide", "whole", "general", "national", "nationally"];
    private static readonly string[] WideStarts = ["national", "whole", "all", "across", "throughout"];

    private static readonly FrozenSet<string> NoiseLastWords = new[]
    {
        "district", "villages", "areas", "area", "surrounds", "environs", "city", "town", "centre", "borough",
        "county", "council", "village", "region", "locality", "parish", "ward", "community", "communities",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static string LastWord(string text)
    {
        var space = text.LastIndexOf(' ');
        return space < 0 ? text : text[(space + 1)..];
    }

    // A name with readings (maybe ambiguous ones: "Somerset"), as opposed to one nobody lists.
    private static bool IsKnownName(string text)
    {
        var key = TextFold.Key(text);
        return Data.Value.ByKey.ContainsKey(key) || NamedCountry(text.Trim(), key) is not null;
    }

    // Up to five capitalised words, no digits: "Berinsfield", "Shipton-under-Wychwood", "Rose Hill".
    private static bool LooksLikePlaceName(string text)
    {
        var t = text.Trim();
        return t.Length >= 3 && char.IsUpper(t[0]) && !t.Any(char.IsDigit) && t.Split(' ').Length <= 5;
    }

    [GeneratedRegex(@"^(?:north|south|east|west|central|northern|southern|eastern|western|north[- ]?east|" +
        @"north[- ]?west|south[- ]?east|south[- ]?west|mid|inner|outer|rural|urban)\s+(?<x>.+)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DirectionPrefix();

    [GeneratedRegex(@"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", RegexOptions.CultureInvariant)]
    private static partial Regex PostcodeInside();

    [GeneratedRegex(@"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoCodeShape();

    [GeneratedRegex(@"^(?<x>.+?)(?:\s*[-–—:,]\s*|\s+)(?:wide|whole|as a whole|in general|nationally|national)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WideSuffix();

    [GeneratedRegex(@"^(?:national|nationwide|whole of(?: the)?|all of(?: the)?|all|across(?: the)?|" +
        @"throughout(?: the)?)" +
        @"\s*[(:-]?\s*(?<x>[^()]+?)\s*\)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WidePrefix();

    [GeneratedRegex(@"\s+[-–—]\s+|\s*[–—]\s*", RegexOptions.CultureInvariant)]
    private static partial Regex CompoundDash();

    [GeneratedRegex(@"^(?<x>[A-Za-z][^0-9]*?)\s+\d{3}(?<l>[A-Z])?$", RegexOptions.CultureInvariant)]
    private static partial Regex SmallArea();

    [GeneratedRegex(@"^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex FullPostcode();

    [GeneratedRegex(@"^[A-Z]{1,2}\d[A-Z\d]?$", RegexOptions.CultureInvariant)]
    private static partial Regex OutwardCode();

    [GeneratedRegex(@"^(?<x>.+?)\s+(?:(?:and|&)\s+(?:the\s+)?(?:district|(?:surrounding|nearby|neighbouring)\b.*|" +
        @"surrounds|area|environs)|city|town|town centre|area|district|borough|county|council|village|region|" +
        @"locality|" +
        @"parish|ward|community|communities)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NoiseSuffix();

    [GeneratedRegex(@"^(?:the\s+)?(?:city of|county of|borough of|royal borough of|london borough of|town of|" +
        @"district of)\s+(?<x>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NoisePrefix();

    [GeneratedRegex(@"^(?<x>.+?)\s+[A-Z]{1,2}\d[A-Z\d]?(?:\s*\d[A-Z]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingPostcode();

    [GeneratedRegex(@"^(?:(?:and|&)\s+)?(?:other\s+|the\s+)?(?:surrounding|nearby|neighbouring|neighboring|local)\s+" +
        @"(?:areas?|villages|towns|district|communities)$|^etc\.?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NoisePart();

    [GeneratedRegex(@"\s*[,;/]\s*", RegexOptions.CultureInvariant)]
    private static partial Regex ListSeparator();

    private static readonly string[] DirectionWords =
    [
        "north", "south", "east", "west", "central", "northern", "southern", "eastern", "western", "centre", "center",
        "capital", "upper", "lower", "middle", "norte", "sur", "sul", "nord", "est", "ouest", "oeste", "centro",
        "leste", "greater", "city", "north east", "north west", "south east", "south west", "north central",
        "south central", "east central", "west central", "northeast", "northwest", "southeast", "southwest",
        "central region", "northern region", "southern region", "eastern region", "western region", "nord est",
        "nord ouest", "sud est", "sud ouest", "sud", "noreste", "noroeste", "sureste", "suroeste", "nordeste",
    ];

    private static (string, SubPlace)[] BuildPhrases()
    {
        var index = Data.Value;
        var excluded = new HashSet<string>(DirectionWords, StringComparer.Ordinal);
        excluded.UnionWith(Countries.NamePhrases().Select(p => p.Phrase));
        excluded.UnionWith(Places.AreaPhrases().Select(p => p.Phrase));
        var result = new Dictionary<string, SubPlace>(StringComparer.Ordinal);
        foreach (var (name, reading, textSafe) in index.PhraseCandidates)
        {
            var phrase = TextFold.Phrase(name);
            if (phrase.Length < 4 || excluded.Contains(phrase) || index.OrdinaryWords.Contains(phrase)
                || result.ContainsKey(phrase))
            {
                continue;
            }

            if (reading.Source == Source.Scope)
            {
                if (textSafe)
                {
                    result[phrase] = reading.Place;
                }

                continue;
            }

            var key = TextFold.Key(phrase);
            var readings = index.ByKey[key];
            if (readings.Any(r => r.Source == Source.Scope)
                || readings.Any(r => r.Place.Country != reading.Place.Country)
                || NamedCountry(phrase, key) is not null)
            {
                continue; // names a hand-written scope (listed on its own), or places in several countries
            }

            result[phrase] = Best(readings);
        }

        return [.. result.Select(kv => (kv.Key, kv.Value)).OrderBy(p => p.Item1, StringComparer.Ordinal)];
    }

    private static Index Load()
    {
        var byKey = new Dictionary<string, List<Reading>>(48_000, StringComparer.Ordinal);
        var phrases = new List<(string, Reading, bool)>(40_000);
        var ordinary = new HashSet<string>(StringComparer.Ordinal);

        void Add(string name, Reading reading)
        {
            var key = TextFold.Key(name);
            if (key.Length == 0)
            {
                return;
            }

            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = new List<Reading>(1);
            }

            if (!list.Exists(r => ReferenceEquals(r.Place, reading.Place)))
            {
                list.Add(reading);
            }
        }

        foreach (var row in GeoResources.Rows("scopes.tsv"))
        {
            if (!Countries.TryResolve(row[2], out var country))
            {
                throw new InvalidDataException($"scopes.tsv: unknown country '{row[2]}' for {row[3]}");
            }

            var code = row.At(4).Length == 0 ? null : row.At(4);
            var parent = code is not null && code.StartsWith("E1", StringComparison.Ordinal) ? "GB-ENG" : null;
            var place = new SubPlace(row[3], country, Enum.Parse<SubPlaceKind>(row[1]), code) { Parent = parent };
            var flags = row.At(5);
            var reading = new Reading(place, Source.Scope, flags.Contains('C'));
            foreach (var name in row[0].Split('|'))
            {
                Add(name, reading);
                phrases.Add((name, reading, flags.Contains('T')));
            }
        }

        var byIso = new Dictionary<string, SubPlace>(StringComparer.Ordinal);
        foreach (var row in GeoResources.Rows("subdivisions.tsv"))
        {
            if (!Countries.TryResolve(row[1], out var country))
            {
                continue; // a subdivision of a code the country table does not hold
            }

            var parent = row[3].Length == 0 ? null : row[3].Contains('-') ? row[3] : row[1] + "-" + row[3];
            var kind = parent is null ? SubPlaceKind.ConstituentCountry : SubPlaceKind.District;
            var bracket = row[4].IndexOf(" [", StringComparison.Ordinal);
            var display = bracket > 0 ? row[4][..bracket] : row[4];
            var place = new SubPlace(display, country, kind, row[0]) { Parent = parent };
            byIso[row[0]] = place;
            var reading = new Reading(place, Source.Subdivision, false);
            foreach (var form in (string[])[row[4], row.At(5), row.At(6), row.At(7), .. row.At(8).Split('|'),
                         .. row.At(9).Split('|')])
            {
                if (form.Length > 0)
                {
                    Add(form, reading);
                    phrases.Add((form, reading, true));
                }
            }
        }

        if (Countries.TryResolve("GB", out var gb))
        {
            foreach (var row in GeoResources.Rows("uk-districts.tsv"))
            {
                var district = new SubPlace(row[0], gb, SubPlaceKind.District, null) { Parent = row[1] };
                var reading = new Reading(district, Source.Subdivision, false);
                Add(row[0], reading);
                phrases.Add((row[0], reading, true));
            }
        }

        foreach (var row in GeoResources.Rows("places.tsv"))
        {
            if (!Countries.TryResolve(row[2], out var country))
            {
                continue;
            }

            var population = int.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture);
            var parent = row[2] switch
            {
                "GB" when row[3] is "ENG" or "SCT" or "WLS" or "NIR" => "GB-" + row[3],
                "US" when row[3].Length == 2 => "US-" + row[3],
                _ => null,
            };
            var place = new SubPlace(row[0], country, SubPlaceKind.Locality, null)
            {
                Parent = parent,
                Population = population,
            };
            var reading = new Reading(place, Source.Place, false);
            Add(row[0], reading);
            if (row[0].StartsWith("Saint ", StringComparison.Ordinal))
            {
                Add("St " + row[0][6..], reading); // "St Andrews" for GeoNames' "Saint Andrews"
            }

            if (row[1].Length > 0)
            {
                Add(row[1], reading);
            }

            if (row.At(5).Contains('W'))
            {
                ordinary.Add(TextFold.Phrase(row[0]));
            }
            else if (population >= TextPhraseMinPopulation)
            {
                phrases.Add((row[0], reading, true));
            }
        }

        foreach (var row in GeoResources.Rows("ordinary-words.tsv"))
        {
            ordinary.Add(row[0]);
        }

        return new Index(
            byKey.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal),
            byIso.ToFrozenDictionary(StringComparer.Ordinal),
            ordinary.ToFrozenSet(StringComparer.Ordinal),
            [.. phrases]);
    }
}

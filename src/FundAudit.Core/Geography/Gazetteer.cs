using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
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
        FrozenDictionary<string, string> SubdivisionTypes,
        FrozenSet<string> OrdinaryWords,
        (string Name, Reading Reading, bool TextSafe)[] PhraseCandidates
    );

    private static readonly Lazy<Index> Data = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<(string, SubPlace)[]> Phrases = new(
        BuildPhrases,
        LazyThreadSafetyMode.ExecutionAndPublication
    );
    private static readonly Lazy<(string, SubPlace[])[]> BasePhrases = new(
        BuildBasePhrases,
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    /// <summary>Loads every table now (otherwise the first call does): for start-up, tests and timing.</summary>
    public static int Warm() => Data.Value.ByKey.Count;

    /// <summary>
    /// The type iso-codes gives the ISO 3166-2 subdivision <paramref name="isoCode"/> ("County" for "KE-47",
    /// "State" for "MX-OAX", "London borough" for "GB-LBH"); null for any other code or none.
    /// </summary>
    public static string? SubdivisionType(string? isoCode) =>
        isoCode is not null && Data.Value.SubdivisionTypes.TryGetValue(isoCode, out var type) ? type : null;

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
        if (
            text.Length is 2 or 3
            && text.All(char.IsAsciiLetter)
            && type is null or "" or "CTRY" or "COUNTRY" or "ISO3166-1" or "ISO 3166-1" or "ISO3166"
            && Countries.TryResolve(text, out var country)
        )
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
    /// Folded phrases that <see cref="TextPhrases"/> leaves out only because they name places in several countries
    /// ("Portsmouth": England and Virginia; "Cornwall": England and Ontario), with their best reading in each country.
    /// In free text they are read only in the country where the recipient is based, which settles them.
    /// </summary>
    public static IEnumerable<(string Phrase, SubPlace[] Readings)> BaseTextPhrases() => BasePhrases.Value;

    /// <summary>
    /// True when the name has readings in two or more countries ("Georgia", "Victoria", "Santa Cruz", "Córdoba",
    /// "Birmingham"): it resolves only with a country and should never be guessed.
    /// </summary>
    public static bool IsAmbiguous(string? name) => Candidates(name).Select(p => p.Country).Distinct().Skip(1).Any();

    /// <summary>
    /// True when the name of a place or subdivision is also an ordinary English, Spanish, French or Portuguese word
    /// ("Reading", "Bath", "Nice", "Mobile"): free-text search should not take the word for the place.
    /// </summary>
    public static bool IsOrdinaryWord(string? name) =>
        !string.IsNullOrWhiteSpace(name) && Data.Value.OrdinaryWords.Contains(TextFold.Phrase(name));

    private static string? HintOf(string? country) =>
        string.IsNullOrWhiteSpace(country) ? null
        : Countries.TryResolve(country, out var c) ? c.Alpha2
        : null;

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
        named is not null
        && r.Source == Source.Subdivision
        && r.Place.Code is { Length: > 3 } code
        && code.AsSpan(3).Equals(named.Alpha2, StringComparison.Ordinal);

    // Readings of one country: hand-written first, then ISO, then towns; the broadest; the most populous.
    private static SubPlace Best(Reading[] readings) =>
        readings
            .OrderBy(r => r.Source)
            .ThenBy(r => r.Place.Kind)
            .ThenByDescending(r => r.Place.Population ?? 0)
            .First()
            .Place;
}

using System.Collections.Frozen;
using System.Text.RegularExpressions;
using FundAudit.Core.Classification;

namespace FundAudit.Core.Geography;

public static partial class Gazetteer
{
    private static SubPlace? Patterns(string text, string? hint, int depth)
    {
        if (Places.TryResolve(text, out var multi) && multi.Kind != PlaceKind.Country)
        {
            return null; // "Central America", "Sub-Sahara Africa", "Global": several countries, for Places
        }

        // Cheap tests first: most names reach no pattern, and regular expressions cost microseconds each.
        var hasDigit = text.AsSpan().IndexOfAnyInRange('0', '9') >= 0;
        if (
            WideOrCompound(text, hint, depth, out var found)
            || UkArea(text, hint, depth, hasDigit, out found)
            || Noise(text, hint, depth, hasDigit, out found)
        )
        {
            return found;
        }

        // "East Oxford", "Northern Kenya": a part of a place
        if (
            DirectionPrefix().Match(text) is { Success: true } part
            && Resolve(part.Groups["x"].Value, hint, depth) is { } whole
        )
        {
            var kind = whole.Kind is SubPlaceKind.CountryWide or SubPlaceKind.ConstituentCountry
                ? SubPlaceKind.Region
                : whole.Kind;
            return new SubPlace(text, whole.Country, kind, null)
            {
                Parent = whole.Kind == SubPlaceKind.ConstituentCountry ? whole.Code : whole.Parent,
            };
        }

        var parts = ListSeparator()
            .Split(text)
            .Where(p => p.Trim().Length > 0 && !NoisePart().IsMatch(p.Trim()))
            .ToArray();
        if (parts.Length >= 2 && ResolveList(text, parts, hint, depth) is { } list)
        {
            return list;
        }

        // "Central Oxford, OX1 3DH", "OX7 5DZ Squadron HQ": a full UK postcode anywhere places the text in GB
        if (
            hasDigit
            && hint is null or "GB"
            && PostcodeInside().IsMatch(text)
            && Countries.TryResolve("GB", out var inUk)
        )
        {
            return new SubPlace(text, inUk, SubPlaceKind.Locality, null);
        }

        return null;
    }

    /// <summary>
    /// A whole country or region ("UK-wide", "Whole of Wales"), or a compound ("South West - Dorset").
    /// </summary>
    private static bool WideOrCompound(string text, string? hint, int depth, out SubPlace? found)
    {
        found = null;

        // "England - Wide", "UK-wide", "Scotland Whole", "National (UK)", "Whole of Wales"
        if (
            WideEndings.Any(e => text.EndsWith(e, StringComparison.OrdinalIgnoreCase))
            && WideSuffix().Match(text) is { Success: true } wide
        )
        {
            found = Resolve(wide.Groups["x"].Value, hint, depth);
            return true;
        }

        if (
            WideStarts.Any(e => text.StartsWith(e, StringComparison.OrdinalIgnoreCase))
            && WidePrefix().Match(text) is { Success: true } widePrefix
        )
        {
            found = Resolve(widePrefix.Groups["x"].Value, hint, depth);
            return true;
        }

        // "South West - Dorset", "North East - Yorkshire and Humberside", "East - Suffolk"
        var dash = CompoundDash().Split(text);
        if (dash.Length >= 2)
        {
            var leftKey = TextFold.Key(dash[0]);
            var left =
                leftKey.Length == 0
                    ? null
                    : Lookup(dash[0].Trim(), leftKey, hint, compound: true, out _) ?? Resolve(dash[0], hint, depth);
            var right = Resolve(string.Join(" - ", dash[1..]), left?.Country.Alpha2 ?? hint, depth);
            found = right ?? left;
            return true;
        }

        return false;
    }

    /// <summary>UK statistical areas and postcodes.</summary>
    private static bool UkArea(string text, string? hint, int depth, bool hasDigit, out SubPlace? found)
    {
        found = null;

        // ONS small areas: "Ipswich 007H" (LSOA), "Mendip 004" (MSOA)
        if (
            hasDigit
            && hint is null or "GB"
            && SmallArea().Match(text) is { Success: true } area
            && Countries.TryResolve("GB", out var gb)
        )
        {
            var district = Resolve(area.Groups["x"].Value, "GB", depth);
            if (district is not null && district.Country == gb)
            {
                found = new SubPlace(text, gb, SubPlaceKind.Locality, null)
                {
                    Parent = district.Kind == SubPlaceKind.ConstituentCountry ? district.Code : district.Parent,
                };
                return true;
            }

            found = area.Groups["l"].Success ? new SubPlace(text, gb, SubPlaceKind.Locality, null) : null;
            return true;
        }

        // UK postcodes: "OX4 4SJ"; an outward code alone ("OX14") only when the country is known to be GB
        if (
            hasDigit
            && (hint is null or "GB" && FullPostcode().IsMatch(text) || hint == "GB" && OutwardCode().IsMatch(text))
            && Countries.TryResolve("GB", out var uk)
        )
        {
            found = new SubPlace(text.ToUpperInvariant(), uk, SubPlaceKind.Locality, null);
            return true;
        }

        return false;
    }

    /// <summary>A place with words around it: "and District", "City of", a trailing postcode.</summary>
    private static bool Noise(string text, string? hint, int depth, bool hasDigit, out SubPlace? found)
    {
        found = null;
        var lastWord = LastWord(text);

        // "Inverurie and District", "Bicester and surrounding villages", "Oxford City", "City of Bristol"
        if (
            (
                NoiseLastWords.Contains(lastWord)
                || text.Contains("surrounding", StringComparison.OrdinalIgnoreCase)
                || text.Contains("nearby", StringComparison.OrdinalIgnoreCase)
                || text.Contains("neighbouring", StringComparison.OrdinalIgnoreCase)
            ) && NoiseSuffix().Match(text) is { Success: true } noise
        )
        {
            found = Resolve(noise.Groups["x"].Value, hint, depth);
            return true;
        }

        if (NoisePrefix().Match(text) is { Success: true } noisePrefix)
        {
            found = Resolve(noisePrefix.Groups["x"].Value, hint, depth);
            return true;
        }

        // "Witney Town OX18", "Abingdon OX14 3HL": the place before a UK postcode
        if (hasDigit && hint is null or "GB" && TrailingPostcode().Match(text) is { Success: true } before)
        {
            found = Resolve(before.Groups["x"].Value, "GB", depth);
            return true;
        }

        return false;
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

        if (
            places.Length >= 2
            && places[0] is null
            && places.Skip(1).All(p => p is not null)
            && places.Skip(1).Select(p => p!.Country).Distinct().Count() == 1
            && LooksLikePlaceName(parts[0])
            && !IsKnownName(parts[0])
            && !Places.TryResolve(parts[0], out _)
        )
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
        var rest = resolved
            .Skip(1)
            .Where(
                (_, i) => !FullPostcode().IsMatch(parts[i + 1].Trim()) && !OutwardCode().IsMatch(parts[i + 1].Trim())
            )
            .ToArray();
        if (rest.Length > 0 && rest.All(p => first.Kind > p.Kind))
        {
            return first;
        }

        var kind = resolved.Any(p => p.Kind == SubPlaceKind.CountryWide)
            ? SubPlaceKind.CountryWide
            : SubPlaceKind.Region;
        var parents = resolved
            .Select(p => p.Kind == SubPlaceKind.ConstituentCountry ? p.Code : p.Parent)
            .Distinct()
            .ToArray();
        return new SubPlace(text, first.Country, kind, null) { Parent = parents.Length == 1 ? parents[0] : null };
    }

    private static readonly string[] WideEndings = ["wide", "whole", "general", "national", "nationally"];
    private static readonly string[] WideStarts = ["national", "whole", "all", "across", "throughout"];

    private static readonly FrozenSet<string> NoiseLastWords = new[]
    {
        "district",
        "villages",
        "areas",
        "area",
        "surrounds",
        "environs",
        "city",
        "town",
        "centre",
        "borough",
        "county",
        "council",
        "village",
        "region",
        "locality",
        "parish",
        "ward",
        "community",
        "communities",
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

    [GeneratedRegex(
        @"^(?:north|south|east|west|central|northern|southern|eastern|western|north[- ]?east|"
            + @"north[- ]?west|south[- ]?east|south[- ]?west|mid|inner|outer|rural|urban)\s+(?<x>.+)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex DirectionPrefix();

    [GeneratedRegex(@"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", RegexOptions.CultureInvariant)]
    private static partial Regex PostcodeInside();

    [GeneratedRegex(@"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoCodeShape();

    [GeneratedRegex(
        @"^(?<x>.+?)(?:\s*[-–—:,]\s*|\s+)(?:wide|whole|as a whole|in general|nationally|national)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex WideSuffix();

    [GeneratedRegex(
        @"^(?:national|nationwide|whole of(?: the)?|all of(?: the)?|all|across(?: the)?|"
            + @"throughout(?: the)?)"
            + @"\s*[(:-]?\s*(?<x>[^()]+?)\s*\)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex WidePrefix();

    [GeneratedRegex(@"\s+[-–—]\s+|\s*[–—]\s*", RegexOptions.CultureInvariant)]
    private static partial Regex CompoundDash();

    [GeneratedRegex(@"^(?<x>[A-Za-z][^0-9]*?)\s+\d{3}(?<l>[A-Z])?$", RegexOptions.CultureInvariant)]
    private static partial Regex SmallArea();

    [GeneratedRegex(@"^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex FullPostcode();

    [GeneratedRegex(@"^[A-Z]{1,2}\d[A-Z\d]?$", RegexOptions.CultureInvariant)]
    private static partial Regex OutwardCode();

    [GeneratedRegex(
        @"^(?<x>.+?)\s+(?:(?:and|&)\s+(?:the\s+)?(?:district|(?:surrounding|nearby|neighbouring)\b.*|"
            + @"surrounds|area|environs)|city|town|town centre|area|district|borough|county|council|village|region|"
            + @"locality|"
            + @"parish|ward|community|communities)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex NoiseSuffix();

    [GeneratedRegex(
        @"^(?:the\s+)?(?:city of|county of|borough of|royal borough of|london borough of|town of|"
            + @"district of)\s+(?<x>.+)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex NoisePrefix();

    [GeneratedRegex(@"^(?<x>.+?)\s+[A-Z]{1,2}\d[A-Z\d]?(?:\s*\d[A-Z]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingPostcode();

    [GeneratedRegex(
        @"^(?:(?:and|&)\s+)?(?:other\s+|the\s+)?(?:surrounding|nearby|neighbouring|neighboring|local)\s+"
            + @"(?:areas?|villages|towns|district|communities)$|^etc\.?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex NoisePart();

    [GeneratedRegex(@"\s*[,;/]\s*", RegexOptions.CultureInvariant)]
    private static partial Regex ListSeparator();
}

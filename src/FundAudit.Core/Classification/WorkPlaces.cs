using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

/// <summary>Where the funded work happens, as far as the level rules need it: countries, areas, sub-national
/// places.</summary>
internal sealed partial class WorkPlaces
{
    private static readonly HashSet<string> CountryCodeTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "CTRY",
        "COUNTRY",
        "ISO3166-1",
        "ISO 3166-1",
        "ISO3166",
        "ISO-3166-1",
    };

    // Each list is made on its first place: a grant reads three sets of places, most of them with one list or none
    // in use. Until then a list reads as a shared empty one, which only this class could write to, and never does.
    private static readonly List<Country> NoCountries = [];
    private static readonly List<string> NoNames = [];
    private static readonly List<SubPlace> NoSubPlaces = [];
    private List<Country>? _countries;
    private List<string>? _areas;
    private List<string>? _subNational;
    private List<SubPlace>? _subPlaces;

    public List<Country> Countries => _countries ?? NoCountries;

    public List<string> Areas => _areas ?? NoNames;

    public List<string> SubNational => _subNational ?? NoNames;

    /// <summary>The sub-national places behind <see cref="SubNational"/>, with their countries.</summary>
    public List<SubPlace> SubPlaces => _subPlaces ?? NoSubPlaces;

    public int RegionMask { get; private set; }

    public bool Global { get; private set; }

    /// <summary>The data said in so many words that the work covers a whole country ("UK Wide", "National (UK)",
    /// ONS K02000001), which is more than recording a country.</summary>
    public bool CountryWideStated { get; private set; }

    public bool Any => Countries.Count > 0 || Areas.Count > 0 || Global;

    public int RegionCount => System.Numerics.BitOperations.PopCount((uint)RegionMask);

    /// <summary>True when the only place is the one country <paramref name="country"/>, with nothing below
    /// it.</summary>
    public bool IsOnly(Country? country) =>
        country is not null
        && Countries.Count == 1
        && Countries[0] == country
        && Areas.Count == 0
        && !Global
        && !CountryWideStated
        && SubNational.Count == 0;

    public void AddCountry(Country c)
    {
        if (!Countries.Contains(c))
        {
            (_countries ??= []).Add(c);
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
        }

        if (!Areas.Contains(p.Name))
        {
            (_areas ??= []).Add(p.Name);
        }

        foreach (var r in p.Regions)
        {
            RegionMask |= 1 << (int)r;
        }
    }

    /// <summary>A place inside one country: below country level unless it is the whole country.</summary>
    public void AddSubPlace(SubPlace place)
    {
        AddCountry(place.Country);
        CountryWideStated |= place.Kind == SubPlaceKind.CountryWide;
        if (place.Kind != SubPlaceKind.CountryWide && !SubNational.Contains(place.Name))
        {
            (_subNational ??= []).Add(place.Name);
            (_subPlaces ??= []).Add(place);
        }
    }

    /// <summary>
    /// Drops areas that only repeat the one country's own world region (IATI's "South of Sahara" beside "Congo"): the
    /// country is the more precise place, and it alone says where the work happens.
    /// </summary>
    public void DropAreasAroundOneCountry(List<string> evidence)
    {
        if (
            Countries.Count == 1
            && Areas.Count > 0
            && !Global
            && Countries[0].Region is { } r
            && RegionMask == 1 << (int)r
        )
        {
            evidence.Add($"{string.Join(", ", Areas)}: the region around {Countries[0].Alpha2}, which is more precise");
            _areas?.Clear();
        }
    }

    /// <summary>
    /// True when the places are the constituent countries of the United Kingdom and together cover all of it
    /// (England, Scotland, Wales and Northern Ireland, "England and Wales" counting for two): each is sub-national
    /// (TAXONOMY.md), but all of them are the whole country.
    /// </summary>
    public bool CoversWholeUk
    {
        get
        {
            if (Countries.Count != 1 || Areas.Count > 0 || Global || SubPlaces.Count < 2)
            {
                return false;
            }

            var parts = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in SubPlaces)
            {
                if (p.Kind != SubPlaceKind.ConstituentCountry || p.Country.Alpha2 != "GB")
                {
                    return false;
                }

                parts.UnionWith(p.Code == "K04000001" ? ["GB-ENG", "GB-WLS"] : [p.Code ?? ""]);
            }

            return parts.IsSupersetOf(UkParts);
        }
    }

    private static readonly string[] UkParts = ["GB-ENG", "GB-SCT", "GB-WLS", "GB-NIR"];

    /// <summary>True when the only place is one whole country, as recorded (no scope such as "UK Wide").</summary>
    public bool IsOneWholeCountry =>
        Countries.Count == 1 && SubNational.Count == 0 && Areas.Count == 0 && !Global && !CountryWideStated;

    /// <summary>
    /// A place recorded as one whole country, refined by the sub-national places of that country named in
    /// <paramref name="text"/> (IATI's "Congo" and a description about Goma and Bukavu): a country is where the work
    /// happens only as far as the data knows, and the text knows more. False, changing nothing, otherwise.
    /// </summary>
    public bool RefineBy(WorkPlaces text, List<string> evidence)
    {
        if (!IsOneWholeCountry)
        {
            return false;
        }

        var inside = text.SubPlaces.Where(p => p.Country == Countries[0]).ToList();
        if (inside.Count == 0)
        {
            return false;
        }

        evidence.Add(
            $"the beneficiary location is one whole country ({Countries[0].Alpha2}); the text names places inside it: "
                + string.Join(", ", inside.Select(p => p.Name))
        );
        foreach (var p in inside)
        {
            AddSubPlace(p);
        }

        return true;
    }

    /// <summary>Reads one beneficiary location: its code first, then its name, then its country code.</summary>
    /// <param name="loc">The beneficiary location as published.</param>
    /// <param name="recipientBase">Where the recipient is based: names without a country code are looked up there first
    /// ("Surrey" in a British file is the county, not a town abroad).</param>
    /// <param name="evidence">Where what was read, and what was not, is explained.</param>
    public void Read(BeneficiaryLocation loc, Country? recipientBase, List<string> evidence)
    {
        Country? country = null;
        if (
            !string.IsNullOrWhiteSpace(loc.CountryCode) && !Geography.Countries.TryResolve(loc.CountryCode, out country)
        )
        {
            evidence.Add($"unknown country: {loc.CountryCode}");
        }

        if (ReadCode(loc, country, evidence) || ReadName(loc, country, recipientBase, evidence))
        {
            return;
        }

        if (country is not null)
        {
            AddCountry(country);
        }
    }

    private bool ReadCode(BeneficiaryLocation loc, Country? country, List<string> evidence)
    {
        if (string.IsNullOrWhiteSpace(loc.GeoCode))
        {
            // A code type below country level without its code ("LSOA") still says the place is sub-national; with
            // no country given, a type of the UK's ONS geographies (360Giving's geoCodeType codelist) says the UK.
            if (country is null && string.IsNullOrWhiteSpace(loc.Name) && OnsCodes.IsSubNationalType(loc.GeoCodeType))
            {
                Geography.Countries.TryResolve("GB", out country);
            }

            if (
                country is not null
                && !string.IsNullOrWhiteSpace(loc.GeoCodeType)
                && string.IsNullOrWhiteSpace(loc.Name)
                && !CountryCodeTypes.Contains(loc.GeoCodeType.Trim())
                && !IsCountryWideType(loc.GeoCodeType.Trim())
            )
            {
                evidence.Add(
                    $"place code type {loc.GeoCodeType.Trim()} of {country.Alpha2} (no code): below country " + $"level"
                );
                AddSubPlace(new SubPlace(loc.GeoCodeType.Trim(), country, SubPlaceKind.District, null));
                return true;
            }

            return false;
        }

        var code = loc.GeoCode.Trim();
        var type = loc.GeoCodeType?.Trim();
        if (type is not null && CountryCodeTypes.Contains(type) && Geography.Countries.TryResolve(code, out var c))
        {
            AddCountry(c);
            return true;
        }

        if (Gazetteer.TryResolveCode(code, type, out var place))
        {
            evidence.Add($"place code {code}{(type is null ? "" : $" ({type})")}: {Describe(place)}");
            AddSubPlace(place);
            return true;
        }

        if (!string.IsNullOrEmpty(type) && country is not null)
        {
            evidence.Add($"place code {code} ({type}) of {country.Alpha2}: below country level");
            AddSubPlace(new SubPlace(code, country, SubPlaceKind.District, code));
            return true;
        }

        evidence.Add($"unknown place code: {code}");
        return false;
    }

    private bool ReadName(BeneficiaryLocation loc, Country? country, Country? recipientBase, List<string> evidence)
    {
        if (string.IsNullOrWhiteSpace(loc.Name))
        {
            return false;
        }

        var name = loc.Name.Trim();
        if (name.EndsWith(", regional", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^", regional".Length]; // IATI's region names: "South of Sahara, regional"
        }

        // "Scotland", "Wales": the country table knows them as names of GB, but they are constituent countries.
        if (
            Gazetteer.TryResolveName(name, (country ?? recipientBase)?.Alpha2, out var part)
            && part.Kind == SubPlaceKind.ConstituentCountry
        )
        {
            evidence.Add(PlaceLine(name, part));
            AddSubPlace(part);
            return true;
        }

        if (Places.TryResolve(name, out var named))
        {
            if (named.Country is { } c)
            {
                AddCountry(c);
                if (country is not null && country != c)
                {
                    AddCountry(country);
                }
            }
            else
            {
                AddArea(named);
            }

            return true;
        }

        if (Gazetteer.TryResolveName(name, (country ?? recipientBase)?.Alpha2, out var place))
        {
            evidence.Add(PlaceLine(name, place));
            AddSubPlace(place);
            return true;
        }

        return ReadCommaParts(name, country, evidence);
    }

    // "Toribío, Cauca", "Anapu, Pará, Brazil": a country among the parts counts; any other part is below country level.
    // "Peru, Kenya, Tanzania": every part a country, so the work is in each of them.
    private bool ReadCommaParts(string name, Country? country, List<string> evidence)
    {
        var unresolved = !name.Contains(',', StringComparison.Ordinal);
        var listed = new List<Country>();
        foreach (
            var part in unresolved
                ? []
                : name.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        )
        {
            if (Places.TryResolve(part, out var p) && p.Country is { } c)
            {
                country ??= c;
                listed.Add(c);
            }
            else
            {
                unresolved = true;
            }
        }

        if (!unresolved && listed.Count > 1)
        {
            evidence.Add($"place '{name}': a list of countries");
            listed.ForEach(AddCountry);
            return true;
        }

        if (unresolved && country is not null && NamesTheCountry(name, country))
        {
            AddCountry(country); // "Congo, The Democratic Republic of": the country itself, written another way
            return true;
        }

        if (unresolved && country is not null)
        {
            evidence.Add($"place '{name}' in {country.Alpha2}: below country level");
            AddSubPlace(new SubPlace(name, country, SubPlaceKind.Locality, null));
            return true;
        }

        if (unresolved)
        {
            var readings = Gazetteer.Candidates(name);
            evidence.Add(
                readings.Count > 1
                    ? $"ambiguous place '{name}': {string.Join(", ", readings.Take(4).Select(Describe))}"
                    : $"unknown place: {name}"
            );
        }

        return country is not null;
    }

    private static bool IsCountryWideType(string type) =>
        type.Equals("CTRY", StringComparison.OrdinalIgnoreCase)
        || type.Equals("K02", StringComparison.OrdinalIgnoreCase);

    private static bool NamesTheCountry(string name, Country country)
    {
        var folded = " " + TextFold.Phrase(name) + " ";
        return folded.Contains(" " + TextFold.Phrase(country.Name) + " ", StringComparison.Ordinal);
    }
}

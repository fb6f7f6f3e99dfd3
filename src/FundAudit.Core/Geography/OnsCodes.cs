using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace FundAudit.Core.Geography;

/// <summary>What part of the United Kingdom an ONS (GSS) geography code covers.</summary>
public enum OnsScope
{
    /// <summary>K02: the United Kingdom.</summary>
    UnitedKingdom,

    /// <summary>K03: Great Britain.</summary>
    GreatBritain,

    /// <summary>K04: England and Wales.</summary>
    EnglandAndWales,

    /// <summary>E92, W92, S92, N92: one whole constituent country.</summary>
    ConstituentCountry,

    /// <summary>Anything smaller: a region (E12), local authority, ward, LSOA, constituency, health area.</summary>
    SubNational,
}

/// <summary>One ONS geography code read by <see cref="OnsCodes.TryParse"/>.</summary>
/// <param name="Code">The code, upper case ("E09000022").</param>
/// <param name="Prefix">Its entity prefix ("E09").</param>
/// <param name="ConstituentCountry">'E' England, 'W' Wales, 'S' Scotland, 'N' Northern Ireland, 'K' UK, GB or
/// England and Wales together.</param>
/// <param name="Scope">How much of the UK the code's entity covers.</param>
/// <param name="TypeCode">The 360Giving geoCodeType of the prefix ("LONB", "LSOA"); null for a prefix the codelist
/// does not list.</param>
/// <param name="TypeTitle">The title of that type ("London Boroughs").</param>
/// <param name="Name">The area's name where FundAudit knows it (countries, regions, London boroughs).</param>
public sealed record OnsCode(
    string Code,
    string Prefix,
    char ConstituentCountry,
    OnsScope Scope,
    string? TypeCode,
    string? TypeTitle,
    string? Name
)
{
    /// <summary>The ISO 3166-2 code of the constituent country ("GB-ENG"); null for K codes.</summary>
    public string? ConstituentIsoCode =>
        ConstituentCountry switch
        {
            'E' => "GB-ENG",
            'W' => "GB-WLS",
            'S' => "GB-SCT",
            'N' => "GB-NIR",
            _ => null,
        };
}

/// <summary>
/// UK ONS (GSS) geography codes: a letter for the constituent country, two digits for the entity type, six for the
/// area ("E09000022" is Lambeth, a London borough). Prefixes and types come from Geography/Data/ons-prefixes.tsv,
/// derived from 360Giving's geoCodeType codelist.
/// </summary>
public static class OnsCodes
{
    private static readonly Lazy<FrozenDictionary<string, string[]>> Prefixes = new(
        () => GeoResources.Rows("ons-prefixes.tsv").ToFrozenDictionary(r => r[0], StringComparer.Ordinal),
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    // Names of the areas real files name by code at country or region level, and of the London boroughs.
    private static readonly FrozenDictionary<string, string> Names = new Dictionary<string, string>
    {
        ["K02000001"] = "United Kingdom",
        ["K03000001"] = "Great Britain",
        ["K04000001"] = "England and Wales",
        ["E92000001"] = "England",
        ["W92000004"] = "Wales",
        ["S92000003"] = "Scotland",
        ["N92000002"] = "Northern Ireland",
        ["E12000001"] = "North East",
        ["E12000002"] = "North West",
        ["E12000003"] = "Yorkshire and the Humber",
        ["E12000004"] = "East Midlands",
        ["E12000005"] = "West Midlands",
        ["E12000006"] = "East of England",
        ["E12000007"] = "London",
        ["E12000008"] = "South East",
        ["E12000009"] = "South West",
        ["E11000001"] = "Greater Manchester",
        ["E11000002"] = "Merseyside",
        ["E11000003"] = "South Yorkshire",
        ["E11000005"] = "West Midlands",
        ["E11000006"] = "West Yorkshire",
        ["E11000007"] = "Tyne and Wear",
        ["E09000001"] = "City of London",
        ["E09000002"] = "Barking and Dagenham",
        ["E09000003"] = "Barnet",
        ["E09000004"] = "Bexley",
        ["E09000005"] = "Brent",
        ["E09000006"] = "Bromley",
        ["E09000007"] = "Camden",
        ["E09000008"] = "Croydon",
        ["E09000009"] = "Ealing",
        ["E09000010"] = "Enfield",
        ["E09000011"] = "Greenwich",
        ["E09000012"] = "Hackney",
        ["E09000013"] = "Hammersmith and Fulham",
        ["E09000014"] = "Haringey",
        ["E09000015"] = "Harrow",
        ["E09000016"] = "Havering",
        ["E09000017"] = "Hillingdon",
        ["E09000018"] = "Hounslow",
        ["E09000019"] = "Islington",
        ["E09000020"] = "Kensington and Chelsea",
        ["E09000021"] = "Kingston upon Thames",
        ["E09000022"] = "Lambeth",
        ["E09000023"] = "Lewisham",
        ["E09000024"] = "Merton",
        ["E09000025"] = "Newham",
        ["E09000026"] = "Redbridge",
        ["E09000027"] = "Richmond upon Thames",
        ["E09000028"] = "Southwark",
        ["E09000029"] = "Sutton",
        ["E09000030"] = "Tower Hamlets",
        ["E09000031"] = "Waltham Forest",
        ["E09000032"] = "Wandsworth",
        ["E09000033"] = "Westminster",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Reads an ONS code (letter E, W, S, N or K, then eight digits, any case, surrounding space ignored). A prefix
    /// the codelist does not list still parses for E, W, S and N (as sub-national, without a type); an unknown K
    /// prefix does not.
    /// </summary>
    public static bool TryParse(string? code, [NotNullWhen(true)] out OnsCode? ons)
    {
        ons = null;
        var span = code.AsSpan().Trim();
        if (span.Length != 9 || char.ToUpperInvariant(span[0]) is not ('E' or 'W' or 'S' or 'N' or 'K'))
        {
            return false;
        }

        foreach (var c in span[1..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        var upper = span.ToString().ToUpperInvariant();
        var prefix = upper[..3];
        var letter = upper[0];
        if (!Prefixes.Value.TryGetValue(prefix, out var row))
        {
            if (letter == 'K')
            {
                return false;
            }

            ons = new OnsCode(upper, prefix, letter, OnsScope.SubNational, null, null, Names.GetValueOrDefault(upper));
            return true;
        }

        var scope = row[2] switch
        {
            "UK" => OnsScope.UnitedKingdom,
            "GB" => OnsScope.GreatBritain,
            "EW" => OnsScope.EnglandAndWales,
            "E" or "W" or "S" or "N" => OnsScope.ConstituentCountry,
            _ => OnsScope.SubNational,
        };
        ons = new OnsCode(upper, prefix, letter, scope, row.At(3), row.At(4), Names.GetValueOrDefault(upper));
        return true;
    }

    /// <summary>
    /// True when <paramref name="geoCodeType"/> is a 360Giving geoCodeType of areas below country level ("LSOA",
    /// "WD"): the codelist names the UK's ONS geographies, so a place typed so is in the United Kingdom.
    /// </summary>
    public static bool IsSubNationalType(string? geoCodeType) =>
        !string.IsNullOrWhiteSpace(geoCodeType)
        && SubNationalTypes.Value.Contains(geoCodeType.Trim().ToUpperInvariant());

    private static readonly Lazy<FrozenSet<string>> SubNationalTypes = new(
        () =>
            Prefixes
                .Value.Values.Where(r => r[2] == "sub" && r.At(3).Length > 0)
                .SelectMany(r => r.At(3).Split('/'))
                .ToFrozenSet(StringComparer.Ordinal),
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    /// <summary>The <see cref="SubPlaceKind"/> of an ONS code: wide codes as such, regions (E12) and European
    /// electoral regions (E15) as <see cref="SubPlaceKind.Region"/>, small areas, wards and parishes as
    /// <see cref="SubPlaceKind.Locality"/>, everything else (authorities, counties, constituencies, health and
    /// police areas) as <see cref="SubPlaceKind.District"/>.</summary>
    internal static SubPlaceKind KindOf(OnsCode ons) =>
        ons.Scope switch
        {
            OnsScope.UnitedKingdom or OnsScope.GreatBritain => SubPlaceKind.CountryWide,
            OnsScope.EnglandAndWales or OnsScope.ConstituentCountry => SubPlaceKind.ConstituentCountry,
            _ => ons.TypeCode switch
            {
                "RGN/GOR" or "EER" => SubPlaceKind.Region,
                "OA"
                or "LSOA"
                or "MSOA"
                or "USOA"
                or "SOA"
                or "SA"
                or "DZ"
                or "IG"
                or "WD"
                or "PAR"
                or "COM"
                or "WZ"
                or "CMWD"
                or "CFA" => SubPlaceKind.Locality,
                _ => SubPlaceKind.District,
            },
        };
}

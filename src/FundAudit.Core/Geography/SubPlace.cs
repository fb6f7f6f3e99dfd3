namespace FundAudit.Core.Geography;

/// <summary>How much of its country a <see cref="SubPlace"/> covers, broadest first.</summary>
public enum SubPlaceKind
{
    /// <summary>The whole country: "UK Wide", "National (UK)", "United Kingdom".</summary>
    CountryWide,

    /// <summary>
    /// A first-level part of a country: England, Scotland, Wales, Northern Ireland, "England and Wales", a state of
    /// Mexico, Brazil or the United States, a province, a Kenyan county (every ISO 3166-2 subdivision without a
    /// parent). Sub-national in TAXONOMY.md terms.
    /// </summary>
    ConstituentCountry,

    /// <summary>An ONS region ("South West", "London") or another multi-county area; also a list of several places
    /// of one country ("Greater Manchester, Cheshire, Merseyside").</summary>
    Region,

    /// <summary>A county, borough, local authority, department, parliamentary constituency (ISO 3166-2 subdivisions
    /// with a parent; ONS local authority codes).</summary>
    District,

    /// <summary>A city, town, village, ward, small statistical area (LSOA) or postcode.</summary>
    Locality,
}

/// <summary>A place inside one country, or the whole of it, as far as level inference needs it.</summary>
/// <param name="Name">The canonical name ("Lambeth", "England", "South West") or, for a list or an LSOA, the text
/// as written.</param>
/// <param name="Country">The country the place is in.</param>
/// <param name="Kind">How much of its country the place covers.</param>
/// <param name="Code">An ISO 3166-2 code ("GB-LBH", "KE-21") or an ONS code ("E12000009") where one is known.</param>
public sealed record SubPlace(string Name, Country Country, SubPlaceKind Kind, string? Code)
{
    /// <summary>
    /// The ISO 3166-2 code of the enclosing subdivision where known: the constituent country of a UK place
    /// ("GB-ENG"), the state of a US town ("US-TX"), the parent of an ISO subdivision ("FR-IDF" for Paris).
    /// </summary>
    public string? Parent { get; init; }

    /// <summary>The GeoNames population of a city or town; null for everything else.</summary>
    public int? Population { get; init; }

    /// <summary>True for every kind but <see cref="SubPlaceKind.CountryWide"/>.</summary>
    public bool IsSubNational => Kind != SubPlaceKind.CountryWide;

    public override string ToString() =>
        Code is null ? $"{Name} ({Country.Alpha2}, {Kind})" : $"{Name} ({Code}, {Kind})";
}

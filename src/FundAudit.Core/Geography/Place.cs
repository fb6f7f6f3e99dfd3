using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using FundAudit.Core.Classification;

namespace FundAudit.Core.Geography;

public enum PlaceKind
{
    /// <summary>One country.</summary>
    Country,

    /// <summary>A multi-country area: a world region, a sub-region ("Central America"), or an area spanning regions
    /// ("MENA").</summary>
    Region,

    /// <summary>"Global", "Worldwide", "International".</summary>
    Global,
}

/// <summary>A place named in grant data, as far as level inference needs it.</summary>
/// <param name="Name">The place's name ("Kenya", "Central America", "Global").</param>
/// <param name="Kind">A country, a multi-country area or the whole world.</param>
/// <param name="Country">The country, for <see cref="PlaceKind.Country"/>; null otherwise.</param>
/// <param name="Regions">The world regions the place lies in (empty for <see cref="PlaceKind.Global"/>).</param>
public sealed record Place(string Name, PlaceKind Kind, Country? Country, IReadOnlyList<WorldRegion> Regions);

/// <summary>Countries plus multi-country areas, by name in English, Spanish, French and Portuguese.</summary>
public static class Places
{
    private static readonly WorldRegion[] None = [];

    // name → regions; names in en/es/fr/pt (folded on load, so accents and case do not matter).
    private static readonly (string[] Names, WorldRegion[] Regions, PlaceKind Kind)[] Areas =
    [
        (
            [
                "Global",
                "Worldwide",
                "Developing countries, unspecified",
                "Bilateral, unspecified",
                "International",
                "Internacional",
                "Mundial",
                "Mondial",
                "World",
                "Whole world",
                "Todo el mundo",
                "Monde entier",
                "Mundo",
                "Monde",
                "Multi-regional",
                "Multiregional",
            ],
            None,
            PlaceKind.Global
        ),
        (
            [
                "Africa",
                "África",
                "Afrique",
                "Pan-African",
                "Panafrican",
                "Panafricano",
                "Panafricaine",
                "Sub-Saharan " + "Africa",
                "Sub-Sahara Africa",
                "South of Sahara",
                "North of Sahara",
                "Subsaharan Africa",
                "África subsahariana",
                "Afrique subsaharienne",
                "África subsaariana",
                "East Africa",
                "Eastern Africa",
                "East and Horn of Africa",
                "Horn of Africa",
                "África Oriental",
                "África del Este",
                "Afrique de l'Est",
                "Afrique orientale",
                "West Africa",
                "Western Africa",
                "África Occidental",
                "Afrique de l'Ouest",
                "Afrique occidentale",
                "África Ocidental",
                "Southern Africa",
                "África Austral",
                "Afrique australe",
                "Central Africa",
                "Middle Africa",
                "África Central",
                "Afrique centrale",
                "Great Lakes",
                "Great Lakes region",
                "Grands Lacs",
                "Région des Grands Lacs",
                "Sahel",
                "North Africa",
                "Northern Africa",
                "Maghreb",
                "Afrique du Nord",
                "África del Norte",
                "Norte de África",
            ],
            [WorldRegion.Africa],
            PlaceKind.Region
        ),
        (
            [
                "Latin America",
                "América Latina",
                "Amérique latine",
                "Latinoamérica",
                "Latin America and the Caribbean",
                "América Latina y el Caribe",
                "Amérique latine et Caraïbes",
                "América Latina e Caribe",
                "LAC",
                "Caribbean",
                "Caribe",
                "Caraïbes",
                "Central America",
                "Centroamérica",
                "Centro América",
                "América Central",
                "Amérique centrale",
                "Mesoamerica",
                "Mesoamérica",
                "Mésoamérique",
                "South America",
                "Sudamérica",
                "Suramérica",
                "América del Sur",
                "América do Sul",
                "Amérique du Sud",
                "Andean region",
                "Región Andina",
                "Andes",
                "Amazon basin",
                "Amazon region",
                "Cuenca amazónica",
                "Pan-Amazon",
                "Panamazonía",
                "Pan-Amazônia",
                "Southern Cone",
                "Cono Sur",
                "Northern Triangle",
                "Triángulo Norte",
            ],
            [WorldRegion.LatinAmericaAndTheCaribbean],
            PlaceKind.Region
        ),
        (
            [
                "Northern America",
                "North America",
                "Norteamérica",
                "América del Norte",
                "Amérique du Nord",
                "América do Norte",
            ],
            [WorldRegion.NorthernAmerica],
            PlaceKind.Region
        ),
        (
            [
                "Americas",
                "The Americas",
                "America",
                "North & Central America",
                "Las Américas",
                "Les Amériques",
                "As Américas",
                "Hemisphere",
                "Western Hemisphere",
            ],
            [WorldRegion.LatinAmericaAndTheCaribbean, WorldRegion.NorthernAmerica],
            PlaceKind.Region
        ),
        (
            [
                "Asia",
                "Asie",
                "Ásia",
                "Far East Asia",
                "South & Central Asia",
                "South and Central Asia",
                "Southeast Asia",
                "South-East Asia",
                "South East Asia",
                "South-eastern Asia",
                "ASEAN",
                "Sudeste Asiático",
                "Sudeste de Asia",
                "Asie du Sud-Est",
                "South Asia",
                "Southern Asia",
                "Asia del Sur",
                "Asie du Sud",
                "Sul da Ásia",
                "East Asia",
                "Eastern Asia",
                "Asia Oriental",
                "Asie de l'Est",
                "Central Asia",
                "Asia Central",
                "Asie centrale",
                "Ásia Central",
                "Middle East",
                "Oriente Medio",
                "Oriente Próximo",
                "Moyen-Orient",
                "Proche-Orient",
                "Oriente Médio",
                "Western Asia",
                "Gulf region",
                "Mekong region",
                "Mekong",
                "Caucasus",
                "South Caucasus",
                "Cáucaso",
                "Caucase",
            ],
            [WorldRegion.Asia],
            PlaceKind.Region
        ),
        (
            [
                "Europe",
                "Europa",
                "European Union",
                "Unión Europea",
                "Union européenne",
                "União Europeia",
                "EU",
                "Eastern Europe",
                "Europa del Este",
                "Europa Oriental",
                "Europe de l'Est",
                "Europe orientale",
                "Leste Europeu",
                "Western Europe",
                "Europa Occidental",
                "Europe de l'Ouest",
                "Europe occidentale",
                "Balkans",
                "Western Balkans",
                "Balcanes",
                "Bálcãs",
                "Nordic countries",
                "Central and Eastern Europe",
                "CEE",
            ],
            [WorldRegion.Europe],
            PlaceKind.Region
        ),
        (
            [
                "Oceania",
                "Océanie",
                "Oceanía",
                "Pacific",
                "Pacific Islands",
                "South Pacific",
                "Pacífico",
                "Islas del Pacífico",
                "Pacifique",
                "Îles du Pacifique",
                "Melanesia",
                "Mélanésie",
                "Micronesia region",
                "Polynesia",
                "Polynésie",
            ],
            [WorldRegion.Oceania],
            PlaceKind.Region
        ),
        (
            [
                "Middle East and North Africa",
                "MENA",
                "Oriente Medio y Norte de África",
                "Moyen-Orient et Afrique du Nord",
                "Afrique du Nord et Moyen-Orient",
                "MOAN",
            ],
            [WorldRegion.Africa, WorldRegion.Asia],
            PlaceKind.Region
        ),
        (
            ["Asia-Pacific", "Asia Pacific", "Asia y el Pacífico", "Asie-Pacifique", "Ásia-Pacífico"],
            [WorldRegion.Asia, WorldRegion.Oceania],
            PlaceKind.Region
        ),
        (
            ["Euro-Mediterranean", "Mediterranean", "Mediterráneo", "Méditerranée", "Mediterrâneo"],
            [WorldRegion.Europe, WorldRegion.Africa, WorldRegion.Asia],
            PlaceKind.Region
        ),
    ];

    private static readonly Lazy<FrozenDictionary<string, Place>> AreaByKey = new(
        BuildAreas,
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    private static FrozenDictionary<string, Place> BuildAreas()
    {
        var d = new Dictionary<string, Place>(StringComparer.Ordinal);
        foreach (var (names, regions, kind) in Areas)
        {
            foreach (var name in names)
            {
                d[TextFold.Key(name)] = new Place(name, kind, null, regions);
            }
        }

        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Resolves a country (any form <see cref="Countries.TryResolve"/> accepts) or a multi-country
    /// area.</summary>
    public static bool TryResolve(string? text, [NotNullWhen(true)] out Place? place)
    {
        place = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var key = TextFold.Key(text);
        if (AreaByKey.Value.TryGetValue(key, out place))
        {
            return true;
        }

        if (Countries.TryResolve(text, out var country))
        {
            place = ForCountry(country);
            return true;
        }

        return false;
    }

    internal static Place ForCountry(Country country) =>
        new(country.Name, PlaceKind.Country, country, country.Region is { } r ? [r] : None);

    /// <summary>Area names folded as phrases, for finding them in free text.</summary>
    internal static IEnumerable<(string Phrase, Place Place)> AreaPhrases()
    {
        foreach (var (names, regions, kind) in Areas)
        {
            foreach (var name in names)
            {
                yield return (TextFold.Phrase(name), new Place(name, kind, null, regions));
            }
        }
    }
}

using FundAudit.Core.Geography;

namespace FundAudit.Core.Tests.Geography;

public sealed class CountriesTests
{
    [Theory]
    [InlineData("HN", "HN")]
    [InlineData("hnd", "HN")]
    [InlineData("UK", "GB")]
    [InlineData("U.K.", "GB")]
    [InlineData("Great Britain", "GB")]
    [InlineData("UNITED KINGDOM", "GB")]
    [InlineData("Côte d'Ivoire", "CI")]
    [InlineData("COTE D'IVOIRE", "CI")]
    [InlineData("Cote dIvoire", "CI")]
    [InlineData("Ivory Coast", "CI")]
    [InlineData("Brasil", "BR")]
    [InlineData("Brésil", "BR")]
    [InlineData("DRC", "CD")]
    [InlineData("RDC", "CD")]
    [InlineData("Congo-Kinshasa", "CD")]
    [InlineData("République démocratique du Congo", "CD")]
    [InlineData("Congo", "CG")]
    [InlineData("USA", "US")]
    [InlineData("Estados Unidos", "US")]
    [InlineData("États-Unis", "US")]
    [InlineData("Allemagne", "DE")]
    [InlineData("México", "MX")]
    [InlineData("Mexico", "MX")]
    [InlineData("UGANDA", "UG")]
    [InlineData("  uganda  ", "UG")]
    [InlineData("Perú", "PE")]
    [InlineData("Guinea-Bissau", "GW")]
    [InlineData("Guinea", "GN")]
    [InlineData("Papua New Guinea", "PG")]
    [InlineData("Turkey", "TR")]
    [InlineData("Burma", "MM")]
    public void Resolves_codes_and_names_in_any_form(string text, string alpha2)
    {
        Assert.True(Countries.TryResolve(text, out var country), $"'{text}' did not resolve");
        Assert.Equal(alpha2, country.Alpha2);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("Atlantis")]
    [InlineData("XX")]
    [InlineData("Intibucá")]
    [InlineData("--")]
    public void Unknown_text_resolves_to_nothing(string? text)
    {
        Assert.False(Countries.TryResolve(text, out var country));
        Assert.Null(country);
    }

    [Theory]
    [InlineData("HN", WorldRegion.LatinAmericaAndTheCaribbean, "Latin America and the Caribbean", "Central America")]
    [InlineData("US", WorldRegion.NorthernAmerica, "Northern America", null)]
    [InlineData("KE", WorldRegion.Africa, "Sub-Saharan Africa", "Eastern Africa")]
    [InlineData("GB", WorldRegion.Europe, "Northern Europe", null)]
    [InlineData("PH", WorldRegion.Asia, "South-eastern Asia", null)]
    [InlineData("FJ", WorldRegion.Oceania, "Melanesia", null)]
    [InlineData("EG", WorldRegion.Africa, "Northern Africa", null)]
    public void Countries_carry_their_M49_region_and_sub_region(
        string alpha2,
        WorldRegion region,
        string subRegion,
        string? intermediate
    )
    {
        Assert.True(Countries.TryResolve(alpha2, out var c));
        Assert.Equal(region, c.Region);
        Assert.Equal(subRegion, c.SubRegion);
        Assert.Equal(intermediate, c.IntermediateRegion);
    }

    [Fact]
    public void The_table_holds_every_ISO_country_once_with_unique_codes()
    {
        var all = Countries.All;
        Assert.Equal(249, all.Count);
        Assert.Equal(all.Count, all.Select(c => c.Alpha2).Distinct().Count());
        Assert.Equal(all.Count, all.Select(c => c.Alpha3).Distinct().Count());
        Assert.All(all, c => Assert.Matches("^[A-Z]{2}$", c.Alpha2));
        Assert.All(all, c => Assert.Matches("^[A-Z]{3}$", c.Alpha3));
        Assert.Single(all, c => c.Region is null); // Antarctica
        foreach (var c in all)
        {
            Assert.True(
                Countries.TryResolve(c.Name, out var byName) && byName == c,
                $"{c.Name} does not resolve to itself"
            );
            Assert.True(Countries.TryResolve(c.Alpha3.ToLowerInvariant(), out var byCode) && byCode == c);
        }
    }

    [Theory]
    [InlineData("Central America", PlaceKind.Region, WorldRegion.LatinAmericaAndTheCaribbean)]
    [InlineData("Latin America", PlaceKind.Region, WorldRegion.LatinAmericaAndTheCaribbean)]
    [InlineData("América Latina", PlaceKind.Region, WorldRegion.LatinAmericaAndTheCaribbean)]
    [InlineData("East Africa", PlaceKind.Region, WorldRegion.Africa)]
    [InlineData("Sub-Saharan Africa", PlaceKind.Region, WorldRegion.Africa)]
    [InlineData("Sub-Sahara Africa", PlaceKind.Region, WorldRegion.Africa)]
    [InlineData("Afrique de l'Ouest", PlaceKind.Region, WorldRegion.Africa)]
    [InlineData("Southeast Asia", PlaceKind.Region, WorldRegion.Asia)]
    [InlineData("Europe", PlaceKind.Region, WorldRegion.Europe)]
    [InlineData("Honduras", PlaceKind.Country, WorldRegion.LatinAmericaAndTheCaribbean)]
    public void Region_names_resolve_as_places(string text, PlaceKind kind, WorldRegion region)
    {
        Assert.True(Places.TryResolve(text, out var place));
        Assert.Equal(kind, place.Kind);
        Assert.Contains(region, place.Regions);
    }

    [Theory]
    [InlineData("Global")]
    [InlineData("WORLDWIDE")]
    [InlineData("International")]
    [InlineData("Mundial")]
    public void Global_names_resolve_as_global(string text)
    {
        Assert.True(Places.TryResolve(text, out var place));
        Assert.Equal(PlaceKind.Global, place.Kind);
    }
}

using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Rule set 2026.12-7: well-known areas that no code list names (UK national parks, self-declared states
/// such as Somaliland, English exonyms such as Crimea) are sub-national places of their one country
/// (Geography/Data/scopes.tsv).</summary>
public sealed class UnlistedRegionTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    [Fact]
    public void A_national_park_named_in_the_text_is_a_place_of_work_in_its_country()
    {
        // "International" in a festival's name would otherwise make a Cumbrian festival global.
        var level = Engine
            .Classify(
                Make(
                    title: "Grant to a summer music festival",
                    description: "Lake District International Summer Music Festival 2014",
                    recipientCountry: "GB"
                )
            )
            .Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("Lake District", StringComparison.Ordinal));
    }

    [Fact]
    public void A_self_declared_state_is_a_place_of_the_country_it_lies_in()
    {
        // South Africa (the recipient's own country, also its one beneficiary location) and Somaliland (Somalia):
        // two countries of one world region, and the recipient is based there.
        var level = Engine
            .Classify(
                Make(
                    title: "A social incubation space and a technology hub",
                    description: "For a social incubation space in South Africa and a technology hub in Somaliland.",
                    recipientCountry: "ZA",
                    locations: [Country("ZA")]
                )
            )
            .Level;
        Assert.Equal(GrantLevel.Regional, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("SO", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Crimea", "UA")]
    [InlineData("Darfur", "SD")]
    [InlineData("the Niger Delta", "NG")]
    [InlineData("Karamoja", "UG")]
    public void An_unlisted_region_beside_its_country_makes_the_work_local(string region, string country)
    {
        var level = Engine
            .Classify(
                Make(
                    title: "Community paralegals",
                    description: $"Training community paralegals in {region}.",
                    locations: [Country(country)]
                )
            )
            .Level;
        Assert.Equal(GrantLevel.Local, level.Value);
    }
}

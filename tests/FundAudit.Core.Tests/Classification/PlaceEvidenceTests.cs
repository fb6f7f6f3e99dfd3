using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>What the level's evidence calls a place: the UK's constituent countries by TAXONOMY.md's term, an ISO
/// 3166-2 subdivision by the type iso-codes gives it (a Kenyan county is not "a constituent country or state").</summary>
public sealed class PlaceEvidenceTests
{
    private static IReadOnlyList<string> Evidence(BeneficiaryLocation location, string recipientCountry) =>
        ClassificationEngine
            .Default.Classify(Make(recipientCountry: recipientCountry, locations: [location]))
            .Level.Evidence;

    [Theory]
    [InlineData("Nairobi", "KE", "KE", "place 'Nairobi': Nairobi City, a county of KE")]
    [InlineData("Oaxaca", "MX", "MX", "place 'Oaxaca': Oaxaca, a state of MX")]
    [InlineData("Nord-Kivu", "CD", "CD", "place 'Nord-Kivu': Nord-Kivu, a province of CD")]
    [InlineData("Scotland", "GB", "GB", "place 'Scotland': Scotland, a constituent country of GB")]
    [InlineData(
        "Northern Ireland",
        "GB",
        "GB",
        "place 'Northern Ireland': Northern Ireland, a constituent country of GB"
    )]
    [InlineData("Lambeth", "GB", "GB", "place 'Lambeth': Lambeth, a London borough of GB")]
    public void A_named_place_is_described_by_what_it_is(string name, string code, string based, string expected)
    {
        var evidence = Evidence(Named(name, code), based);
        Assert.Contains(expected, evidence);
        Assert.DoesNotContain(evidence, e => e.Contains("constituent country or state", StringComparison.Ordinal));
    }

    [Fact]
    public void A_subdivision_code_is_described_by_its_type()
    {
        var evidence = Evidence(new BeneficiaryLocation(null, "KE", "KE-21", "ISO3166-2"), "KE");
        Assert.Contains(evidence, e =>
            e.StartsWith("place code KE-21", StringComparison.Ordinal)
            && e.EndsWith(", a county of KE", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void England_and_Wales_are_two_constituent_countries()
    {
        Assert.Contains(
            "place 'England and Wales': England and Wales, two constituent countries of GB",
            Evidence(Named("England and Wales", "GB"), "GB")
        );
        var coded = Evidence(new BeneficiaryLocation(null, null, "K04000001", "CTRY"), "GB");
        Assert.Contains(coded, e =>
            e.EndsWith("England and Wales, two constituent countries of GB", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void An_ons_country_code_is_a_constituent_country()
    {
        var evidence = Evidence(new BeneficiaryLocation(null, null, "E92000001", "CTRY"), "GB");
        Assert.Contains(evidence, e =>
            e.StartsWith("place code E92000001", StringComparison.Ordinal)
            && e.EndsWith("England, a constituent country of GB", StringComparison.Ordinal)
        );
    }

    [Theory]
    [InlineData("County", "KE", "a county")]
    [InlineData("Autonomous region", "CN", "an autonomous region")]
    [InlineData("Unitary authority", "GB", "a unitary authority")]
    [InlineData("Urban municipality", "LV", "an urban municipality")]
    [InlineData("Emirate", "AE", "an emirate")]
    [InlineData("Oblast", "UA", "an oblast")]
    [InlineData("London borough", "GB", "a London borough")]
    [InlineData("Pakistan administered area", "PK", "a Pakistan administered area")]
    [InlineData("Islands, groups of islands", "CV", "a group of islands")]
    [InlineData("Districts under republic administration", "TJ", "one of the districts under republic administration")]
    public void A_subdivision_type_reads_as_a_noun_phrase(string type, string country, string expected) =>
        Assert.Equal(expected, WorkPlaces.WithArticle(type, country));
}

using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

public sealed class LevelRuleTests
{
    private static Dimension<GrantLevel> Level(GrantRecord g) => ClassificationEngine.Default.Classify(g).Level;

    [Fact]
    public void Based_outside_the_region_of_the_work_is_global()
    {
        var d = Level(Make(recipientCountry: "GB", locations: [Country("HN")]));
        Assert.Equal(GrantLevel.Global, d.Value);
        Assert.Equal(ClassificationSource.Rule, d.Source);
        Assert.Contains(d.Evidence, e =>
            e.Contains(
                "recipient based in GB (Europe), work in HN (Latin America and the Caribbean)",
                StringComparison.Ordinal
            ) && e.EndsWith("→ global", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void Northern_America_and_Latin_America_are_different_regions()
    {
        Assert.Equal(
            GrantLevel.Global,
            Level(Make(recipientCountry: "US", locations: [Named("Huehuetenango", "GT")])).Value
        );
        Assert.Equal(GrantLevel.Global, Level(Make(recipientCountry: "Canada", locations: [Country("HT")])).Value);
    }

    [Theory]
    [InlineData("national")]
    [InlineData("local")]
    [InlineData("regional")]
    public void Based_outside_wins_even_over_an_explicit_level(string explicitLevel)
    {
        var d = Level(Make(recipientCountry: "FR", locations: [Country("KH")], explicitLevel: explicitLevel));
        Assert.Equal(GrantLevel.Global, d.Value);
        Assert.Equal(ClassificationSource.Rule, d.Source);
    }

    [Fact]
    public void Based_outside_wins_over_a_location_scope_code()
    {
        Assert.Equal(
            GrantLevel.Global,
            Level(
                Make(recipientCountry: "US", locations: [Country("BR"), Country("PE")], locationScope: "GLS020")
            ).Value
        );
    }

    [Theory]
    [InlineData("GLS010", GrantLevel.Global)]
    [InlineData("GLS020", GrantLevel.Regional)]
    [InlineData("GLS030", GrantLevel.National)]
    [InlineData("GLS040", GrantLevel.Local)]
    [InlineData("GLS050", GrantLevel.Local)]
    [InlineData("gls060", GrantLevel.Local)]
    public void Location_scope_codes_are_explicit_levels(string code, GrantLevel expected)
    {
        // the data alone would say national (one country, no place below it): the code wins
        var d = Level(Make(recipientCountry: "KE", locations: [Country("KE")], locationScope: code));
        Assert.Equal(expected, d.Value);
        Assert.Equal(ClassificationSource.Explicit, d.Source);
        Assert.Contains(d.Evidence, e => e.Contains(code.ToUpperInvariant(), StringComparison.Ordinal));
    }

    [Fact]
    public void GLS099_means_no_information_so_geography_decides()
    {
        var d = Level(Make(recipientCountry: "KE", locations: [Country("KE")], locationScope: "GLS099"));
        Assert.Equal(GrantLevel.National, d.Value);
        Assert.Equal(ClassificationSource.Rule, d.Source);
    }

    [Theory]
    [InlineData("national", GrantLevel.National)]
    [InlineData("Local", GrantLevel.Local)]
    [InlineData("REGIONAL", GrantLevel.Regional)]
    [InlineData("global", GrantLevel.Global)]
    [InlineData("nacional", GrantLevel.National)]
    public void An_explicit_level_wins_over_inference(string given, GrantLevel expected)
    {
        var d = Level(Make(recipientCountry: "MZ", locations: [Named("Tete", "MZ")], explicitLevel: given));
        Assert.Equal(expected, d.Value);
        Assert.Equal(ClassificationSource.Explicit, d.Source);
    }

    [Fact]
    public void Work_in_several_world_regions_is_global()
    {
        var d = Level(Make(recipientCountry: "KE", locations: [Country("KE"), Country("IN"), Country("BR")]));
        Assert.Equal(GrantLevel.Global, d.Value);
        Assert.Contains(d.Evidence, e => e.Contains("several world regions", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Global")]
    [InlineData("Worldwide")]
    [InlineData("International")]
    public void A_global_beneficiary_location_is_global(string name)
    {
        Assert.Equal(GrantLevel.Global, Level(Make(recipientCountry: "NL", locations: [Named(name)])).Value);
    }

    [Fact]
    public void Several_countries_of_one_region_based_there_is_regional()
    {
        var d = Level(Make(recipientCountry: "MX", locations: [Country("MX"), Country("GT"), Country("HN")]));
        Assert.Equal(GrantLevel.Regional, d.Value);

        // Issue 13: a confidence is the share of such answers found right on labelled real grants, not a constant.
        Assert.Equal(RuleSet.Default.Confidence(ConfidenceKeys.LevelRegional, -1), d.Confidence);
    }

    [Theory]
    [InlineData("Central America", "GT")]
    [InlineData("East Africa", "UG")]
    [InlineData("Sub-Sahara Africa", "KE")]
    [InlineData("Southeast Asia", "TH")]
    [InlineData("Afrique de l'Ouest", "SN")]
    public void A_region_name_as_the_place_is_regional(string region, string baseCountry)
    {
        Assert.Equal(GrantLevel.Regional, Level(Make(recipientCountry: baseCountry, locations: [Named(region)])).Value);
    }

    [Fact]
    public void One_country_with_a_sub_national_place_is_local()
    {
        var d = Level(Make(recipientCountry: "CO", locations: [Named("Toribío, Cauca", "CO")]));
        Assert.Equal(GrantLevel.Local, d.Value);
        Assert.Contains(d.Evidence, e => e.Contains("sub-national", StringComparison.Ordinal));
    }

    [Fact]
    public void A_location_that_lists_countries_is_each_of_them()
    {
        // "Peru, Kenya, Tanzania" in one beneficiary location: the work spans world regions (TAXONOMY.md: global).
        var d = Level(Make(recipientCountry: "GB", locations: [Named("Peru, Kenya, Tanzania")]));
        Assert.Equal(GrantLevel.Global, d.Value);
        Assert.Contains("place 'Peru, Kenya, Tanzania': a list of countries", d.Evidence);

        var oneRegion = Level(Make(recipientCountry: "KE", locations: [Named("Kenya, Uganda, Tanzania")]));
        Assert.Equal(GrantLevel.Regional, oneRegion.Value);
    }

    [Theory]
    [InlineData("KE-21", "ISO3166-2")]
    [InlineData("E05000001", "WD")]
    public void A_geo_code_below_country_level_is_local(string geoCode, string geoCodeType)
    {
        var code = geoCode.StartsWith("KE", StringComparison.Ordinal) ? "KE" : "GB";
        Assert.Equal(
            GrantLevel.Local,
            Level(
                Make(recipientCountry: code, locations: [new BeneficiaryLocation(null, code, geoCode, geoCodeType)])
            ).Value
        );
    }

    [Fact]
    public void A_country_level_geo_code_is_not_sub_national()
    {
        Assert.Equal(
            GrantLevel.National,
            Level(
                Make(
                    recipientCountry: "GB",
                    locations: [new BeneficiaryLocation("United Kingdom", "GB", "K02000001", "CTRY")]
                )
            ).Value
        );
    }

    [Fact]
    public void One_country_without_a_place_below_it_is_national()
    {
        var d = Level(Make(recipientCountry: "Uganda", locations: [Named("UGANDA")]));
        Assert.Equal(GrantLevel.National, d.Value);
        Assert.Contains(d.Evidence, e => e.Contains("one country (UG)", StringComparison.Ordinal));
    }

    [Fact]
    public void Recipient_location_codes_are_the_base_when_the_address_country_is_missing()
    {
        Assert.Equal(GrantLevel.Global, Level(Make(recipientLocations: ["DE"], locations: [Country("AF")])).Value);
    }

    [Fact]
    public void A_grassroots_group_with_only_a_country_location_is_local_from_the_text()
    {
        var d = Level(
            Make(
                description: "A grassroots collective of fisherwomen meets every month.",
                recipientCountry: "SN",
                locations: [Country("SN")]
            )
        );
        Assert.Equal(GrantLevel.Local, d.Value);
        Assert.True(d.Confidence < ClassificationThresholds.High);
    }

    [Fact]
    public void Without_a_beneficiary_location_the_text_supports_the_level()
    {
        Assert.Equal(
            GrantLevel.National,
            Level(Make(description: "Security workshops nationwide.", recipientCountry: "MW")).Value
        );
        Assert.Equal(GrantLevel.Global, Level(Make(description: "Una campaña mundial.", recipientCountry: "MX")).Value);
        Assert.Equal(
            GrantLevel.Regional,
            Level(Make(description: "Support for defenders across Central America.", recipientCountry: "GT")).Value
        );
        Assert.Equal(
            GrantLevel.Global,
            Level(Make(description: "A UK charity will train defenders in Honduras.", recipientCountry: "GB")).Value
        );
    }

    [Fact]
    public void Unknown_countries_are_reported_not_thrown()
    {
        var d = Level(Make(recipientCountry: "Atlantis", locations: [Country("ZZ"), Named("Narnia")]));
        Assert.Contains("unknown country: Atlantis", d.Evidence);
        Assert.Contains("unknown country: ZZ", d.Evidence);
        Assert.Equal(GrantLevel.Unclassified, d.Value);
    }

    [Fact]
    public void Nothing_known_is_unclassified()
    {
        var d = Level(Make(title: "Grant"));
        Assert.Equal(GrantLevel.Unclassified, d.Value);
        Assert.Equal(0, d.Confidence);
    }
}

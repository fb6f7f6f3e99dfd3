using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Level evidence real files carry (issue 13): the recipient's address, international bodies, constituent
/// countries named as beneficiary locations, a region around the one country, "UK Wide" said in so many
/// words.</summary>
public sealed class RecipientEvidenceTests
{
    private static GrantClassification Classify(GrantRecord g) => ClassificationEngine.Default.Classify(g);

    [Fact]
    public void A_uk_postcode_places_the_recipient_in_gb_when_nothing_else_does()
    {
        var grant = Make(title: "Community radio for isolated older people") with
        {
            RecipientOrgPostalCode = "M19 2EQ",
            RecipientOrgLocality = "Manchester",
        };
        var level = Classify(grant).Level;
        Assert.NotEqual(GrantLevel.Unclassified, level.Value);
        Assert.Contains("the recipient's address 'M19 2EQ': in GB", level.Evidence);

        var without = Classify(Make(title: "Community radio for isolated older people")).Level;
        Assert.Equal(GrantLevel.Unclassified, without.Value);
    }

    [Fact]
    public void An_ambiguous_town_alone_is_not_an_address_country()
    {
        var level = Classify(Make(title: "Arts programme") with { RecipientOrgLocality = "Victoria" }).Level;
        Assert.Equal(GrantLevel.Unclassified, level.Value);
        Assert.DoesNotContain(level.Evidence, e => e.StartsWith("the recipient's address", StringComparison.Ordinal));
    }

    [Fact]
    public void A_body_on_an_international_list_is_global()
    {
        var level = Classify(
            Make(title: "Freedom of expression", locations: [Country("EG")]) with
            {
                RecipientOrgId = "XM-DAC-41304",
            }
        ).Level;
        Assert.Equal(GrantLevel.Global, level.Value);
        Assert.Contains(level.Evidence, e => e.StartsWith("decision: level.international", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Scotland")]
    [InlineData("Wales")]
    [InlineData("Northern Ireland")]
    public void A_constituent_country_as_beneficiary_location_is_local(string name)
    {
        var level = Classify(
            Make(title: "Law centre", recipientCountry: "GB", locations: [new(name, null, null, null)])
        ).Level;
        Assert.Equal(GrantLevel.Local, level.Value);
    }

    [Fact]
    public void A_region_around_the_one_country_does_not_make_the_work_regional()
    {
        var level = Classify(
            Make(title: "Child protection", locations: [Country("MW"), new("South of Sahara", null, null, null)])
        ).Level;
        Assert.Equal(GrantLevel.National, level.Value);
    }

    [Fact]
    public void Uk_wide_in_the_data_is_not_overruled_by_a_place_in_the_recipients_name()
    {
        var level = Classify(
            Make(
                title: "Migrants' law project",
                recipientCountry: "GB",
                recipientName: "Islington Law Centre",
                locations: [new("UK Wide", null, null, null)]
            )
        ).Level;
        Assert.Equal(GrantLevel.National, level.Value);
    }

    [Fact]
    public void The_recipients_name_in_the_title_does_not_decide_the_purpose()
    {
        var purpose = Classify(
            Make(
                title: "Grant to Ethnic Minorities Advocacy Group",
                description: "the salary of a project support worker and premises hire for support groups",
                recipientName: "Ethnic Minorities Advocacy Group"
            )
        ).Purpose;
        Assert.Equal(GrantPurpose.Other, purpose.Value);
        Assert.DoesNotContain(purpose.Evidence, e => e.Contains("'advocacy'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_recipients_own_country_as_beneficiary_location_gives_way_to_a_town_the_text_names()
    {
        // TAXONOMY.md: a funder that records the recipient's own country says nothing about the work's place; the
        // sub-national place the description names does.
        var inTown = Classify(
            Make(title: "Core costs of a tech hub in Mombasa", recipientCountry: "KE", locations: [Country("KE")])
        ).Level;
        Assert.Equal(GrantLevel.Local, inTown.Value);
        Assert.Contains(inTown.Evidence, e => e.Contains("the text names places inside it", StringComparison.Ordinal));

        var country = Classify(
            Make(title: "Core costs of a tech hub", recipientCountry: "KE", locations: [Country("KE")])
        ).Level;
        Assert.Equal(GrantLevel.National, country.Value);
    }

    [Fact]
    public void The_one_country_a_recipients_name_names_is_its_base_when_nothing_else_says_it()
    {
        // TAXONOMY.md: where the recipient is based is evidence like any other, and a recipient based outside the
        // region where the work happens is global (an IATI implementer named "Enterprise - United States Unknown").
        var named = Classify(
            Make(
                title: "Airport modernisation feasibility study",
                recipientName: "Enterprise - United States Unknown",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.Global, named.Value);
        Assert.Contains("the recipient's name names US: based there", named.Evidence);

        var negated = Classify(
            Make(
                title: "Airport modernisation feasibility study",
                recipientName: "NGO - Non United States Unknown",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.National, negated.Value);

        // A base the data gives wins over the name, and a name naming two countries says nothing.
        var given = Classify(
            Make(
                title: "Airport modernisation feasibility study",
                recipientName: "Friends of the United States",
                recipientCountry: "BR",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.National, given.Value);
        var two = Classify(
            Make(
                title: "Airport modernisation feasibility study",
                recipientName: "Brazil-United States Chamber",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.National, two.Value);
    }

    [Fact]
    public void A_name_that_negates_the_recorded_country_leaves_the_base_unknown()
    {
        // "NGO - Non United States Unknown" published with the channel code of a United States NGO: the name is the
        // more specific evidence, so the Brazilian grant is national, not global.
        var denied = Classify(
            Make(
                title: "Job training for young people",
                recipientName: "NGO - Non United States Unknown",
                recipientCountry: "US",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.National, denied.Value);
        Assert.Contains("the recipient's name says it is not of US: its base is unknown", denied.Evidence);

        var kept = Classify(
            Make(
                title: "Job training for young people",
                recipientName: "NGO - United States Unknown",
                recipientCountry: "US",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.Global, kept.Value);
    }

    [Fact]
    public void A_development_agency_named_in_the_recipients_name_is_its_country_but_not_in_the_text()
    {
        // "Personnel Unknown - USAID": the acronym names the United States as plainly as "United States" does, so
        // the agency's staff working in Brazil are based outside the work's region (TAXONOMY.md: global).
        var staff = Classify(
            Make(
                title: "Administration and Oversight",
                recipientName: "Personnel Unknown - USAID",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.Global, staff.Value);
        Assert.Contains("the recipient's name names US: based there", staff.Evidence);

        // In a description the agency is the donor, not a place of work.
        var funded = Classify(
            Make(
                title: "Job training for young people",
                description: "A USAID-funded programme",
                recipientName: "Associacao Jovens do Brasil",
                recipientCountry: "BR",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.National, funded.Value);
    }

    [Fact]
    public void A_recipient_named_as_a_countrys_government_is_based_in_that_country()
    {
        // "Government of Brazil" published with the public-sector channel code that the record reads as the donor's
        // own country: a government is based in its own country, so its work at home is national, not global.
        var government = Classify(
            Make(
                title: "Port modernisation study",
                recipientName: "Government of Brazil",
                recipientCountry: "US",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.National, government.Value);
        Assert.Contains("the recipient's name says it is the government of BR: based there", government.Evidence);

        var donor = Classify(
            Make(
                title: "Port modernisation study",
                recipientName: "U.S. Government - Department of Commerce",
                recipientCountry: "US",
                locations: [Country("BR")]
            )
        ).Level;
        Assert.Equal(GrantLevel.Global, donor.Value);
    }
}

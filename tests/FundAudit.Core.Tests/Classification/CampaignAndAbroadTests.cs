using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Rule set 2026.12-4: campaigns with no place of work, a lone own-country location beside work abroad,
/// strong purposes clear of ordinary work, and countries named by their demonyms.</summary>
public sealed class CampaignAndAbroadTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    private static GrantRecord Campaign(string? orgId) =>
        Make(
            title: "Public campaign",
            description: "A public campaign and lobbying of members of parliament on immigration detention."
        ) with
        {
            RecipientOrgId = orgId,
        };

    [Fact]
    public void A_campaign_of_a_recipient_with_only_its_base_known_is_national()
    {
        var result = Engine.Classify(Campaign("GB-CHC-1065066"));
        Assert.Equal(GrantPurpose.Campaign, result.Purpose.Value);
        Assert.Equal(GrantLevel.National, result.Level.Value);
        Assert.Contains(result.Level.Evidence, e => e.StartsWith("decision: " + ConfidenceKeys.LevelBaseCampaign));
    }

    [Fact]
    public void A_campaign_with_no_place_at_all_is_national_and_other_work_stays_unclassified()
    {
        Assert.Equal(GrantLevel.National, Engine.Classify(Campaign(null)).Level.Value);
        var other = Make(title: "Seminar series", description: "A series of seminars for members and staff.");
        var level = Engine.Classify(other).Level;
        Assert.Equal(GrantLevel.Unclassified, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("no place known"));
    }

    [Fact]
    public void A_campaign_of_a_recipient_on_a_constituent_countrys_register_is_not_made_national()
    {
        // GB-SC is the Scottish register: Scotland is sub-national (TAXONOMY.md), so the campaign rule stays out.
        var level = Engine.Classify(Campaign("GB-SC-SC012345")).Level;
        Assert.NotEqual(GrantLevel.National, level.Value);
        Assert.DoesNotContain(level.Evidence, e => e.StartsWith("decision: " + ConfidenceKeys.LevelBaseCampaign));
    }

    [Fact]
    public void Work_around_the_developing_world_beats_a_lone_location_in_the_recipients_own_country()
    {
        var grant = Make(
            title: "Technology for activists",
            description: "Work with activists around the developing world on their use of technology.",
            recipientCountry: "GB",
            locations: [Country("GB")]
        );
        var level = Engine.Classify(grant).Level;
        Assert.Equal(GrantLevel.Global, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("the text speaks of work abroad"));
    }

    [Fact]
    public void International_alone_or_a_global_word_in_the_recipients_name_keeps_the_own_country_national()
    {
        var international = Make(
            title: "Solidarity",
            description: "International solidarity with a jailed journalist.",
            recipientCountry: "TR",
            locations: [Country("TR")]
        );
        var named = Make(
            title: "Core costs",
            description: "Running costs of the organisation.",
            recipientCountry: "BR",
            locations: [Country("BR")],
            recipientName: "Justiça Global"
        );
        Assert.Equal(GrantLevel.National, Engine.Classify(international).Level.Value);
        Assert.Equal(GrantLevel.National, Engine.Classify(named).Level.Value);
    }

    [Fact]
    public void A_protection_purpose_close_to_the_ordinary_work_terms_is_not_strong()
    {
        // Title terms count 1.5 times: 'medical care' 1.5 and 'after an attack' 4.5, twice the minimum score of 3.
        var clear = Engine.Classify(Make(title: "Medical care after an attack")).Purpose;
        var close = Engine
            .Classify(
                Make(
                    title: "Medical care after an attack",
                    description: "Therapy and employment support for survivors."
                )
            )
            .Purpose;
        Assert.Equal(GrantPurpose.Emergency, clear.Value);
        Assert.Equal(GrantPurpose.Emergency, close.Value); // 6 against ordinary work's 4: still emergency, not strong
        Assert.Contains(clear.Evidence, e => e.StartsWith("decision: " + ConfidenceKeys.PurposeStrong));
        Assert.False(
            close.Evidence.Any(e => e.StartsWith("decision: " + ConfidenceKeys.PurposeStrong)),
            string.Join(" | ", close.Evidence)
        );
    }

    [Fact]
    public void A_country_named_only_by_its_demonym_outvotes_the_recipients_own_country()
    {
        var grant = Make(
            title: "Piloting publication of Zambian legislation",
            description: "An open source platform for the publication of legal information.",
            recipientCountry: "ZA",
            locations: [Country("ZA")]
        );
        var level = Engine.Classify(grant).Level;
        Assert.Equal(GrantLevel.Regional, level.Value); // ZA-based, work in ZM: one region
        Assert.Contains(level.Evidence, e => e.Contains("the text names ZM"));

        var kenyanLed = Make(
            title: "Kenyan-led network",
            description: "Support for a Kenyan-led network of journalists.",
            recipientCountry: "GB",
            locations: [Country("GB")]
        );
        Assert.Equal(GrantLevel.Global, Engine.Classify(kenyanLed).Level.Value); // GB-based, work in Africa
    }

    [Fact]
    public void Demonyms_of_several_countries_and_language_names_are_not_read_as_countries()
    {
        var phrases = FundAudit.Core.Geography.Countries.DemonymPhrases().ToDictionary(p => p.Phrase, p => p.Country);
        Assert.Equal("ZM", phrases["zambian"].Alpha2);
        Assert.Equal("KE", phrases["kenyane"].Alpha2); // French forms too
        Assert.DoesNotContain("american", phrases.Keys); // the US and the US Minor Outlying Islands
        Assert.DoesNotContain("congolese", phrases.Keys); // CD and CG: never guessed
        Assert.DoesNotContain("german", phrases.Keys); // a language: "German classes"
        Assert.DoesNotContain("polish", phrases.Keys); // an ordinary word
        var grant = Make(
            title: "English and German language classes",
            description: "Language classes for refugees.",
            recipientCountry: "GB",
            locations: [Country("GB")]
        );
        Assert.Equal(GrantLevel.National, Engine.Classify(grant).Level.Value);
    }

    [Fact]
    public void A_website_is_communication_to_outside_audiences()
    {
        // 'social media' (1.5) alone stays below the minimum of 3; with 'website' it is a campaign.
        Assert.Equal(
            GrantPurpose.Other,
            Engine.Classify(Make(description: "Social media project for members")).Purpose.Value
        );
        var purpose = Engine.Classify(Make(description: "Social media and website project for members")).Purpose;
        Assert.Equal(GrantPurpose.Campaign, purpose.Value);
        Assert.Contains(purpose.Evidence, e => e.Contains("'website'"));
    }

    [Fact]
    public void A_negated_country_is_not_a_place_of_work()
    {
        // A US agency's record about Brazil: "Non United States" says where the work is not.
        var grant = Make(
            title: "Program support",
            description: "Needs assessments and evaluations. Non United States based partners in the country.",
            locations: [Country("BR")]
        );
        var level = Engine.Classify(grant).Level;
        Assert.Equal(GrantLevel.National, level.Value);
        Assert.DoesNotContain(level.Evidence, e => e.Contains("US (Northern America)"));
    }

    [Fact]
    public void Material_relief_is_an_emergency_response()
    {
        // The OECD DAC sector name IATI activities carry for emergency material relief (72010).
        var purpose = Engine
            .Classify(Make(title: "Appeal 2010", description: "Sectors: Material relief assistance and services."))
            .Purpose;
        Assert.Equal(GrantPurpose.Emergency, purpose.Value);
    }

    [Fact]
    public void A_french_province_name_is_found_in_its_english_form()
    {
        // ISO 3166-2 writes CD-NK "Nord-Kivu"; English text writes "North Kivu".
        var grant = Make(
            title: "Emergency assistance to displaced households in North Kivu",
            description: "Distribution of non-food items to families displaced by the fighting.",
            locations: [Country("CD")]
        );
        var level = Engine.Classify(grant).Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("Nord-Kivu") || e.Contains("North Kivu"));
    }
}

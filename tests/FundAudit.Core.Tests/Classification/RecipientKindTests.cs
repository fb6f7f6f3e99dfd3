using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>
/// The kind of recipient as level evidence where geography does not decide (TAXONOMY.md, level: `national` is "an
/// organisation based in one country and working across that country"): terms of the recipient's name
/// (<c>level.recipientTerms</c>), never of the grant's text.
/// </summary>
public sealed class RecipientKindTests
{
    /// <summary>A grant to a recipient registered in GB, by its name and title, with its beneficiary
    /// locations.</summary>
    private static Dimension<GrantLevel> InGb(string name, string title, params BeneficiaryLocation[] locations) =>
        ClassificationEngine
            .Default.Classify(Make(title: title, recipientCountry: "GB", recipientName: name, locations: locations))
            .Level;

    [Fact]
    public void A_university_known_only_by_its_base_is_national_and_says_why()
    {
        var level = InGb("Aston University", "Research merit award");
        Assert.Equal(GrantLevel.National, level.Value);
        Assert.Contains("recipient's name: national organisation +3 'university'", level.Evidence);
        Assert.Contains(level.Evidence, e => e.StartsWith("decision: level.base.recipient", StringComparison.Ordinal));

        Assert.Equal(GrantLevel.Local, InGb("Aston Trust", "Research merit award").Value);
    }

    [Fact]
    public void A_place_in_a_national_bodys_name_does_not_make_it_local()
    {
        Assert.Equal(GrantLevel.National, InGb("University of Manchester", "Intercalated awards", Country("GB")).Value);
        Assert.Equal(GrantLevel.Local, InGb("Manchester Youth Zone", "Intercalated awards", Country("GB")).Value);

        // TAXONOMY.md: a constituent country (Scotland, England) is a sub-national territory, whatever the name says.
        var scotland = InGb("National Theatre of Scotland", "Creative development spaces");
        Assert.Equal(GrantLevel.Local, scotland.Value);
        Assert.DoesNotContain(scotland.Evidence, e => e.StartsWith("recipient's name:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_county_association_is_as_local_as_its_county_but_a_university_of_a_city_stays_national()
    {
        // "Association of", "federation" (weight 2) say the body has members; a place in the name says whose: a
        // county's members. "University" (weight 3) is the organisation's kind, whatever town it is named after.
        var county = InGb("Norfolk Federation of Village Halls", "Training for hall committees");
        Assert.Equal(GrantLevel.Local, county.Value);
        Assert.Contains(county.Evidence, e => e.Contains("its name names Norfolk", StringComparison.Ordinal));
        Assert.DoesNotContain(county.Evidence, e => e.StartsWith("recipient's name:", StringComparison.Ordinal));

        Assert.Equal(GrantLevel.National, InGb("Federation of Village Halls", "Training for hall committees").Value);
        Assert.Equal(GrantLevel.National, InGb("University of Exeter", "Training for hall committees").Value);
    }

    [Fact]
    public void The_kind_is_read_in_the_name_only_and_a_local_group_in_the_text_keeps_it_local()
    {
        Assert.Equal(GrantLevel.Local, InGb("Aston Trust", "Mentoring for students of the university").Value);
        Assert.Equal(GrantLevel.Local, InGb("UK Youth", "Grassroots community-based support").Value);
    }

    [Fact]
    public void Recipient_terms_round_trip_and_an_unknown_level_is_named_by_its_path()
    {
        var again = RuleSet.Parse(RuleSet.Default.ToJson());
        Assert.True(again.IsValid, string.Join("; ", again.Errors));
        Assert.Contains(again.RuleSet!.RecipientLevelTerms[GrantLevel.National], t => t.Term == "university");

        var doc = System.Text.Json.Nodes.JsonNode.Parse(RuleSet.DefaultJson())!.AsObject();
        doc["level"]!["recipientTerms"]!["planetary"] = new System.Text.Json.Nodes.JsonObject { ["x"] = 1 };
        var bad = RuleSet.Parse(doc.ToJsonString());
        Assert.Contains(bad.Errors, e => e.Path == "$.level.recipientTerms.planetary");
    }
}

using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>
/// Level words of real UK records where only the recipient's base is known (TAXONOMY.md, level: `national` is "an
/// organisation based in one country and working across that country").
/// </summary>
public sealed class SectorAndSiteTests
{
    private static Dimension<GrantLevel> InGb(string name, string title, string? description = null) =>
        ClassificationEngine
            .Default.Classify(Make(title: title, description: description, recipientCountry: "GB", recipientName: name))
            .Level;

    [Fact]
    public void Work_for_a_whole_sector_or_a_pooled_fund_is_national_where_no_place_is_named()
    {
        var sector = InGb(
            "Charity Futures",
            "Core grant",
            "A pooled fund to support the voluntary sector in its recovery from the floods."
        );
        Assert.Equal(GrantLevel.National, sector.Value);
        Assert.Contains("national +2 'voluntary sector'", sector.Evidence);
        Assert.Contains(sector.Evidence, e => e.StartsWith("decision: level.base.national", StringComparison.Ordinal));

        var regrant = InGb("Helping Hands", "Towards delegated grant-making for small charities");
        Assert.Equal(GrantLevel.National, regrant.Value);

        // Without such words the same base says nothing of the work's reach: the rule set's default, local.
        Assert.Equal(GrantLevel.Local, InGb("Charity Futures", "Core grant", "Support for the recovery").Value);
    }

    [Fact]
    public void A_named_place_still_decides_over_sector_words()
    {
        var level = ClassificationEngine
            .Default.Classify(
                Make(
                    title: "Third sector support",
                    description: "Digital skills for third sector groups in the borough",
                    recipientCountry: "GB",
                    recipientName: "Helping Hands",
                    locations: [Named("Rochdale")]
                )
            )
            .Level;
        Assert.Equal(GrantLevel.Local, level.Value);
    }

    [Fact]
    public void Work_at_one_site_keeps_a_national_bodys_kind_from_making_the_grant_national()
    {
        // TAXONOMY.md, where the work happens: a laboratory refurbished is work at the recipient's own site.
        var lab = InGb("University of Barchester", "Refurbishment of the chemistry laboratories");
        Assert.Equal(GrantLevel.Local, lab.Value);
        Assert.Contains("work at one site +2 'refurbish*'", lab.Evidence);
        Assert.Contains(
            "the grant pays for work at one site: the recipient's kind does not make it national",
            lab.Evidence
        );

        var rooms = InGb("National College for the Deaf", "Fire doors in the residential accommodation");
        Assert.Equal(GrantLevel.Local, rooms.Value);
        Assert.Contains("work at one site +2 'residential accommodation'", rooms.Evidence);

        // The same body's award that is not tied to its site stays national, by its kind.
        Assert.Equal(GrantLevel.National, InGb("University of Barchester", "Postgraduate scholarships").Value);

        // Site words are read in the text only: a national body named for equipment is still national.
        var named = InGb("National Equipment Bank", "Core costs");
        Assert.Equal(GrantLevel.National, named.Value);
        Assert.DoesNotContain(named.Evidence, e => e.StartsWith("work at one site", StringComparison.Ordinal));
    }

    [Fact]
    public void A_national_word_of_the_name_does_not_outweigh_work_at_one_site()
    {
        // "British" is both the name's kind and a national word; a purchase for the collection is work at its site.
        var purchase = InGb("The British Clock Museum", "Grant towards the purchase of a Victorian turret clock");
        Assert.Equal(GrantLevel.Local, purchase.Value);
        Assert.DoesNotContain("national +2 'british'", purchase.Evidence);

        Assert.Equal(GrantLevel.National, InGb("The British Clock Museum", "Research fellowships").Value);
    }

    [Fact]
    public void A_residents_association_is_a_local_group_whatever_its_name_says_of_its_kind()
    {
        var residents = InGb("Fenwick Association of Residents", "The young people's project");
        Assert.Equal(GrantLevel.Local, residents.Value);
        Assert.Contains("local +3 'association of residents'", residents.Evidence);

        // A body of members with no word of where they are stays a national association (level.recipientTerms).
        Assert.Equal(GrantLevel.National, InGb("Association of Clock Restorers", "The young people's project").Value);
        Assert.Equal(GrantLevel.Local, InGb("Marsh Lane Tenants' Association", "Summer fun day").Value);
    }

    [Fact]
    public void Site_terms_round_trip_and_a_malformed_list_is_named_by_its_path()
    {
        var again = RuleSet.Parse(RuleSet.Default.ToJson());
        Assert.True(again.IsValid, string.Join("; ", again.Errors));
        Assert.Contains(again.RuleSet!.SiteTerms, t => t.Term == "laborator*" && t.Weight == 2);

        var doc = System.Text.Json.Nodes.JsonNode.Parse(RuleSet.DefaultJson())!.AsObject();
        doc["level"]!["siteTerms"] = new System.Text.Json.Nodes.JsonArray("laboratory");
        var bad = RuleSet.Parse(doc.ToJsonString());
        Assert.Contains(bad.Errors, e => e.Path == "$.level.siteTerms");
    }
}

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
    private static Dimension<GrantLevel> InGb(
        string name,
        string title,
        string? description = null,
        params BeneficiaryLocation[] locations
    )
    {
        var grant = Make(title, description, "GB", locations, recipientName: name);
        return ClassificationEngine.Default.Classify(grant).Level;
    }

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
        var level = InGb(
            "Helping Hands",
            "Third sector support",
            "Digital skills for third sector groups in the borough",
            Named("Rochdale")
        );
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

    // "British" is both the name's kind and a national word, yet a purchase for the collection is work at its site; a
    // residents' association is a local group, whatever "association of" says of a body of members.
    [Theory]
    [InlineData("The British Clock Museum", "Towards the purchase of a turret clock", GrantLevel.Local)]
    [InlineData("The British Clock Museum", "Research fellowships", GrantLevel.National)]
    [InlineData("Fenwick Association of Residents", "The young people's project", GrantLevel.Local)]
    [InlineData("Association of Clock Restorers", "The young people's project", GrantLevel.National)]
    [InlineData("Marsh Lane Tenants' Association", "Summer fun day", GrantLevel.Local)]
    public void Site_work_and_residents_groups_outweigh_national_words_of_a_name(
        string name,
        string title,
        GrantLevel expected
    )
    {
        var level = InGb(name, title);
        Assert.Equal(expected, level.Value);
        if (expected == GrantLevel.Local)
        {
            Assert.DoesNotContain(level.Evidence, e => e.StartsWith("national +", StringComparison.Ordinal));
        }
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

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
}

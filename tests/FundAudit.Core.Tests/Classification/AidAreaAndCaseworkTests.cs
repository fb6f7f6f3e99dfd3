using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Rule set 2026.12-8: English names of areas of one country that aid records use and no code list gives
/// ("eastern DRC", "the Kivus", "Northern Kivu", "northern Uganda") are sub-national places (scopes.tsv).</summary>
public sealed class AidAreaAndCaseworkTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    [Theory]
    [InlineData("in the communes of Karisimbi and Goma, Northern Kivu", "Nord-Kivu")]
    [InlineData("in Southern Kivu", "Sud-Kivu")]
    [InlineData("in eastern DRC", "Eastern DRC")]
    [InlineData("across the eastern Democratic Republic of Congo", "Eastern DRC")]
    [InlineData("in the Kivus", "Kivu")]
    public void An_area_of_the_Congo_named_in_English_makes_the_work_local(string where, string place)
    {
        // An IATI partner named only in free text, one whole country as the beneficiary location: the places the
        // text names inside that country say where the work happens.
        var level = Engine
            .Classify(
                Make(
                    title: "Emergency food assistance to displaced families",
                    description: $"Food for 713 households displaced by the recent fighting {where}.",
                    locations: [Country("CD")]
                )
            )
            .Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains(place, StringComparison.Ordinal));
    }

    [Fact]
    public void Eastern_Congo_is_the_Democratic_Republic_not_a_second_country()
    {
        // "Congo" alone is the Republic of the Congo; "eastern Congo" is the east of the DRC, so the work stays in
        // one country instead of two (regional).
        var level = Engine
            .Classify(
                Make(
                    title: "Community paralegals",
                    description: "Training community paralegals in eastern Congo.",
                    locations: [Country("CD")]
                )
            )
            .Level;
        Assert.Equal(GrantLevel.Local, level.Value);
    }

    [Fact]
    public void Northern_Uganda_is_a_place_of_Uganda()
    {
        var level = Engine
            .Classify(
                Make(
                    title: "Citizen reporting",
                    description: "Citizens report and monitor service delivery in Northern Uganda.",
                    locations: [Country("UG")]
                )
            )
            .Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("Northern Uganda", StringComparison.Ordinal));
    }
}

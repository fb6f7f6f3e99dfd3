using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Rule set 2026.12-10: a place name right after a person's title ("Queen Mary", "Professor Karen
/// Vogtmann", "Stratford St Mary") is a person's name, not a place of work.</summary>
public sealed class PersonTitleTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    [Theory]
    [InlineData("Queen Elizabeth Hall lighting", "Elizabeth")]
    [InlineData("Merit award made to Professor Karen Vogtmann, Mathematics Institute", "Karen")]
    [InlineData("Purchase of a painting of the river between Dedham and Stratford St Mary", "Mary")]
    public void A_place_name_after_a_title_is_a_person(string description, string name)
    {
        var level = Engine
            .Classify(Make(title: "Capital grant", description: description, recipientCountry: "GB"))
            .Level;
        Assert.NotEqual(GrantLevel.Global, level.Value);
        Assert.DoesNotContain(level.Evidence, e => e.Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public void The_place_itself_is_still_read_without_the_title_and_a_place_named_for_a_saint_stays_a_place()
    {
        var abroad = Engine
            .Classify(Make(title: "Capital grant", description: "A school in Kayin State", recipientCountry: "GB"))
            .Level;
        Assert.Equal(GrantLevel.Global, abroad.Value);

        var congo = Engine
            .Classify(Make(title: "Health programme", description: "Clinics across DR Congo", recipientCountry: "GB"))
            .Level;
        Assert.Equal(GrantLevel.Global, congo.Value);
        Assert.Contains(congo.Evidence, e => e.Contains("CD", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Duke of Edinburgh's Award", "Edinburgh")]
    [InlineData("Prince of Wales Hospice", "Wales")]
    public void A_place_after_a_title_of_nobility_and_its_of_is_part_of_a_name(string recipient, string place)
    {
        var level = Engine
            .Classify(Make(title: "Towards project development", recipientCountry: "GB", recipientName: recipient))
            .Level;
        Assert.DoesNotContain(level.Evidence, e => e.Contains(place, StringComparison.Ordinal));
        Assert.Contains(level.Evidence, e => e.StartsWith("decision: level.base.only", StringComparison.Ordinal));

        // Without the title the same place is the name's place: a local body of that city.
        var friends = Engine
            .Classify(
                Make(
                    title: "Towards project development",
                    recipientCountry: "GB",
                    recipientName: "Friends of Edinburgh Parks"
                )
            )
            .Level;
        Assert.Contains(friends.Evidence, e => e.Contains("its name names Edinburgh", StringComparison.Ordinal));
    }
}

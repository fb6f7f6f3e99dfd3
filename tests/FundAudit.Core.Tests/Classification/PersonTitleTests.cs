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
}

using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Rule set 2026.12-7: a constituent country is sub-national (TAXONOMY.md), but work in all of them (England,
/// Scotland, Wales and Northern Ireland) is work across the whole country.</summary>
public sealed class WholeCountryPartsTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    [Fact]
    public void Work_in_all_four_parts_of_the_uk_is_national()
    {
        var level = Engine
            .Classify(
                Make(
                    title: "Emergency grants fund",
                    description: "A fund drawing on partners in England, Scotland, Wales and Northern Ireland.",
                    recipientCountry: "GB"
                )
            )
            .Level;
        Assert.Equal(GrantLevel.National, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("all the constituent countries of GB"));
    }

    [Theory]
    [InlineData("England, Scotland and Wales")] // Northern Ireland missing
    [InlineData("Scotland")]
    public void Work_in_some_of_them_stays_local(string parts)
    {
        var level = Engine
            .Classify(Make(title: "Youth work", description: $"Youth clubs in {parts}.", recipientCountry: "GB"))
            .Level;
        Assert.Equal(GrantLevel.Local, level.Value);
    }
}

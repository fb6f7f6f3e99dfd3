using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Sector names and service wording that are the recipient's own work (TAXONOMY.md `other`), not a
/// protection purpose.</summary>
public sealed class SectorAndServiceWordingTests
{
    private static GrantClassification Classify(string? title, string? description = null) =>
        ClassificationEngine.Default.Classify(Make(title: title, description: description));

    [Theory]
    [InlineData("Support to the fisheries ministry", "Sectors: Fishing policy and administrative management.")]
    [InlineData(
        "Advisers to the transport ministry",
        "Road plan. Sectors: Transport policy and administrative management."
    )]
    public void A_sector_named_policy_and_administrative_management_is_not_lobbying(string title, string description)
    {
        var purpose = Classify(title, description).Purpose;
        Assert.Equal(GrantPurpose.Other, purpose.Value);
        Assert.Contains(purpose.Evidence, e =>
            e.Contains("'policy and administrative management'", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void Lobbying_ministries_on_policy_is_still_a_campaign() =>
        Assert.Equal(
            GrantPurpose.Campaign,
            Classify("Lobbying the ministry to change its policy on land titles").Purpose.Value
        );
}

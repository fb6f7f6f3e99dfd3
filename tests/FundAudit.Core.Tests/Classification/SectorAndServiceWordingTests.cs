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

    [Theory]
    [InlineData("Practical and emotional support for detained asylum seekers in the removal centre", null)]
    [InlineData("Housing law centre", "Legal advice and representation for tenants, and campaigns for fair rents.")]
    public void Support_and_representation_services_are_the_recipients_own_work(string title, string? description) =>
        Assert.Equal(GrantPurpose.Other, Classify(title, description).Purpose.Value);

    [Fact]
    public void Urgent_legal_defence_after_an_arrest_stays_emergency() =>
        Assert.Equal(
            GrantPurpose.Emergency,
            Classify(
                "Legal representation and practical support for two activists arrested at the protest"
            ).Purpose.Value
        );

    [Fact]
    public void Legal_representation_without_an_arrest_or_charge_is_not_urgent_defence() =>
        Assert.Equal(
            GrantPurpose.Other,
            Classify(
                "Tenants' project",
                "Legal representation for tenants in disputes with their landlords"
            ).Purpose.Value
        );

    [Theory]
    [InlineData("Towards the running expenses of the women's centre")]
    [InlineData("A contribution to the running of the organisation over two years")]
    [InlineData("An undesignated grant to the refugee forum")]
    [InlineData("Non-restricted grant for the defenders' network")]
    [InlineData("Institutional funding for the land rights association")]
    public void Other_words_for_core_and_unrestricted_support_are_flexible(string text)
    {
        var flexible = Classify(text).Flexible;
        Assert.True(flexible.Value);
        Assert.Equal(ClassificationSource.Rule, flexible.Source);
    }
}

using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Real wording of crisis response (emergency), of core support (flexible), and of sectors and services that
/// are the recipient's own work (`other`), TAXONOMY.md.</summary>
public sealed class CrisisAndCoreWordingTests
{
    private static GrantClassification Classify(string? title, string? description = null) =>
        ClassificationEngine.Default.Classify(Make(title: title, description: description));

    [Theory]
    [InlineData("Helping the agency respond to the humanitarian crisis in the east of the country")]
    [InlineData("Keeping humanitarian access open to the cut-off valley by air")]
    [InlineData("Earthquake relief for families in the mountain villages")]
    [InlineData("Volunteers clearing homes for families hit by the floods")]
    [InlineData("Neighbourhood groups leading the crisis response in their streets")]
    public void Crisis_and_disaster_response_is_emergency(string text) =>
        Assert.Equal(GrantPurpose.Emergency, Classify(text).Purpose.Value);

    [Theory]
    [InlineData("Salary of the youth worker, premises, overheads and training for the employment project")]
    [InlineData("An app giving single parents flexible working hours around school")]
    public void Overheads_of_a_project_and_other_flexible_things_are_not_flexible_funding(string text) =>
        Assert.False(Classify(text).Flexible.Value);

    [Theory]
    [InlineData("A flexible grant to the network's response fund")]
    [InlineData("Financiación flexible de dos años para la red")]
    [InlineData("Subvention flexible pour le collectif")]
    public void A_flexible_grant_is_flexible(string text) => Assert.True(Classify(text).Flexible.Value);

    [Theory]
    [InlineData("Towards the organisation's general operating expenses")]
    [InlineData("For general charitable purposes")]
    [InlineData("Towards the running cost of the centre")]
    [InlineData("Contribution to organisational costs over three years")]
    [InlineData("Appui institutionnel à l'association des paysans")]
    [InlineData("Costos de funcionamiento de la organización")]
    [InlineData("Towards the running expenses of the women's centre")]
    [InlineData("A contribution to the running of the organisation over two years")]
    [InlineData("An undesignated grant to the refugee forum")]
    [InlineData("Non-restricted grant for the defenders' network")]
    [InlineData("Institutional funding for the land rights association")]
    public void General_and_organisational_cost_phrasings_are_flexible(string text)
    {
        var flexible = Classify(text).Flexible;
        Assert.True(flexible.Value);
        Assert.Equal(ClassificationSource.Rule, flexible.Source);
    }

    [Theory]
    [InlineData("Online peer support groups for people living with a long-term illness")]
    [InlineData("A website where neighbours can offer help to each other")]
    public void Peer_support_in_a_service_is_not_collective_protection(string text) =>
        Assert.Equal(GrantPurpose.Other, Classify(text).Purpose.Value);

    [Theory]
    [InlineData("Covid-19: counselling service for people with mental health needs")]
    [InlineData("COVID19 virtual counselling and mental health support for men")]
    public void A_pandemic_crisis_grant_stays_emergency_whatever_service_it_pays_for(string text) =>
        Assert.Equal(GrantPurpose.Emergency, Classify(text).Purpose.Value);

    [Fact]
    public void An_administrative_covid_note_is_still_not_a_crisis_grant() =>
        Assert.Equal(
            GrantPurpose.Other,
            Classify("Youth orchestra bursary programme - Covid-19 flexibility agreed").Purpose.Value
        );

    [Theory]
    [InlineData("Legal fees and start-up costs of the new community benefit society")]
    [InlineData("Core costs and legal fees for the application for charitable status")]
    [InlineData("Set-up costs: legal fees and bank charges for registering the group")]
    public void Legal_fees_of_setting_up_an_organisation_are_not_urgent_legal_defence(string text) =>
        Assert.Equal(GrantPurpose.Other, Classify(text).Purpose.Value);

    [Theory]
    [InlineData("Strengthening the union's collective bargaining with employers in the textile sector")]
    [InlineData("Training shop stewards to negotiate collective agreements with employers")]
    public void Collective_bargaining_is_not_collective_protection(string text) =>
        Assert.Equal(GrantPurpose.Other, Classify(text).Purpose.Value);

    [Theory]
    [InlineData("Giving patients a daily voice in health policy making")]
    [InlineData("A panel of young carers taking part in local policy-making")]
    public void Taking_part_in_policy_making_is_campaign(string text) =>
        Assert.Equal(GrantPurpose.Campaign, Classify(text).Purpose.Value);

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
}

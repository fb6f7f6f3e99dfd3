using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Wording read from TAXONOMY.md in the 2026.12-14 round: British casework advocacy (`other`), online risks
/// (prevention), safety equipment that is not a security measure, standing emergency institutions, and general or
/// unrestricted support in other words (flexible).</summary>
public sealed class CaseworkAndSafetyWordingTests
{
    private static GrantClassification Classify(string? title, string? description = null) =>
        ClassificationEngine.Default.Classify(Make(title: title, description: description));

    [Theory]
    [InlineData("Towards the salary of the advocacy team helping tenants with their housing claims")]
    [InlineData("Two advocacy workers for families of children with special needs")]
    [InlineData("Advocacy and support for survivors of domestic abuse in the county")]
    public void Casework_advocacy_for_clients_is_the_recipients_own_work(string text) =>
        Assert.Equal(GrantPurpose.Other, Classify(text).Purpose.Value);

    [Fact]
    public void Advocacy_aimed_at_policy_makers_stays_a_campaign() =>
        Assert.Equal(
            GrantPurpose.Campaign,
            Classify("Advocacy with members of parliament for a ban on forced evictions").Purpose.Value
        );

    [Theory]
    [InlineData("A touring play for secondary pupils about cyberbullying and how to stop it")]
    [InlineData("Workshops for volunteers of the women's centre on cyber stalking")]
    [InlineData("Cyber security review of the helpline's laptops and phones")]
    public void Online_risks_are_prevention(string text) =>
        Assert.Equal(GrantPurpose.Prevention, Classify(text).Purpose.Value);

    [Theory]
    [InlineData("Technical assistance to the city's emergency operations centre")]
    [InlineData("New radio consoles for the county Emergency Operations Center")]
    public void A_standing_emergency_institution_is_not_an_emergency_grant(string text) =>
        Assert.Equal(GrantPurpose.Other, Classify(text).Purpose.Value);

    [Theory]
    [InlineData("An un-restricted grant to the migrants' forum")]
    [InlineData("A general purpose grant to the tenants' federation over three years")]
    [InlineData("To be spent by the youth network at their discretion")]
    [InlineData("Towards the costs of running the charity")]
    [InlineData("A contribution to the general work of the advice centre")]
    [InlineData("Towards central costs and organisational overheads of the refuge")]
    [InlineData("Fondos irrestrictos para la red de defensoras")]
    public void Unrestricted_and_general_support_in_other_words_is_flexible(string text)
    {
        var flexible = Classify(text).Flexible;
        Assert.True(flexible.Value);
        Assert.Equal(ClassificationSource.Rule, flexible.Source);
    }

    [Theory]
    [InlineData("Emergency support to the demobilisation of former combatants in the northern provinces")]
    [InlineData("Immediate support to policing in the border districts")]
    public void A_security_programme_called_emergency_is_programme_work(string text) =>
        Assert.Equal(GrantPurpose.Other, Classify(text).Purpose.Value);

    [Fact]
    public void Relocating_a_defender_after_a_police_raid_stays_emergency() =>
        Assert.Equal(
            GrantPurpose.Emergency,
            Classify("Emergency relocation of a land defender after a police raid on her home").Purpose.Value
        );
}

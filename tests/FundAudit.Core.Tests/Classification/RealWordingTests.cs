using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>TAXONOMY.md's "words are not purposes", `other`, and unclassified answers that say why.</summary>
public sealed class RealWordingTests
{
    private static GrantClassification Classify(string? title, string? description = null, string? recipient = null) =>
        ClassificationEngine.Default.Classify(
            Make(title: title, description: description) with
            {
                RecipientOrgName = recipient,
            }
        );

    [Theory]
    [InlineData(
        "Grant to the Royal College of Emergency Medicine",
        "Training for staff in emergency medicine and the emergency department."
    )]
    [InlineData(
        "Independent advocacy service",
        "One-to-one advice and advocacy service for people with learning disabilities."
    )]
    [InlineData("Core costs", "Running costs of the Charitable Trust's community centre and its youth club.")]
    public void Phrases_that_only_look_like_a_purpose_are_other(string title, string description)
    {
        var purpose = Classify(title, description).Purpose;
        Assert.Equal(GrantPurpose.Other, purpose.Value);
        Assert.Contains(purpose.Evidence, e =>
            e.Contains("(not that purpose here)", StringComparison.Ordinal)
            || e.Contains("→ other", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void A_recipient_name_does_not_decide_the_purpose()
    {
        var purpose = Classify(
            "Grant towards the refurbishment of the village hall roof",
            null,
            "Community Protection Network Trust"
        ).Purpose;
        Assert.Equal(GrantPurpose.Other, purpose.Value);
    }

    [Theory]
    [InlineData("COVID-19 emergency food bank funding during the lockdown")]
    [InlineData("Flood damage: replacing bedding and household goods after the floods")]
    [InlineData("Humanitarian assistance to internally displaced households after the fighting")]
    public void Crisis_support_is_emergency(string text) =>
        Assert.Equal(GrantPurpose.Emergency, Classify(text).Purpose.Value);

    [Theory]
    [InlineData("Online safety provision and safety training for women in refuges")]
    [InlineData("Conflict monitoring and early warning with community monitors")]
    public void Anticipating_risk_is_prevention(string text) =>
        Assert.Equal(GrantPurpose.Prevention, Classify(text).Purpose.Value);

    [Fact]
    public void A_grant_with_no_activity_words_is_unclassified_and_says_why()
    {
        var purpose = Classify(null, null, "Some Organisation").Purpose;
        Assert.Equal(GrantPurpose.Unclassified, purpose.Value);
        Assert.Contains(purpose.Evidence, e =>
            e.StartsWith("unclassified: no activity words", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void A_grant_with_no_place_at_all_is_unclassified_and_says_why()
    {
        var level = Classify("Music lessons").Level;
        Assert.Equal(GrantLevel.Unclassified, level.Value);
        Assert.Contains(level.Evidence, e => e.StartsWith("unclassified: no place known", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_answer_names_its_decision_and_carries_that_decisions_measured_confidence()
    {
        var rules = RuleSet.Default;
        var c = Classify("Risk assessment and digital security training for defenders and their organisations");
        foreach (var evidence in new[] { c.Purpose.Evidence, c.Flexible.Evidence })
        {
            var key = Evaluation.DecisionOf(evidence);
            Assert.NotNull(key);
            Assert.Contains(key, ConfidenceKeys.All);
        }

        var purposeKey = Evaluation.DecisionOf(c.Purpose.Evidence)!;
        Assert.Equal(rules.Confidence(purposeKey, -1), c.Purpose.Confidence);
    }

    [Fact]
    public void A_recipient_registered_abroad_working_in_kenya_is_global()
    {
        var grant = Make(title: "Legal aid clinics", description: "Legal aid clinics for land defenders in Kenya.") with
        {
            RecipientOrgId = "GB-CHC-1234567",
            BeneficiaryLocations = [new BeneficiaryLocation("Kenya", "KE", null, null)],
        };
        var level = ClassificationEngine.Default.Classify(grant).Level;
        Assert.Equal(GrantLevel.Global, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("GB-CHC-1234567", StringComparison.Ordinal));
    }

    [Fact]
    public void The_recipients_own_country_as_beneficiary_gives_way_to_the_country_the_text_names()
    {
        var grant = Make(
            title: "Legal support",
            description: "Legal support for human rights defenders in Colombia."
        ) with
        {
            RecipientOrgCountry = "GB",
            BeneficiaryLocations = [new BeneficiaryLocation("United Kingdom", "GB", null, null)],
        };
        Assert.Equal(GrantLevel.Global, ClassificationEngine.Default.Classify(grant).Level.Value);
    }
}

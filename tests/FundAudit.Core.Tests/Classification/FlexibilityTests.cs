using FundAudit.Core.Classification;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

public sealed class FlexibilityTests
{
    private static Dimension<bool> Flexible(
        string? title = null,
        string? description = null,
        string[]? fundingTypes = null,
        bool? explicitFlexible = null
    ) =>
        ClassificationEngine
            .Default.Classify(
                Make(
                    title: title,
                    description: description,
                    fundingTypes: fundingTypes,
                    explicitFlexible: explicitFlexible
                )
            )
            .Flexible;

    [Theory]
    [InlineData("B01")]
    [InlineData("Core funding")]
    [InlineData("Unrestricted")]
    [InlineData("General operating support")]
    [InlineData("Soutien institutionnel")]
    public void Funding_types_for_core_support_are_explicit_flexible(string type)
    {
        var d = Flexible(fundingTypes: [type]);
        Assert.True(d.Value);
        Assert.Equal(ClassificationSource.Explicit, d.Source);
    }

    [Theory]
    [InlineData("Project funding")]
    [InlineData("C01")]
    public void Project_funding_types_are_explicit_not_flexible(string type)
    {
        var d = Flexible(title: "Core support", fundingTypes: [type]);
        Assert.False(d.Value);
        Assert.Equal(ClassificationSource.Explicit, d.Source);
    }

    [Theory]
    [InlineData("Core support for the organisation")]
    [InlineData("General operating support 2025")]
    [InlineData("Unrestricted grant")]
    [InlineData("Apoyo institucional 2025")]
    [InlineData("Apoio institucional")]
    [InlineData("Soutien institutionnel au réseau")]
    [InlineData("Flexible funding for the network")]
    public void Core_support_terms_in_four_languages(string title)
    {
        var d = Flexible(title: title);
        Assert.True(d.Value);
        Assert.Equal(ClassificationSource.Rule, d.Source);
    }

    [Fact]
    public void Project_grants_are_not_flexible()
    {
        var d = Flexible(title: "Digital security training", description: "Workshops for journalists.");
        Assert.False(d.Value);
    }

    [Fact]
    public void A_restricted_grant_towards_core_costs_is_not_flexible()
    {
        // TAXONOMY.md: flexible is core, general or unrestricted support; a grant the funder calls restricted is not.
        var d = Flexible(description: "A restricted grant of £15,000 towards the core costs of the EQUAL project.");
        Assert.False(d.Value);
        Assert.Contains(d.Evidence, e => e.Contains("'restricted grant' (not unrestricted)", StringComparison.Ordinal));
        Assert.True(Flexible(description: "An unrestricted grant of £10,000 towards core costs.").Value);
    }

    [Fact]
    public void Words_that_fall_short_are_weaker_evidence_of_not_flexible_than_silence()
    {
        // Rule F4 has two paths: a flexible word taken back by an exception, and no flexible word at all. They are
        // measured apart, so the first does not borrow the confidence of the second.
        var weak = Flexible(description: "A restricted grant of £15,000 towards the core costs of the EQUAL project.");
        var silent = Flexible(description: "Towards the salary of a youth worker in Leeds.");
        Assert.False(weak.Value);
        Assert.False(silent.Value);
        Assert.Contains(weak.Evidence, e => e.StartsWith("decision: flexible.weak ", StringComparison.Ordinal));
        Assert.Contains(silent.Evidence, e => e.StartsWith("decision: flexible.none ", StringComparison.Ordinal));
        Assert.True(weak.Confidence < 0.7, $"{weak.Confidence}");
        Assert.True(silent.Confidence > weak.Confidence);
    }

    [Fact]
    public void The_explicit_flag_wins()
    {
        Assert.False(Flexible(title: "Core support", fundingTypes: ["B01"], explicitFlexible: false).Value);
        var d = Flexible(title: "Training", explicitFlexible: true);
        Assert.True(d.Value);
        Assert.Equal(ClassificationSource.Explicit, d.Source);
    }
}

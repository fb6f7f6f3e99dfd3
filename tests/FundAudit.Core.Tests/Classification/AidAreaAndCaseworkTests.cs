using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Rule set 2026.12-8: English names of areas of one country that aid records use and no code list gives
/// ("eastern DRC", "the Kivus", "Northern Kivu", "northern Uganda") are sub-national places (scopes.tsv); a
/// caseworker or a drop-in service is advice and casework, the recipient's own work (TAXONOMY.md, `other`); a
/// policy officer's post is a campaign.</summary>
public sealed class AidAreaAndCaseworkTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    [Fact]
    public void Rule_set_version_is_the_current_one() =>
        Assert.Equal("2026.12-14", ClassificationEngine.Default.Rules.Version);

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

    [Theory]
    // "Congo" alone is the Republic of the Congo; "eastern Congo" is the east of the DRC, so the work stays in one
    // country instead of two (regional).
    [InlineData("Training community paralegals in eastern Congo.", "CD", "Eastern DRC")]
    [InlineData("Citizens report and monitor service delivery in Northern Uganda.", "UG", "Northern Uganda")]
    public void An_area_named_in_English_is_a_place_of_its_one_country(string description, string country, string place)
    {
        var level = Engine
            .Classify(Make(title: "Community work", description: description, locations: [Country(country)]))
            .Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains(place, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(
        "Fact-finding immigration sessions",
        "Towards a part time prison caseworker supporting the provision of advocacy, immigration information and advice."
    )]
    [InlineData(
        "A grant to a migrants' charity",
        "Advice on immigration, housing and benefits through their drop-in sessions, advocacy work and training."
    )]
    public void A_caseworker_or_a_drop_in_service_is_the_recipients_own_work(string title, string description)
    {
        // "advocacy" in British advice work is casework for one person, not a campaign (TAXONOMY.md).
        var purpose = Engine.Classify(Make(title: title, description: description, recipientCountry: "GB")).Purpose;
        Assert.Equal(GrantPurpose.Other, purpose.Value);
    }

    [Theory]
    [InlineData("Research policy post", null)]
    [InlineData(
        "Salary costs",
        "Towards the salary and management costs of a policy officer to lead a project on issues facing women."
    )]
    public void A_policy_officer_speaks_to_policy_makers(string title, string? description)
    {
        // A post whose work is policy is advocacy aimed at policy-makers (TAXONOMY.md, campaign), not the salary or
        // research it is paid from.
        var purpose = Engine.Classify(Make(title: title, description: description, recipientCountry: "GB")).Purpose;
        Assert.Equal(GrantPurpose.Campaign, purpose.Value);
    }
}

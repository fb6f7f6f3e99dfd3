using FundAudit.Core.Classification;
using FundAudit.Core.Geography;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Rule set 2026.12-6: a place whose name is also an ordinary word ("Goma", "Reading", "Derby") is read in
/// free text where it is written as a name: with a capital, right after a lower-case locative preposition.</summary>
public sealed class ContextPlaceNameTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    [Fact]
    public void A_town_that_is_also_a_word_is_read_after_in_with_a_capital()
    {
        var grant = Make(
            title: "Emergency assistance to displaced families",
            description: "Families fleeing the fighting remained in Goma, hosted by families and churches.",
            locations: [Country("CD")]
        );
        var level = Engine.Classify(grant).Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("the text names places inside it: Goma"));
    }

    [Theory]
    [InlineData("Support for adults with difficulties in reading and writing.")] // the word, lower case
    [InlineData("Reading groups for adults with difficulties.")] // no preposition before it
    [InlineData("Research In Reading Skills For Adults.")] // a title-case preposition
    public void The_word_is_not_taken_for_the_place(string description)
    {
        var level = Engine
            .Classify(Make(title: "Adult learning", description: description, recipientCountry: "GB"))
            .Level;
        Assert.DoesNotContain(level.Evidence, e => e.Contains("Reading", StringComparison.Ordinal));
        Assert.Equal(ConfidenceKeys.LevelBaseOnly, Evaluation.DecisionOf(level.Evidence));
    }

    [Fact]
    public void A_name_with_readings_in_several_countries_is_read_in_the_recipients_own_country_only()
    {
        // Reading is a town in England and a city in Pennsylvania.
        Grant("GB", out var inGb);
        Assert.Equal(GrantLevel.Local, inGb.Value);
        Assert.Contains(inGb.Evidence, e => e.Contains("Reading", StringComparison.Ordinal));

        Grant("KE", out var inKenya);
        Assert.DoesNotContain(inKenya.Evidence, e => e.Contains("Reading", StringComparison.Ordinal));

        static void Grant(string country, out Dimension<GrantLevel> level) =>
            level = Engine
                .Classify(
                    Make(
                        title: "Youth club",
                        description: "Running costs of a youth club in Reading for young carers.",
                        recipientCountry: country
                    )
                )
                .Level;
    }

    [Fact]
    public void A_month_is_not_a_place()
    {
        Assert.DoesNotContain(Gazetteer.ContextPhrases(), p => p.Phrase == "march");
        var level = Engine
            .Classify(
                Make(title: "Training", description: "A training course held in March 2010.", recipientCountry: "GB")
            )
            .Level;
        Assert.DoesNotContain(level.Evidence, e => e.Contains("March", StringComparison.Ordinal));
    }
}

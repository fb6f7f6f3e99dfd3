using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>Rule set 2026.12-5: place names with readings in several countries settled by where the recipient is
/// based, constituent countries named in names and text, and short country codes after the article.</summary>
public sealed class BasePlaceNameTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    private static GrantRecord Premises(string recipientCountry) =>
        Make(
            title: "Premises for family support",
            description: "Renovation of premises in central Portsmouth for counselling and family support.",
            recipientCountry: recipientCountry
        );

    [Fact]
    public void A_town_named_in_several_countries_is_read_in_the_recipients_own_country()
    {
        // Portsmouth is a city in England and in Virginia: a recipient based in GB settles it.
        var level = Engine.Classify(Premises("GB")).Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("Portsmouth", StringComparison.Ordinal));
        Assert.Contains(level.Evidence, e => e.StartsWith("decision: " + ConfidenceKeys.LevelFromText));
    }

    [Fact]
    public void A_town_named_in_several_countries_but_not_the_recipients_is_no_place_of_work()
    {
        // A recipient based in Kenya: neither Portsmouth is in Kenya, so the name says nothing and is never guessed.
        var level = Engine.Classify(Premises("KE")).Level;
        Assert.DoesNotContain(level.Evidence, e => e.Contains("Portsmouth", StringComparison.Ordinal));
        Assert.Contains(level.Evidence, e => e.StartsWith("decision: " + ConfidenceKeys.LevelBaseOnly));
    }

    [Fact]
    public void A_town_in_several_countries_named_in_the_recipients_name_makes_its_work_local()
    {
        var grant = Make(
            title: "Workshops for young people",
            description: "Workshops for young people not in education or employment.",
            recipientCountry: "GB",
            recipientName: "Coventry Boys' Club"
        );
        var level = Engine.Classify(grant).Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.Contains("its name names Coventry", StringComparison.Ordinal));
    }

    [Fact]
    public void A_constituent_country_in_the_recipients_name_or_the_programme_is_sub_national()
    {
        // TAXONOMY.md: a constituent country (Scotland, Northern Ireland) is a sub-national territory.
        var named = Make(
            title: "Core costs",
            description: "Core costs of the organisation.",
            recipientCountry: "GB",
            recipientName: "Women's Aid Federation Northern Ireland"
        );
        var programme = Make(
            title: "Transitional initiative",
            description: "A transitional initiative.",
            recipientCountry: "GB",
            programme: "Scotland"
        );
        var byName = Engine.Classify(named).Level;
        var byProgramme = Engine.Classify(programme).Level;
        Assert.Equal(GrantLevel.Local, byName.Value);
        Assert.Contains(byName.Evidence, e => e.StartsWith("decision: " + ConfidenceKeys.LevelBaseLocal));
        Assert.Equal(GrantLevel.Local, byProgramme.Value);
        Assert.Contains(byProgramme.Evidence, e => e.Contains("Scotland", StringComparison.Ordinal));
    }

    [Fact]
    public void A_short_country_code_after_the_article_is_a_place_and_alone_it_is_not()
    {
        var abroad = Make(
            title: "Conference",
            description: "The director's attendance at a national conference on arts and older people in the USA.",
            recipientCountry: "GB"
        );
        var level = Engine.Classify(abroad).Level;
        Assert.Equal(GrantLevel.Global, level.Value); // a recipient based in Europe, work in Northern America
        Assert.Contains(level.Evidence, e => e.Contains("US", StringComparison.Ordinal));
        var portuguese = Make(
            title: "Oficinas",
            description: "A organização usa oficinas comunitárias para formar lideranças.",
            recipientCountry: "BR",
            locations: [Country("BR")]
        );
        Assert.Equal(GrantLevel.National, Engine.Classify(portuguese).Level.Value); // "usa" is a verb here
    }
}

using System.Text;
using FundAudit.Api.Features.Audit.Quality;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// <see cref="PublishedFacts"/> read straight from published JSON: the raw characters JSON may carry unescaped (DEL, C1
/// controls, the line separator) in ids, and an address's place named exactly although member names are first read
/// without strings.
/// </summary>
public sealed class PublishedFactsTests
{
    [Theory]
    [InlineData("Q-1\u007f", "grant id \"Q-1\\u007F\"")]
    [InlineData("Q-1\u0085", "grant id \"Q-1\\u0085\"")]
    [InlineData("Q-1\u2028", "grant id \"Q-1\\u2028\"")]
    [InlineData("Q-1\n", "grant id \"Q-1\\n\"")]
    public void An_id_with_a_raw_or_escaped_control_character_is_found(string id, string expected)
    {
        var json = "{\"id\":\"" + id.Replace("\n", "\\n", StringComparison.Ordinal) + "\",\"title\":\"T\"}";

        Assert.Equal(expected, PublishedFacts.Of(Encoding.UTF8.GetBytes(json)).ControlInId);
    }

    [Fact]
    public void Ordinary_ids_with_accents_and_symbols_are_not_control_characters()
    {
        var json = "{\"id\":\"Q-é€-1\",\"recipientOrganization\":[{\"id\":\"GB-CHC-1\"}]}";

        Assert.Null(PublishedFacts.Of(Encoding.UTF8.GetBytes(json)).ControlInId);
    }

    [Fact]
    public void An_address_is_placed_by_its_members_names_and_one_under_an_email_member_is_not()
    {
        const string json = """
            {"id":"Q-1","recipientOrganization":[{"id":"GB-CHC-1","contactEmail":"a@b.org",
             "streetAddress":"write to x.y@example.org"}],"title":"T"}
            """;

        Assert.Equal("recipientOrganization.streetAddress", PublishedFacts.Of(Encoding.UTF8.GetBytes(json)).Email);
    }
}

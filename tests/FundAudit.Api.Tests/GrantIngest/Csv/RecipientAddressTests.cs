using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;
using static FundAudit.Api.Tests.GrantIngest.Csv.CsvTestFiles;

namespace FundAudit.Api.Tests.GrantIngest.Csv;

/// <summary>
/// The recipient's address and the individual-recipient columns reach the classifier from every layout (issue 13),
/// and stay in the stored grant as they were sent.
/// </summary>
public sealed class RecipientAddressTests
{
    [Fact]
    public void Csv_address_columns_are_read_and_still_kept_aside()
    {
        var (_, rows) = Read(
            Header360
                + ",Recipient Org:Name,Recipient Org:City,Recipient Org:County,Recipient Org:Postal Code\n"
                + "G1,Radio,,GBP,10,2024-01-01,ALLFM,Manchester,Greater Manchester,M19 2EQ\n"
        );
        var row = Assert.Single(rows);
        var r = row.Record!;
        Assert.Equal(
            ("M19 2EQ", "Manchester", "Greater Manchester"),
            (r.RecipientOrgPostalCode, r.RecipientOrgLocality, r.RecipientOrgRegion)
        );
        Assert.False(r.RecipientIsIndividual);
        Assert.Equal("M19 2EQ", row.Extra!["Recipient Org:Postal Code"]);
    }

    [Fact]
    public void Csv_recipient_ind_columns_make_an_individual_recipient()
    {
        var (_, rows) = Read(Header360 + ",Recipient Ind:Identifier\nG1,Bursary,,GBP,10,2024-01-01,IND-1\n");
        Assert.True(Assert.Single(rows).Record!.RecipientIsIndividual);

        var (_, org) = Read(
            Header360 + ",Recipient Org:Name,Recipient Ind:Identifier\nG1,Bursary,,GBP,10,2024-01-01,Org,IND-1\n"
        );
        Assert.False(Assert.Single(org).Record!.RecipientIsIndividual);
    }

    [Fact]
    public void Json_address_members_are_read_from_the_recipient()
    {
        var grant = GrantMapping.FromStoredJson(
            """
            {"id":"G1","title":"Radio","currency":"GBP","amountAwarded":10,"awardDate":"2024-01-01",
             "recipientOrganization":[{"id":"360G-x","name":"ALLFM","postalCode":"M19 2EQ",
               "addressLocality":"Manchester","addressRegion":"Greater Manchester"}]}
            """
        );
        var r = GrantMapping.ToRecord(grant);
        Assert.Equal(
            ("M19 2EQ", "Manchester", "Greater Manchester"),
            (r.RecipientOrgPostalCode, r.RecipientOrgLocality, r.RecipientOrgRegion)
        );
    }

    [Fact]
    public void Json_and_csv_texts_reach_the_columns_alike_without_surrounding_spaces()
    {
        var (_, rows) = Read(
            Header360
                + ",Recipient Org:Identifier,Recipient Org:Name,Recipient Org:Country,Recipient Org:Postal Code"
                + ",Funding Org:Identifier,Funding Org:Name,Grant Programme:Title\n"
                + "G1,Radio,\" Community radio \",GBP,10,2024-01-01,\" GB-CHC-1 \",\" ALLFM \",\" United Kingdom \""
                + ",\" M19 2EQ \",\" GB-CHC-2 \",\" Fund \",\" Small grants \"\n"
        );
        var csv = Assert.Single(rows).Record!;
        var json = GrantMapping.ToRecord(
            GrantMapping.FromStoredJson(
                """
                {"id":"G1","title":"Radio","description":" Community radio ","currency":"GBP","amountAwarded":10,
                 "awardDate":"2024-01-01",
                 "recipientOrganization":[{"id":" GB-CHC-1 ","name":" ALLFM ","addressCountry":" United Kingdom ",
                   "postalCode":" M19 2EQ "}],
                 "fundingOrganization":[{"id":" GB-CHC-2 ","name":" Fund "}],
                 "grantProgramme":[{"title":" Small grants "}]}
                """
            )
        );
        string?[] Texts(FundAudit.Core.Grants.GrantRecord r) =>
            [
                r.Description,
                r.RecipientOrgId,
                r.RecipientOrgName,
                r.RecipientOrgCountry,
                r.RecipientOrgPostalCode,
                r.FundingOrgId,
                r.FundingOrgName,
                r.ProgrammeTitle,
            ];
        string?[] expected =
        [
            "Community radio",
            "GB-CHC-1",
            "ALLFM",
            "United Kingdom",
            "M19 2EQ",
            "GB-CHC-2",
            "Fund",
            "Small grants",
        ];
        Assert.Equal(expected, Texts(csv));
        Assert.Equal(expected, Texts(json));
    }

    [Fact]
    public void A_stored_grant_gives_its_address_back_for_reclassification()
    {
        var json = StoredRecipient.Read(
            """{"recipientOrganization":[{"name":"A","postalCode":"SW11 6BG","addressLocality":"London"}]}"""
        );
        Assert.Equal(new StoredRecipient("SW11 6BG", "London", null, false), json);

        var csv = StoredRecipient.Read(
            """{"additionalColumns":{"Recipient Org:Postal Code":"EC1A 7HF","Recipient Org:County":"London"}}"""
        );
        Assert.Equal(new StoredRecipient("EC1A 7HF", null, "London", false), csv);

        Assert.True(StoredRecipient.Read("""{"recipientIndividual":{"id":"IND-1"}}""").Individual);
        Assert.Equal(default, StoredRecipient.Read("not json"));
    }
}

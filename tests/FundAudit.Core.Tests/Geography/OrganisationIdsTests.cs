using FundAudit.Core.Geography;

namespace FundAudit.Core.Tests.Geography;

public sealed class OrganisationIdsTests
{
    [Theory]
    [InlineData("GB-CHC-1234567", "GB")]
    [InlineData("GB-COH-01234567", "GB")]
    [InlineData("GB-SC-SC012345", "GB")]
    [InlineData("GB-NIC-100001", "GB")]
    [InlineData("US-EIN-12-3456789", "US")]
    [InlineData("NL-KVK-41200896", "NL")]
    [InlineData("BE-BCE_KBO-0404055576", "BE")]
    [InlineData("CH-FDJP-CHE-123.456.789", "CH")]
    [InlineData("KE-RCO-123", "KE")]
    [InlineData("ZA-NPO-012-345", "ZA")]
    [InlineData("gb-chc-1234567", "GB")]
    public void A_national_register_gives_the_country(string id, string alpha2)
    {
        Assert.True(OrganisationIds.TryBase(id, out var country, out var international), id);
        Assert.Equal(alpha2, country?.Alpha2);
        Assert.False(international);
    }

    [Fact]
    public void A_scottish_charity_register_is_limited_to_scotland()
    {
        Assert.True(OrganisationIds.TryScheme("GB-SC-SC012345", out var scheme));
        Assert.Equal(["GB-SCT"], scheme.SubnationalCoverage);
    }

    [Fact]
    public void A_multilateral_list_is_international()
    {
        Assert.True(OrganisationIds.TryBase("XM-DAC-41114", out var country, out var international));
        Assert.Null(country);
        Assert.True(international);
    }

    [Theory]
    [InlineData("XI-GRID-grid.1234.5")]
    [InlineData("XI-LEI-5493001KJTIIGC8Y1R12")]
    [InlineData("360G-wolfson:org-123")]
    [InlineData("360G-ocf-123")]
    [InlineData("ZZ-UNKNOWN-1")]
    [InlineData("Overseas")]
    [InlineData("")]
    [InlineData(null)]
    public void Global_schemes_360giving_ids_and_unknown_prefixes_say_nothing(string? id)
    {
        Assert.False(OrganisationIds.TryBase(id, out var country, out var international));
        Assert.Null(country);
        Assert.False(international);
    }

    [Fact]
    public void A_global_scheme_is_known_as_such()
    {
        Assert.True(OrganisationIds.TryScheme("XI-GRID-grid.1234.5", out var scheme));
        Assert.Equal(OrgIdSchemeKind.GlobalScheme, scheme.Kind);
    }
}

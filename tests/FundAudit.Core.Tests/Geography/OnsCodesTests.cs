using FundAudit.Core.Geography;

namespace FundAudit.Core.Tests.Geography;

public sealed class OnsCodesTests
{
    [Theory]
    [InlineData("E09000022", 'E', OnsScope.SubNational, "LONB")]
    [InlineData("W06000015", 'W', OnsScope.SubNational, "UA")]
    [InlineData("S12000046", 'S', OnsScope.SubNational, "CA")]
    [InlineData("E12000001", 'E', OnsScope.SubNational, "RGN/GOR")]
    [InlineData("E01000001", 'E', OnsScope.SubNational, "LSOA")]
    [InlineData("K02000001", 'K', OnsScope.UnitedKingdom, "CTRY")]
    [InlineData("K03000001", 'K', OnsScope.GreatBritain, "CTRY")]
    [InlineData("K04000001", 'K', OnsScope.EnglandAndWales, "CTRY")]
    [InlineData("E92000001", 'E', OnsScope.ConstituentCountry, "CTRY")]
    [InlineData("W92000004", 'W', OnsScope.ConstituentCountry, "CTRY")]
    [InlineData("S92000003", 'S', OnsScope.ConstituentCountry, "CTRY")]
    [InlineData("N92000002", 'N', OnsScope.ConstituentCountry, "CTRY")]
    [InlineData(" e09000022 ", 'E', OnsScope.SubNational, "LONB")]
    public void Reads_constituent_country_and_scope(string code, char constituent, OnsScope scope, string type)
    {
        Assert.True(OnsCodes.TryParse(code, out var ons), code);
        Assert.Equal((constituent, scope, type), (ons.ConstituentCountry, ons.Scope, ons.TypeCode));
    }

    [Fact]
    public void Knows_the_names_of_wide_areas_regions_and_london_boroughs()
    {
        Assert.True(OnsCodes.TryParse("E09000022", out var lambeth));
        Assert.Equal(("Lambeth", "GB-ENG"), (lambeth.Name, lambeth.ConstituentIsoCode));
        Assert.True(OnsCodes.TryParse("E12000009", out var southWest));
        Assert.Equal("South West", southWest.Name);
    }

    [Theory]
    [InlineData("E0900002")]
    [InlineData("X09000022")]
    [InlineData("K99000001")]
    [InlineData("Oxfordshire")]
    [InlineData(null)]
    public void Anything_else_is_no_ons_code(string? code)
    {
        Assert.False(OnsCodes.TryParse(code, out _));
    }
}

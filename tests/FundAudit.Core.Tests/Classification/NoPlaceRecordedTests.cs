using FundAudit.Core.Classification;
using FundAudit.Core.Geography;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

/// <summary>
/// Grants whose record names no country at all: what little it does say still places the work (TAXONOMY.md, level:
/// beneficiary locations by code type, and the recipient's kind where geography does not decide).
/// </summary>
public sealed class NoPlaceRecordedTests
{
    private static readonly ClassificationEngine Engine = ClassificationEngine.Default;

    [Fact]
    public void A_uk_small_area_code_type_without_code_or_country_is_a_sub_national_place_in_the_uk()
    {
        // 360Giving's geoCodeType codelist is the UK's ONS geographies: "MSOA" alone says a small area of the UK.
        var grant = Make(
            title: "Lunch club for older residents",
            description: "Weekly lunch club.",
            locations: [new BeneficiaryLocation(null, null, null, "MSOA")]
        );
        var level = Engine.Classify(grant).Level;
        Assert.Equal(GrantLevel.Local, level.Value);
        Assert.Contains(level.Evidence, e => e.StartsWith("place code type MSOA of GB", StringComparison.Ordinal));

        // A type that is no ONS geography, or a whole-country type, says nothing of where the work happens.
        var unknown = Make(
            title: "Lunch club for older residents",
            description: "Weekly lunch club.",
            locations: [new BeneficiaryLocation(null, null, null, "PLOT")]
        );
        Assert.Equal(GrantLevel.Unclassified, Engine.Classify(unknown).Level.Value);
        Assert.True(OnsCodes.IsSubNationalType(" lsoa "));
        Assert.False(OnsCodes.IsSubNationalType("CTRY"));
    }

    [Fact]
    public void A_national_body_by_its_name_with_no_place_at_all_is_national()
    {
        var grant = Make(
            title: "Review of counter-extremism policy",
            description: "A review of policy and practice.",
            recipientName: "The Open University"
        );
        var level = Engine.Classify(grant).Level;
        Assert.Equal(GrantLevel.National, level.Value);
        Assert.Contains(level.Evidence, e =>
            e.StartsWith("no place known, and its name says", StringComparison.Ordinal)
        );
        Assert.Contains(level.Evidence, e => e.StartsWith("decision: " + ConfidenceKeys.LevelBaseRecipient));

        var unnamed = Make(title: "Review of counter-extremism policy", recipientName: "Policy Review Group");
        Assert.Equal(GrantLevel.Unclassified, Engine.Classify(unnamed).Level.Value);
    }
}

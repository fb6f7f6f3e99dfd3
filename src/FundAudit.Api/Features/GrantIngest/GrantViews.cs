using System.Text.Json;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>Builds the API's view of a stored grant: the publisher's JSON plus FundAudit's classification.</summary>
internal static class GrantViews
{
    public static GivingGrant ToView(GrantRow row)
    {
        var grant = GrantMapping.FromStoredJson(row.ExtraJson);
        grant.Classification = new ClassificationView(
            new DimensionView(row.Level, row.LevelSource, row.LevelConfidence, Evidence(row.LevelEvidence)),
            new DimensionView(row.Purpose, row.PurposeSource, row.PurposeConfidence, Evidence(row.PurposeEvidence)),
            new DimensionView(row.Flexible switch { true => "true", false => "false", null => null }, row.FlexibleSource, row.FlexibleConfidence, Evidence(row.FlexibleEvidence)),
            row.RuleSetVersion,
            row.ClassifiedAt);
        return grant;
    }

    private static IReadOnlyList<string> Evidence(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];
}

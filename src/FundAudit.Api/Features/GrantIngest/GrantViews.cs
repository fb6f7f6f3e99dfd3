using FundAudit.Api.Features.Classification;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>Builds the API's view of a stored grant: the publisher's JSON plus FundAudit's classification.</summary>
internal static class GrantViews
{
    public static GivingGrant ToView(GrantRow row)
    {
        var grant = GrantMapping.FromStoredJson(row.ExtraJson);
        var manual = row.CorrectedAt is { } at
            ? new[] { $"manual correction by {row.CorrectedBy} at {at:u}: " + $"{row.CorrectionReason}" }
            : [];
        grant.Classification = new ClassificationView(
            row.CorrectedLevel is { } level
                ? new DimensionView(level, "manual", 1.0, manual)
                : new DimensionView(row.Level, row.LevelSource, row.LevelConfidence, Evidence(row.LevelEvidence)),
            row.CorrectedPurpose is { } purpose
                ? new DimensionView(purpose, "manual", 1.0, manual)
                : new DimensionView(
                    row.Purpose,
                    row.PurposeSource,
                    row.PurposeConfidence,
                    Evidence(row.PurposeEvidence)
                ),
            row.CorrectedFlexible is { } flexible
                ? new DimensionView(Flag(flexible), "manual", 1.0, manual)
                : new DimensionView(
                    Flag(row.Flexible),
                    row.FlexibleSource,
                    row.FlexibleConfidence,
                    Evidence(row.FlexibleEvidence)
                ),
            row.RuleSetVersion,
            row.ClassifiedAt
        );
        return grant;
    }

    private static string? Flag(bool? value) =>
        value switch
        {
            true => "true",
            false => "false",
            null => null,
        };

    private static IReadOnlyList<string> Evidence(string? stored) => EvidenceCodec.Decode(stored);
}

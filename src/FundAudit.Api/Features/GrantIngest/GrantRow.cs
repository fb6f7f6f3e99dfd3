namespace FundAudit.Api.Features.GrantIngest;

/// <summary>A stored grant as the API returns it.</summary>
internal sealed class GrantRow : PublishedGrantColumns
{
    public long Id { get; init; }

    public string Identifier { get; init; } = "";

    public DateOnly AwardDate { get; init; }

    public string Level { get; init; } = "unclassified";

    public string? LevelSource { get; init; }

    public double? LevelConfidence { get; init; }

    public string? LevelEvidence { get; init; }

    public string Purpose { get; init; } = "unclassified";

    public string? PurposeSource { get; init; }

    public double? PurposeConfidence { get; init; }

    public string? PurposeEvidence { get; init; }

    public bool? Flexible { get; init; }

    public string? FlexibleSource { get; init; }

    public double? FlexibleConfidence { get; init; }

    public string? FlexibleEvidence { get; init; }

    public string? RuleSetVersion { get; init; }

    public DateTimeOffset? ClassifiedAt { get; init; }

    public string? CorrectedLevel { get; init; }

    public string? CorrectedPurpose { get; init; }

    public bool? CorrectedFlexible { get; init; }

    public string? CorrectionReason { get; init; }

    public string? CorrectedBy { get; init; }

    public DateTimeOffset? CorrectedAt { get; init; }
}

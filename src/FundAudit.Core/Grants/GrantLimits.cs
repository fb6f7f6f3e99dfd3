namespace FundAudit.Core.Grants;

/// <summary>The limits every ingest path (JSON API, CSV) applies to one grant, so both refuse the same
/// things.</summary>
public static class GrantLimits
{
    public const int MaxIdentifierLength = 400;
    public const int MaxTitleLength = 2_000;
    public const int MaxDescriptionLength = 32_000;
    public const int MaxNameLength = 1_000;
    public const int MaxLocations = 200;

    /// <summary>Award dates outside this range are treated as mistakes.</summary>
    public static readonly DateOnly EarliestAwardDate = new(1900, 1, 1);
    public static readonly DateOnly LatestAwardDate = new(2100, 12, 31);

    /// <summary>360Giving Location Scope codes (codelist locationScope.csv).</summary>
    public static readonly IReadOnlyList<string> LocationScopes =
    [
        "GLS010",
        "GLS020",
        "GLS030",
        "GLS040",
        "GLS050",
        "GLS060",
        "GLS099",
    ];
}

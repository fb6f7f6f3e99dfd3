namespace FundAudit.Core.Geography;

/// <summary>
/// The world regions of TAXONOMY.md: the UN M49 regions with the Americas split into their M49 sub-regions
/// Latin America and the Caribbean, and Northern America.
/// </summary>
public enum WorldRegion
{
    Africa = 1,
    LatinAmericaAndTheCaribbean,
    NorthernAmerica,
    Asia,
    Europe,
    Oceania,
}

public static class WorldRegions
{
    public static IReadOnlyList<WorldRegion> All { get; } =
    [
        WorldRegion.Africa,
        WorldRegion.LatinAmericaAndTheCaribbean,
        WorldRegion.NorthernAmerica,
        WorldRegion.Asia,
        WorldRegion.Europe,
        WorldRegion.Oceania,
    ];

    /// <summary>The M49 name ("Latin America and the Caribbean").</summary>
    public static string DisplayName(this WorldRegion region) =>
        region switch
        {
            WorldRegion.Africa => "Africa",
            WorldRegion.LatinAmericaAndTheCaribbean => "Latin America and the Caribbean",
            WorldRegion.NorthernAmerica => "Northern America",
            WorldRegion.Asia => "Asia",
            WorldRegion.Europe => "Europe",
            WorldRegion.Oceania => "Oceania",
            _ => throw new ArgumentOutOfRangeException(nameof(region), region, "not a world region"),
        };

    public static bool TryParse(string? text, out WorldRegion region)
    {
        foreach (var r in All)
        {
            if (string.Equals(r.DisplayName(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                region = r;
                return true;
            }
        }

        region = default;
        return false;
    }
}

namespace FundAudit.Core.Geography;

/// <summary>One ISO 3166-1 country or territory with its UN M49 classification.</summary>
/// <param name="Alpha2">The ISO 3166-1 alpha-2 code ("KE").</param>
/// <param name="Alpha3">The ISO 3166-1 alpha-3 code ("KEN").</param>
/// <param name="Name">The English short name ("Kenya").</param>
/// <param name="Region">The world region; null only for Antarctica, which M49 leaves without one.</param>
/// <param name="SubRegion">The M49 sub-region ("Sub-Saharan Africa", "South-eastern Asia").</param>
/// <param name="IntermediateRegion">The M49 intermediate region where there is one ("Central America", "Eastern
/// Africa").</param>
/// <param name="Aliases">Other names: Spanish, French, Portuguese and common forms.</param>
public sealed record Country(
    string Alpha2,
    string Alpha3,
    string Name,
    WorldRegion? Region,
    string SubRegion,
    string? IntermediateRegion,
    IReadOnlyList<string> Aliases
)
{
    public override string ToString() => Alpha2;
}

using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>The value of one dimension of a cell: level, purpose, flexible, year, region, country or
/// programme.</summary>
internal sealed record MixCell(
    IReadOnlyDictionary<string, string> Key,
    long AmountMinor,
    long Grants,
    long MedianMinor
);

/// <summary>
/// The mix in one currency: cells, totals and the headline amounts. Every share is of <see cref="TotalMinor"/>, the
/// whole period (unclassified grants included), so nothing is dropped silently.
/// </summary>
internal sealed record MixResult(
    AuditPeriod Period,
    string Currency,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<MixCell> Cells,
    long TotalMinor,
    long Grants,
    long PreventionCollectiveMinor,
    long FlexibleMinor,
    long LocalMinor,
    long UnclassifiedMinor,
    long UnclassifiedGrants,
    IReadOnlyDictionary<string, long> LevelMinor,
    IReadOnlyDictionary<string, long> PurposeMinor
)
{
    /// <summary>Whether the cells' medians were computed (includeMedian=true); otherwise MedianMinor is 0 and not
    /// shown.</summary>
    public bool HasMedians { get; init; }
}

/// <summary>What a report lacks: the currencies and award dates without a rate in the window.</summary>
internal sealed record MissingRates(string Currency, IReadOnlyList<MissingRate> Missing);

using FundAudit.Core.Audit;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>
/// grants.quality_flags (migration 0018): the bit set of the checks that depend on the grant's own content only (those
/// of <see cref="QualityChecks.All"/> with a <see cref="QualityCheck.Bit"/>), computed with the checks' own tests
/// from the finished grant when it is written (<see cref="GrantIngest.GrantStore.ColumnValues"/>, the one mapping
/// every write path shares), so the report sums grants grouped by it instead of testing every grant.
/// </summary>
internal static class QualityFlags
{
    /// <summary>The stored checks, in list order.</summary>
    public static readonly IReadOnlyList<QualityCheck> Stored = [.. QualityChecks.All.Where(c => c.Bit is not null)];

    // The stored checks read nothing but the grant (no today, no rates).
    private static readonly QualityContext GrantOnly = new(default, "", new RateBook([], 0));

    /// <summary>The flags of a grant as the checks read it back from the database.</summary>
    public static int Of(QualityRow g)
    {
        var flags = 0;
        foreach (var check in Stored)
        {
            if (check.Fails(g, GrantOnly) is not null)
            {
                flags |= 1 << check.Bit!.Value;
            }
        }

        return flags;
    }

    /// <summary>The flags of a grant about to be stored, from the values its row will have: the title as stored
    /// ("" when none), the recipient country column, and what the checks read of the JSON it publishes.</summary>
    public static int Of(GrantRecord r, string title, string? recipientCountry, PublishedFacts published) =>
        Of(
            new QualityRow
            {
                Identifier = r.Identifier,
                Title = title,
                Currency = r.Currency,
                Amount = r.AmountAwardedMinor,
                AwardDate = r.AwardDate,
                PlannedStart = r.PlannedStartDate,
                PlannedEnd = r.PlannedEndDate,
                RecipientOrgId = r.RecipientOrgId,
                RecipientCountry = recipientCountry,
                RecipientIndividual = r.RecipientIsIndividual,
                ParsedLocations = r.BeneficiaryLocations as List<BeneficiaryLocation> ?? [.. r.BeneficiaryLocations],
                TitleIsDescription = TitleIsDescription(title, r.Description) ? 1 : 0,
            }.Give(published)
        );

    /// <summary>The SQL the row path uses (<see cref="QualityStore"/>): a description, both trimmed of spaces, equal
    /// to the title but for case.</summary>
    public static bool TitleIsDescription(string title, string? description) =>
        description is not null
        && string.Equals(title.Trim(' '), description.Trim(' '), StringComparison.OrdinalIgnoreCase);

    /// <summary>The kind of reason (<see cref="QualityCalculator.Kind"/>) the classifier's evidence gives for a
    /// dimension left unclassified ("no place known", "low confidence"): what grant_quality_totals (migration 0019)
    /// stores, its triggers computing the same from the evidence JSON.</summary>
    public static string ReasonKind(string? evidenceJson) =>
        QualityCalculator.Kind("x: " + Classification.ListReviewQueue.ReasonOf(evidenceJson, null))[3..];

    /// <summary>Whether <paramref name="check"/>'s bit is set in <paramref name="flags"/>.</summary>
    public static bool Has(int flags, QualityCheck check) => (flags & (1 << check.Bit!.Value)) != 0;
}

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>
/// What the quality checks read of one grant: the fields they test, never the description itself (the database
/// compares it with the title), and the classifier's evidence only for a dimension still unclassified.
/// </summary>
internal sealed class QualityRow
{
    public long Id { get; init; }

    public string Identifier { get; init; } = "";

    public string Title { get; init; } = "";

    public string Currency { get; init; } = "";

    public long Amount { get; init; }

    public DateOnly AwardDate { get; init; }

    public DateOnly? PlannedStart { get; init; }

    public DateOnly? PlannedEnd { get; init; }

    public string? RecipientOrgId { get; init; }

    public string? RecipientCountry { get; init; }

    public string? Locations { get; init; }

    public long TitleIsDescription { get; init; }

    public string Level { get; init; } = "unclassified";

    public string Purpose { get; init; } = "unclassified";

    public string? LevelEvidence { get; init; }

    public double? LevelConfidence { get; init; }

    public string? PurposeEvidence { get; init; }

    public double? PurposeConfidence { get; init; }
}

/// <summary>
/// The quality checks' SQL: the funder's grants under the mix's filters (<see cref="MixFilter.OverGrants"/>, so the
/// same grants the mix counts), in id order, with the effective (corrected) level and purpose.
/// </summary>
internal sealed class QualityStore(Db db)
{
    private const string RegionJoin = " LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)";

    public async Task<IReadOnlyList<QualityRow>> RowsAsync(long funderId, MixQuery q, CancellationToken ct)
    {
        var (where, p) = MixFilter.OverGrants(funderId, q);
        var join = MixFilter.NeedsRegion(q) ? RegionJoin : "";
        var sql = $"""
            SELECT g.id AS Id, g.identifier AS Identifier, g.title AS Title, g.currency AS Currency,
                   g.amount_awarded AS Amount, g.award_date AS AwardDate, g.planned_start_date AS PlannedStart,
                   g.planned_end_date AS PlannedEnd, g.recipient_org_id AS RecipientOrgId,
                   g.recipient_country AS RecipientCountry, g.beneficiary_locations AS Locations,
                   CASE WHEN g.description IS NOT NULL AND lower(trim(g.title)) = lower(trim(g.description))
                        THEN 1 ELSE 0 END AS TitleIsDescription,
                   COALESCE(c.level, g.level) AS Level, COALESCE(c.purpose, g.purpose) AS Purpose,
                   CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN g.level_evidence END AS LevelEvidence,
                   g.level_confidence AS LevelConfidence,
                   CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN g.purpose_evidence END
                        AS PurposeEvidence,
                   g.purpose_confidence AS PurposeConfidence
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id{join}
            WHERE {where}
            ORDER BY g.id
            """;
        await using var connection = await db.OpenAsync(ct);
        var command = new CommandDefinition(sql, new DynamicParameters(p), cancellationToken: ct);
        return (await connection.QueryAsync<QualityRow>(command)).AsList();
    }
}

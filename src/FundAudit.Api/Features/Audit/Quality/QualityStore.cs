using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>
/// What the quality checks read of one grant: the fields they test (the database compares title and description), the
/// classifier's evidence only for a dimension still unclassified, and the columns of its published 360Giving JSON
/// (<see cref="GrantIngest.PublishedGrantColumns"/>), read only for what no column keeps as published: whether the
/// recipient is a person, and <see cref="PublishedFacts"/>.
/// </summary>
internal sealed class QualityRow : GrantIngest.PublishedGrantColumns
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

    /// <summary>Whether the grant goes to a person (360Giving <c>recipientIndividual</c>, CSV <c>Recipient
    /// Ind:*</c>), not an organisation: given by a write (<see cref="QualityFlags"/>), else read once from the
    /// published JSON as the re-classification reads it (<see cref="StoredRecipient"/>).</summary>
    public bool? RecipientIndividual { get; set; }

    /// <summary><see cref="RecipientIndividual"/>, read from the published JSON when the write did not give it.
    /// </summary>
    public bool IsIndividual() => RecipientIndividual ??= StoredRecipient.Read(ExtraJson).Individual;

    private PublishedFacts? _published;

    /// <summary>What the checks read of the published JSON: given by a write (<see cref="Give"/>), else read once.
    /// </summary>
    public PublishedFacts Published() => _published ??= PublishedFacts.Of(ExtraJson);

    /// <summary>Gives the facts of the JSON a write is about to store, so they are not read back from it.</summary>
    public QualityRow Give(PublishedFacts facts)
    {
        _published = facts;
        return this;
    }

    /// <summary>The beneficiary locations once read from <see cref="Locations"/> (two checks use them).</summary>
    public List<FundAudit.Core.Grants.BeneficiaryLocation>? ParsedLocations { get; set; }

    public long TitleIsDescription { get; init; }

    public string Level { get; init; } = "unclassified";

    public string Purpose { get; init; } = "unclassified";

    public string? LevelEvidence { get; init; }

    public double? LevelConfidence { get; init; }

    public string? PurposeEvidence { get; init; }

    public double? PurposeConfidence { get; init; }

    /// <summary>The import that wrote the grant last (grants.import_id, migration 0017); null: the JSON API.</summary>
    public long? ImportId { get; init; }

    /// <summary>The import that created the grant (grants.first_import_id, migration 0021); null: not an import.
    /// </summary>
    public long? FirstImportId { get; init; }
}

/// <summary>Grants of one report that the checks cannot tell apart: how many, and their money in their currency.
/// </summary>
internal sealed class QualityGroup
{
    /// <summary>grants.quality_flags; null for grants stored without them (read one by one instead).</summary>
    public long? Flags { get; init; }

    public string Currency { get; init; } = "";

    public DateOnly AwardDate { get; init; }

    public long FarFuture { get; init; }

    public long LevelUnplaced { get; init; }

    public long PurposeUnplaced { get; init; }

    public string? LevelEvidence { get; init; }

    public string? PurposeEvidence { get; init; }

    public long Grants { get; init; }

    public long Amount { get; init; }

    /// <summary>Read from the stored totals (<see cref="QualityTotalsStore"/>): no evidence but the kinds of reason,
    /// <see cref="LevelReason"/> and <see cref="PurposeReason"/>.</summary>
    public bool FromTotals { get; set; }

    /// <summary>From the stored totals, for an unclassified level: the kind of reason ("no place known").</summary>
    public string LevelReason { get; init; } = "";

    /// <summary>From the stored totals, for an unclassified purpose: the kind of reason.</summary>
    public string PurposeReason { get; init; } = "";
}

/// <summary>
/// The quality checks' SQL: the funder's grants under the mix's filters (<see cref="MixFilter.OverGrants"/>, so the
/// same grants the mix counts), in id order, with the effective (corrected) level and purpose.
/// </summary>
internal sealed class QualityStore(Db db)
{
    private const string SelectImportPeriod = """
        SELECT min(award_date) AS FirstDate, max(award_date) AS LastDate
        FROM grants WHERE funder_id = @FunderId AND import_id = @ImportId
        """;

    /// <summary>
    /// SQL that keeps only the grants that may fail a check, for the checks the database can narrow cheaply: a page of
    /// one check's grants (or the portfolio's unplaced money) then reads those rather than the whole portfolio.
    /// </summary>
    private static readonly Dictionary<string, string> Candidates = new(StringComparer.Ordinal)
    {
        ["unclassified"] =
            "(COALESCE(c.level, g.level) = 'unclassified' OR COALESCE(c.purpose, g.purpose) = 'unclassified')",
        ["zero_or_negative_amount"] = "g.amount_awarded <= 0",
        ["same_id_in_two_imports"] = Reimported,
    };

    /// <summary>The grants an import created and a later import changed (the partial index of migration 0021 has
    /// exactly this condition, so PostgreSQL and SQLite read only those grants).</summary>
    private const string Reimported = "g.first_import_id IS NOT NULL AND g.import_id <> g.first_import_id";

    /// <summary>The mix filter's conditions over the grants, and <paramref name="importId"/>'s when given.</summary>
    private static (string Where, Dictionary<string, object> Parameters) Over(long funderId, MixQuery q, long? importId)
    {
        var (where, p) = MixFilter.OverGrants(funderId, q);
        if (importId is { } import)
        {
            where += " AND g.import_id = @ImportId";
            p["ImportId"] = import;
        }

        return (where, p);
    }

    /// <summary>
    /// The grants of <paramref name="q"/>, in id order; with <paramref name="only"/> a check's code, only those that
    /// may fail it when the database can tell (so totals over them are not the query's totals); with
    /// <paramref name="importId"/>, only the grants that import wrote last (grants.import_id, migration 0017); with
    /// <paramref name="unflagged"/>, only those stored without quality flags (migration 0018).
    /// </summary>
    public async Task<IReadOnlyList<QualityRow>> RowsAsync(
        long funderId,
        MixQuery q,
        string? only,
        long? importId,
        bool unflagged,
        CancellationToken ct
    )
    {
        var (where, p) = Over(funderId, q, importId);
        if (unflagged)
        {
            where += " AND g.quality_flags IS NULL";
        }

        if (only is not null && Candidates.TryGetValue(only, out var candidates))
        {
            where += " AND " + candidates;
        }
        else if (only is not null && QualityChecks.Find(only) is { Bit: { } bit })
        {
            // A stored check: its bit, or no flags at all (stored before migration 0018); the check still tests each.
            where += " AND (g.quality_flags IS NULL OR (g.quality_flags & @QualityBit) <> 0)";
            p["QualityBit"] = 1 << bit;
        }

        // The published JSON's columns (about a kilobyte a grant) only when a check that reads them may run.
        var published =
            only is null || QualityChecks.ReadPublished.Contains(only) ? ", " + StoredGrantText.Columns : "";
        var join = MixFilter.RegionJoin(q);
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
                   g.purpose_confidence AS PurposeConfidence, g.import_id AS ImportId,
                   g.first_import_id AS FirstImportId{published}
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id{join}
            WHERE {where}
            ORDER BY g.id
            """;
        return await db.QueryListAsync<QualityRow>(sql, new DynamicParameters(p), ct);
    }

    /// <summary>
    /// The grants of <paramref name="q"/> that have stored flags (migration 0018), summed by what the report needs to
    /// tell them apart: the flags, currency and award date (for the rate), whether a date is far in the future, and
    /// for a dimension still unclassified (after corrections) the classifier's evidence (for the reasons). Grants
    /// written without flags come in groups with null flags: read them with <see cref="RowsAsync"/>. With
    /// <paramref name="awardedAfter"/>, only the grants awarded after it and by <paramref name="farFutureAfter"/>
    /// (the days the stored totals leave to the grants, <see cref="QualityTotalsStore"/>).
    /// </summary>
    public async Task<IReadOnlyList<QualityGroup>> GroupsAsync(
        long funderId,
        MixQuery q,
        long? importId,
        DateOnly farFutureAfter,
        DateOnly? awardedAfter,
        CancellationToken ct
    )
    {
        var (where, p) = Over(funderId, q, importId);
        p["FarFutureAfter"] = farFutureAfter;
        if (awardedAfter is { } after)
        {
            where += " AND g.award_date > @AwardedAfter AND g.award_date <= @FarFutureAfter";
            p["AwardedAfter"] = after;
        }

        var join = MixFilter.RegionJoin(q);
        var sql = $"""
            SELECT x.Flags, x.Currency, x.AwardDate, x.FarFuture, x.LevelUnplaced, x.PurposeUnplaced,
                   x.LevelEvidence, x.PurposeEvidence, COUNT(*) AS Grants, SUM(x.Amount) AS Amount
            FROM (
              SELECT g.quality_flags AS Flags, g.currency AS Currency, g.award_date AS AwardDate,
                     g.amount_awarded AS Amount,
                     CASE WHEN {QualityChecks.FarFutureSql} THEN 1 ELSE 0 END AS FarFuture,
                     CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN 1 ELSE 0 END AS LevelUnplaced,
                     CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN 1 ELSE 0 END AS PurposeUnplaced,
                     CASE WHEN COALESCE(c.level, g.level) = 'unclassified' THEN g.level_evidence END AS LevelEvidence,
                     CASE WHEN COALESCE(c.purpose, g.purpose) = 'unclassified' THEN g.purpose_evidence END
                          AS PurposeEvidence
              FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id{join}
              WHERE {where}
            ) x
            GROUP BY x.Flags, x.Currency, x.AwardDate, x.FarFuture, x.LevelUnplaced, x.PurposeUnplaced,
                     x.LevelEvidence, x.PurposeEvidence
            """;
        return await db.QueryListAsync<QualityGroup>(sql, new DynamicParameters(p), ct);
    }

    /// <summary>
    /// The report's grants that fail same_id_in_two_imports (created by one import, changed by a later one), summed by
    /// currency and award date: a narrow read through the index of migration 0021, whether the rest of the report
    /// reads the stored totals or the grants (the check is not a stored flag: it depends on two writes).
    /// </summary>
    public async Task<IReadOnlyList<QualityGroup>> ReimportedAsync(
        long funderId,
        MixQuery q,
        long? importId,
        CancellationToken ct
    )
    {
        var (where, p) = Over(funderId, q, importId);
        var join = MixFilter.RegionJoin(q);
        var sql = $"""
            SELECT g.currency AS Currency, g.award_date AS AwardDate, COUNT(*) AS Grants,
                   SUM(g.amount_awarded) AS Amount
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id{join}
            WHERE {where} AND {Reimported}
            GROUP BY g.currency, g.award_date
            """;
        return await db.QueryListAsync<QualityGroup>(sql, new DynamicParameters(p), ct);
    }

    /// <summary>The first and last award dates of the grants one import wrote last; null when it wrote none (or is
    /// another funder's).</summary>
    public async Task<(DateOnly From, DateOnly To)?> ImportPeriodAsync(
        long funderId,
        long importId,
        CancellationToken ct
    )
    {
        var span = await db.QueryFirstOrDefaultAsync<ImportPeriodRow>(
            SelectImportPeriod,
            new { FunderId = funderId, ImportId = importId },
            ct
        );
        return span is { FirstDate: { } from, LastDate: { } to } ? (from, to) : null;
    }

    private sealed class ImportPeriodRow
    {
        public DateOnly? FirstDate { get; init; }

        public DateOnly? LastDate { get; init; }
    }
}

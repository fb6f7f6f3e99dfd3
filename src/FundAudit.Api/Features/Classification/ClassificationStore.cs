using FundAudit.Api.Features.Logs;

namespace FundAudit.Api.Features.Classification;

internal sealed class RuleSetRow
{
    public long Id { get; init; }

    public string Version { get; init; } = "";

    public string RulesJson { get; init; } = "";

    public string CreatedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? AppliedAt { get; init; }
}

internal sealed class CorrectionRow
{
    public string? Level { get; init; }

    public string? Purpose { get; init; }

    public bool? Flexible { get; init; }

    public string Reason { get; init; } = "";

    public string CorrectedBy { get; init; } = "";

    public DateTimeOffset CorrectedAt { get; init; }
}

/// <summary>What the engine needs of a stored grant to classify it again (the columns of
/// <see cref="ClassificationStore.InputColumns"/>): its id and the grant's own columns, read once as the base's
/// <c>Pj</c> properties.</summary>
internal class ClassificationInputRow : FundAudit.Api.Features.GrantIngest.PublishedGrantColumns
{
    public long Id { get; init; }
}

/// <summary>The engine's stored answer for one grant.</summary>
internal sealed record ClassificationUpdate(
    long Id,
    string Level,
    string LevelSource,
    double LevelConfidence,
    string LevelEvidence,
    string Purpose,
    string PurposeSource,
    double PurposeConfidence,
    string PurposeEvidence,
    bool Flexible,
    string FlexibleSource,
    double FlexibleConfidence,
    string FlexibleEvidence,
    string RuleSetVersion,
    DateTimeOffset ClassifiedAt
);

internal sealed class ReviewRow
{
    public long Id { get; init; }

    /// <summary>The level's evidence as stored (<see cref="EvidenceCodec"/>).</summary>
    public string? LevelEvidence { get; init; }

    /// <summary>The purpose's evidence as stored (<see cref="EvidenceCodec"/>).</summary>
    public string? PurposeEvidence { get; init; }

    public string Identifier { get; init; } = "";

    public string Title { get; init; } = "";

    public string Level { get; init; } = "";

    public double? LevelConfidence { get; init; }

    public string Purpose { get; init; } = "";

    public double? PurposeConfidence { get; init; }

    public string? CorrectedLevel { get; init; }

    public string? CorrectedPurpose { get; init; }
}

/// <summary>Rule sets, corrections, the review queue and re-classification writes. Every statement filters on
/// funder_id.</summary>
internal sealed class ClassificationStore(Db db, AdminLog adminLog)
{
    private const string SelectCurrentRuleSet = """
        SELECT id, version, rules_json, created_by, created_at, applied_at FROM classification_rule_sets
        WHERE funder_id = @FunderId ORDER BY id DESC
        """;
    private const string SelectRuleSet = """
        SELECT id, version, rules_json, created_by, created_at, applied_at FROM classification_rule_sets
        WHERE funder_id = @FunderId AND id = @Id
        """;
    private const string MarkAppliedSql =
        "UPDATE classification_rule_sets SET applied_at = @Now WHERE funder_id = "
        + "@FunderId AND id = @Id AND applied_at IS NULL";
    private const string SelectGrantId =
        "SELECT id FROM grants WHERE funder_id = @FunderId AND identifier = " + "@Identifier";
    private const string SelectCorrection = """
        SELECT level, purpose, flexible, reason, corrected_by, corrected_at FROM grant_corrections
        WHERE funder_id = @FunderId AND grant_id = @GrantId
        """;
    private const string DeleteCorrectionSql =
        "DELETE FROM grant_corrections WHERE funder_id = @FunderId AND " + "grant_id = @GrantId";
    private const string UpdateCorrectionSql = """
        UPDATE grant_corrections SET level = @Level, purpose = @Purpose, flexible = @Flexible, reason = @Reason,
               corrected_by = @CorrectedBy, corrected_at = @CorrectedAt
        WHERE funder_id = @FunderId AND grant_id = @GrantId
        """;
    private const string InsertCorrectionSql = """
        INSERT INTO grant_corrections (funder_id, grant_id, level, purpose, flexible, reason, corrected_by,
            corrected_at)
        VALUES (@FunderId, @GrantId, @Level, @Purpose, @Flexible, @Reason, @CorrectedBy, @CorrectedAt)
        """;

    /// <summary>The columns of a grant (alias <c>g</c>) that the engine reads (<see cref="ClassificationInputRow"/>):
    /// re-classification and the rule-set dry run read the same inputs.</summary>
    internal const string InputColumns = $"""
        g.id, {FundAudit.Api.Features.GrantIngest.StoredGrantText.Columns}
        """;
    private const string SelectInputs = $"""
        SELECT {InputColumns}
        FROM grants g WHERE g.funder_id = @FunderId AND g.id > @AfterId ORDER BY g.id
        """;
    private const string UpdateClassificationSql = """
        UPDATE grants SET level = @Level, level_source = @LevelSource, level_confidence = @LevelConfidence,
            level_evidence = @LevelEvidence,
               purpose = @Purpose, purpose_source = @PurposeSource, purpose_confidence = @PurposeConfidence,
                   purpose_evidence = @PurposeEvidence,
               flexible = @Flexible, flexible_source = @FlexibleSource, flexible_confidence = @FlexibleConfidence,
                   flexible_evidence = @FlexibleEvidence,
               rule_set_version = @RuleSetVersion, classified_at = @ClassifiedAt
        WHERE funder_id = @FunderId AND id = @Id
        """;

    /// <summary>
    /// Grants a person should look at: level or purpose unclassified or below the review confidence, unless a person
    /// has already decided that dimension.
    /// </summary>
    private const string SelectReview = """
        SELECT g.id, g.identifier, g.title, g.level, g.level_confidence, g.purpose, g.purpose_confidence,
               g.level_evidence, g.purpose_evidence, c.level AS corrected_level, c.purpose AS corrected_purpose
        FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
        WHERE g.funder_id = @FunderId AND g.id > @AfterId
          AND ((c.level IS NULL AND (g.level = 'unclassified' OR g.level_confidence < @Threshold))
            OR (c.purpose IS NULL AND (g.purpose = 'unclassified' OR g.purpose_confidence < @Threshold)))
        ORDER BY g.id
        """;

    private static readonly string[] RuleSetInsertColumns =
    [
        "funder_id",
        "version",
        "rules_json",
        "created_by",
        "created_at",
    ];

    public Task<RuleSetRow?> CurrentRuleSetAsync(long funderId, CancellationToken ct) =>
        db.QueryFirstOrDefaultAsync<RuleSetRow>(
            SelectCurrentRuleSet + " " + db.Dialect.Limit("One"),
            new { FunderId = funderId, One = 1 },
            ct
        );

    public Task<RuleSetRow?> FindRuleSetAsync(long funderId, long id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<RuleSetRow>(SelectRuleSet, new { FunderId = funderId, Id = id }, ct);

    public Task<long> AddRuleSetAsync(
        long funderId,
        string version,
        string rulesJson,
        string createdBy,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var args = new
        {
            funder_id = funderId,
            version,
            rules_json = rulesJson,
            created_by = createdBy,
            created_at = now,
        };
        return adminLog.InsertLoggedAsync(
            "classification_rule_sets",
            RuleSetInsertColumns,
            args,
            AdminLogEntry.ForNewRow(funderId, createdBy, AdminActions.RuleSetCreated, "rule_set"),
            ct
        );
    }

    public async Task MarkAppliedAsync(long funderId, long id, DateTimeOffset now, CancellationToken ct)
    {
        var args = new
        {
            FunderId = funderId,
            Id = id,
            Now = now,
        };
        await db.ExecuteAsync(MarkAppliedSql, args, ct);
    }

    public Task<long?> FindGrantIdAsync(long funderId, string identifier, CancellationToken ct) =>
        db.ExecuteScalarAsync<long?>(SelectGrantId, new { FunderId = funderId, Identifier = identifier }, ct);

    public Task<CorrectionRow?> FindCorrectionAsync(long funderId, long grantId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<CorrectionRow>(
            SelectCorrection,
            new { FunderId = funderId, GrantId = grantId },
            ct
        );

    /// <summary>Records (or replaces) the one correction of a grant.</summary>
    public Task SetCorrectionAsync(long funderId, long grantId, CorrectionRow correction, CancellationToken ct)
    {
        var args = RowArgs.Of(correction, new { FunderId = funderId, GrantId = grantId });
        return db.UpdateOrInsertAsync(UpdateCorrectionSql, InsertCorrectionSql, args, ct);
    }

    public async Task<bool> RemoveCorrectionAsync(long funderId, long grantId, CancellationToken ct) =>
        await db.ExecuteAsync(DeleteCorrectionSql, new { FunderId = funderId, GrantId = grantId }, ct) > 0;

    public async Task<IReadOnlyList<ReviewRow>> ReviewQueueAsync(
        long funderId,
        long afterId,
        int limit,
        double threshold,
        CancellationToken ct
    )
    {
        var args = new
        {
            FunderId = funderId,
            AfterId = afterId,
            Limit = limit,
            Threshold = threshold,
        };
        return await db.QueryListAsync<ReviewRow>(SelectReview + " " + db.Dialect.Limit("Limit"), args, ct);
    }

    public Task<IReadOnlyList<ClassificationInputRow>> InputsAsync(
        long funderId,
        long afterId,
        int limit,
        CancellationToken ct
    ) => GrantPageAsync<ClassificationInputRow>(db, SelectInputs, funderId, afterId, limit, ct);

    /// <summary>
    /// A page of a funder's grants read by <paramref name="select"/> (which filters on <c>@FunderId</c> and
    /// <c>g.id &gt; @AfterId</c>, ordered by <c>g.id</c>), at most <paramref name="limit"/> rows: the one keyset page
    /// that re-classification and a rule-set dry run both walk.
    /// </summary>
    internal static async Task<IReadOnlyList<T>> GrantPageAsync<T>(
        Db db,
        string select,
        long funderId,
        long afterId,
        int limit,
        CancellationToken ct
    )
    {
        var args = new
        {
            FunderId = funderId,
            AfterId = afterId,
            Limit = limit,
        };
        return await db.QueryListAsync<T>(select + " " + db.Dialect.Limit("Limit"), args, ct);
    }

    public Task SaveClassificationsAsync(
        long funderId,
        IReadOnlyList<ClassificationUpdate> updates,
        CancellationToken ct
    )
    {
        var rows = updates.Select(u => new
        {
            FunderId = funderId,
            u.Id,
            u.Level,
            u.LevelSource,
            u.LevelConfidence,
            u.LevelEvidence,
            u.Purpose,
            u.PurposeSource,
            u.PurposeConfidence,
            u.PurposeEvidence,
            u.Flexible,
            u.FlexibleSource,
            u.FlexibleConfidence,
            u.FlexibleEvidence,
            u.RuleSetVersion,
            u.ClassifiedAt,
        });
        return db.InTransactionAsync(tx => tx.ExecuteAsync(UpdateClassificationSql, rows, ct), ct);
    }
}

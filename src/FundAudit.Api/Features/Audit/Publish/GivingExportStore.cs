namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>A grant as the 360Giving export reads it: the publisher's stored JSON and the columns FundAudit derived
/// from it (the base's <c>Pj</c> properties, read once), the effective (corrected) classification and the sensitive
/// mark.</summary>
internal sealed class GivingExportRow : FundAudit.Api.Features.GrantIngest.PublishedGrantColumns
{
    public long Id { get; init; }

    public string Level { get; init; } = "unclassified";

    public string Purpose { get; init; } = "unclassified";

    public bool? Flexible { get; init; }

    public bool Sensitive { get; init; }
}

/// <summary>How many grants an export holds, and how many of them it anonymises.</summary>
internal sealed class GivingExportCount
{
    public long Grants { get; init; }

    public long Sensitive { get; init; }
}

/// <summary>
/// The 360Giving export's SQL: the funder's grants under the mix's filters (<see cref="MixFilter.OverGrants"/>, so the
/// grants the mix counts), with the effective classification (a person's correction wins) and the sensitive mark.
/// </summary>
internal sealed class GivingExportStore(Db db)
{
    private const string SelectGrants = $"""
        SELECT g.id AS Id,
               {FundAudit.Api.Features.GrantIngest.StoredGrantText.Columns},
               COALESCE(c.level, g.level) AS Level, COALESCE(c.purpose, g.purpose) AS Purpose,
               COALESCE(c.flexible, g.flexible) AS Flexible, g.sensitive AS Sensitive
        FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
        """;

    private const string CountGrants = """
        SELECT COUNT(*) AS Grants, COALESCE(SUM(CASE WHEN g.sensitive = @Sensitive THEN 1 ELSE 0 END), 0) AS Sensitive
        FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
        """;

    private const string SelectFunderName = "SELECT name FROM funders WHERE id = @FunderId";

    /// <summary>How many grants <paramref name="q"/> selects, and how many of them are marked sensitive.</summary>
    public async Task<GivingExportCount> CountAsync(long funderId, MixQuery q, CancellationToken ct)
    {
        var (where, p) = MixFilter.OverGrants(funderId, q);
        p["Sensitive"] = true;
        var sql = $"{CountGrants}{Join(q)} WHERE {where}";
        return (await db.QuerySingleOrDefaultAsync<GivingExportCount>(sql, new DynamicParameters(p), ct))!;
    }

    /// <summary>The funder's name (the publisher, and the funding organisation of a grant that names none).</summary>
    public async Task<string> FunderNameAsync(long funderId, CancellationToken ct) =>
        await db.ExecuteScalarAsync<string>(SelectFunderName, new { FunderId = funderId }, ct) ?? "";

    /// <summary>The grants of <paramref name="q"/> in award-date order, streamed row by row (never all in
    /// memory).</summary>
    public IAsyncEnumerable<GivingExportRow> GrantsAsync(long funderId, MixQuery q, CancellationToken ct)
    {
        var (where, p) = MixFilter.OverGrants(funderId, q);
        var sql = $"{SelectGrants}{Join(q)} WHERE {where} ORDER BY g.award_date, g.id";
        return db.StreamAsync<GivingExportRow>(sql, new DynamicParameters(p), ct);
    }

    private static string Join(MixQuery q) => MixFilter.RegionJoin(q);
}

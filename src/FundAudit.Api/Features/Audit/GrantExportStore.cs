using FundAudit.Api.Features.GrantIngest;

namespace FundAudit.Api.Features.Audit;

/// <summary>A grant as the CSV export writes it, with its effective (corrected) classification.</summary>
internal sealed class GrantExportRow
{
    public string Identifier { get; init; } = "";

    public string Title { get; init; } = "";

    public string? RecipientOrgName { get; init; }

    public string? RecipientCountry { get; init; }

    public string Currency { get; init; } = "";

    public long AmountAwarded { get; init; }

    public DateOnly AwardDate { get; init; }

    public string? ProgrammeTitle { get; init; }

    public string Level { get; init; } = "";

    public string? LevelSource { get; init; }

    public string Purpose { get; init; } = "";

    public string? PurposeSource { get; init; }

    public bool? Flexible { get; init; }

    public string? FlexibleSource { get; init; }

    public string? RuleSetVersion { get; init; }
}

/// <summary>
/// The grant export's SQL: the funder's grants, filtered as the grant list filters them (<see cref="GrantFilter"/>),
/// with the effective classification: a person's correction (c) wins over the engine's answer (g), source 'manual'.
/// </summary>
internal sealed class GrantExportStore(Db db)
{
    private const string SelectExport = """
        SELECT g.identifier, g.title, g.recipient_org_name, g.recipient_country, g.currency, g.amount_awarded,
               g.award_date, g.programme_title,
               COALESCE(c.level, g.level) AS level,
               CASE WHEN c.level IS NULL THEN g.level_source ELSE 'manual' END AS level_source,
               COALESCE(c.purpose, g.purpose) AS purpose,
               CASE WHEN c.purpose IS NULL THEN g.purpose_source ELSE 'manual' END AS purpose_source,
               COALESCE(c.flexible, g.flexible) AS flexible,
               CASE WHEN c.flexible IS NULL THEN g.flexible_source ELSE 'manual' END AS flexible_source,
               g.rule_set_version
        FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
        """;

    /// <summary>
    /// The funder's grants with their effective classification, streamed row by row (never all in memory).
    /// </summary>
    public IAsyncEnumerable<GrantExportRow> ExportAsync(long funderId, GrantFilter filter, CancellationToken ct)
    {
        var (where, p) = filter.ToSql(funderId, db.Dialect);
        var sql = $"{SelectExport} WHERE {string.Join(" AND ", where)} ORDER BY g.award_date, g.id";
        return db.StreamAsync<GrantExportRow>(sql, p, ct);
    }
}

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// Whether a funder shares its mix in the field view (audit_field_participants).
/// </summary>
internal sealed class FieldParticipationStore(Db db)
{
    private const string SelectParticipation =
        "SELECT opted_in FROM audit_field_participants WHERE funder_id = @FunderId";
    private const string UpdateParticipationSql = """
        UPDATE audit_field_participants SET opted_in = @OptedIn, updated_by = @UpdatedBy, updated_at = @UpdatedAt
        WHERE funder_id = @FunderId
        """;
    private const string InsertParticipationSql = """
        INSERT INTO audit_field_participants (funder_id, opted_in, updated_by, updated_at)
        VALUES (@FunderId, @OptedIn, @UpdatedBy, @UpdatedAt)
        """;

    private const string SelectOptedIn =
        "SELECT funder_id FROM audit_field_participants WHERE opted_in = @OptedIn ORDER BY funder_id";

    /// <summary>The funders who share their mix in the field view.</summary>
    public async Task<IReadOnlyList<long>> OptedInAsync(CancellationToken ct) =>
        await db.QueryListAsync<long>(
            new CommandDefinition(SelectOptedIn, new { OptedIn = true }, cancellationToken: ct)
        );

    public async Task<bool> IsOptedInAsync(long funderId, CancellationToken ct) =>
        await db.ExecuteScalarAsync<bool?>(SelectParticipation, new { FunderId = funderId }, ct) == true;

    public Task SetParticipationAsync(long funderId, bool optedIn, string by, DateTimeOffset now, CancellationToken ct)
    {
        var args = new
        {
            FunderId = funderId,
            OptedIn = optedIn,
            UpdatedBy = by,
            UpdatedAt = now,
        };
        return db.UpdateOrInsertAsync(UpdateParticipationSql, InsertParticipationSql, args, ct);
    }
}

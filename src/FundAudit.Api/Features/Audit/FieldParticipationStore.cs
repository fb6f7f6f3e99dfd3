namespace FundAudit.Api.Features.Audit;

/// <summary>
/// Whether a funder shares its mix in the field view (audit_field_participants). The field view's sums read the
/// opted-in funders through <see cref="MixFilter"/>.
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

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// The purge of personal data from closed cases. Cross-tenant by design, like <see cref="SlaOutboxStore"/>: the purge
/// job runs for every funder at once. It removes ciphertext and the case-code hash; it keeps country, tier, amounts,
/// instants and events, so the statistics survive.
/// </summary>
internal sealed class PurgeStore(RapidResponseDb db)
{
    private const string SelectPurgeable = """
        SELECT id FROM emergency_requests
        WHERE closed_at IS NOT NULL AND closed_at <= @Cutoff AND purged_at IS NULL ORDER BY id
        """;
    private const string PurgeRequest = """
        UPDATE emergency_requests SET alias_protected = NULL, contact_protected = NULL, situation_protected = NULL,
               endorser_protected = NULL, decline_reason_protected = NULL, case_code_hash = NULL, purged_at = @Now
        WHERE id = @Id AND purged_at IS NULL
        """;
    private const string PurgeMessages = "UPDATE request_messages SET body_protected = NULL WHERE request_id = @Id";
    private const string PurgePaymentDetails = "DELETE FROM request_payment_details WHERE request_id = @Id";
    private const string PurgeDisbursement =
        "UPDATE disbursements SET reference_protected = NULL WHERE request_id = @Id";

    /// <summary>Requests closed at or before <paramref name="cutoff"/> and not purged yet.</summary>
    public async Task<IReadOnlyList<long>> PurgeableAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        await db.QueryListAsync<long>(SelectPurgeable, new { Cutoff = cutoff }, ct);

    /// <summary>Removes one closed request's personal data in one transaction; false when already purged.</summary>
    public Task<bool> PurgeAsync(long id, DateTimeOffset now, CancellationToken ct) =>
        db.WriteIfAsync(
            async tx => await tx.ExecuteAsync(PurgeRequest, new { Id = id, Now = now }, ct) == 1,
            async tx =>
            {
                await tx.ExecuteAsync(PurgeMessages, new { Id = id }, ct);
                await tx.ExecuteAsync(PurgePaymentDetails, new { Id = id }, ct);
                await tx.ExecuteAsync(PurgeDisbursement, new { Id = id }, ct);
            },
            ct
        );
}

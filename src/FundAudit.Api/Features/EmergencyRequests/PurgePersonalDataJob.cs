using Hangfire;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// Every hour: removes personal data of cases closed longer than EmergencyRequests:PurgeAfterDays ago (through
/// <see cref="PurgeStore"/>) and keeps the statistics; drops first answers to Idempotency-Keys older than
/// Idempotency:RetentionHours (24).
/// </summary>
internal sealed class PurgePersonalDataJob(
    PurgeStore store,
    IdempotencyStore idempotency,
    IdempotencyClaims claims,
    IdempotencyOptions idempotencyOptions,
    EmergencyOptions options,
    TimeProvider clock,
    ILogger<PurgePersonalDataJob> logger
)
{
    public const string RecurringId = "emergency-purge";

    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var purged = 0;
        foreach (var id in await store.PurgeableAsync(now.AddDays(-options.PurgeAfterDays), ct))
        {
            if (await store.PurgeAsync(id, now, ct))
            {
                purged++;
            }
        }

        // First answers to Idempotency-Keys hold case codes (encrypted): kept Idempotency:RetentionHours (at least a
        // day, long enough for a retry), with the claims that processes which died left behind.
        var keysBefore = now.AddHours(-Math.Max(24, idempotencyOptions.RetentionHours));
        await idempotency.DeleteOlderThanAsync(keysBefore, ct);
        await claims.DeleteExpiredAsync(keysBefore, ct);
        if (purged > 0)
        {
            logger.LogInformation("Purged personal data of {Count} closed requests", purged);
        }

        return purged;
    }
}

using Hangfire;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// Every hour (no arguments): removes personal data (through <see cref="PurgeStore"/>) of cases that ended in any way
/// (closed, withdrawn, declined) EmergencyRequests:PurgeAfterDays ago, and of cases left open without activity for
/// EmergencyRequests:InactivePurgeDays once officers were warned PurgeWarningDays before; keeps the statistics; drops
/// first answers to Idempotency-Keys older than Idempotency:RetentionHours (at least 24) with leftover claims; then
/// lets the engine drop its copies of the erased pages.
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

    /// <summary>Runs one pass; answers the number of cases purged.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var warningDays = Math.Clamp(options.PurgeWarningDays, 0, options.InactivePurgeDays);
        var purged = 0;
        foreach (var id in await store.EndedBeforeAsync(now.AddDays(-options.PurgeAfterDays), ct))
        {
            purged += await store.PurgeAsync(id, now, ct) ? 1 : 0;
        }

        var inactiveSince = now.AddDays(-options.InactivePurgeDays);
        foreach (var id in await store.AbandonedAsync(inactiveSince, now.AddDays(-warningDays), ct))
        {
            purged += await store.PurgeAsync(id, now, ct) ? 1 : 0;
        }

        var warned = 0;
        foreach (var id in await store.ToWarnAsync(now.AddDays(warningDays - options.InactivePurgeDays), ct))
        {
            warned += await store.WarnAsync(id, now, ct) ? 1 : 0;
        }

        // First answers to Idempotency-Keys hold case codes (encrypted): kept Idempotency:RetentionHours (at least a
        // day, long enough for a retry), with the claims that processes which died left behind.
        var keysBefore = now.AddHours(-Math.Max(24, idempotencyOptions.RetentionHours));
        await idempotency.DeleteOlderThanAsync(keysBefore, ct);
        await claims.DeleteExpiredAsync(keysBefore, ct);
        if (!await store.FlushErasedAsync(ct))
        {
            logger.LogWarning("The database could not drop its copies of erased pages now; the next run tries again");
        }

        if (purged > 0 || warned > 0)
        {
            logger.LogInformation(
                "Purged personal data of {Count} requests; warned of {Warned} inactive open requests",
                purged,
                warned
            );
        }

        return purged;
    }
}

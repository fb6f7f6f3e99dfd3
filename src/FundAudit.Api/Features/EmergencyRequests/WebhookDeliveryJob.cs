using Hangfire;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// Every minute: delivers the outbox to each fund's webhook with an HMAC-SHA256 signature; failures are retried with
/// exponential backoff (30 s doubling, at most an hour apart) until delivered. At-least-once: receivers de-duplicate
/// on the delivery id.
/// </summary>
internal sealed class WebhookDeliveryJob(
    SlaOutboxStore store,
    WebhookSender sender,
    SensitiveFields sensitive,
    TimeProvider clock,
    ILogger<WebhookDeliveryJob> logger
)
{
    public const string RecurringId = "emergency-webhooks";
    private const int BatchSize = 100;

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Min(attempts, 20))));

    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var delivered = 0;
        foreach (var row in await store.DueOutboxAsync(now, BatchSize, ct))
        {
            if (!await store.ClaimOutboxAsync(row.Id, now, now.AddMinutes(2), ct))
            {
                continue;
            }

            var fund = await store.WebhookAsync(row.FundId, ct);
            if (fund?.WebhookUrl is null || sensitive.Unprotect(fund.WebhookSecretProtected) is not { } secret)
            {
                await store.OutboxResultAsync(row.Id, true, null, now, now, ct); // no subscriber: nothing to deliver
                continue;
            }

            var status = await sender.SendAsync(
                new Uri(fund.WebhookUrl),
                System.Text.Encoding.UTF8.GetBytes(secret),
                row.Payload,
                row.Id,
                ct
            );
            var ok = status is >= 200 and < 300;
            await store.OutboxResultAsync(row.Id, ok, status, now, now + Backoff(row.Attempts), ct);
            if (ok)
            {
                delivered++;
            }
            else
            {
                logger.LogWarning(
                    "Webhook delivery {DeliveryId} failed with {Status}; attempt {Attempt}",
                    row.Id,
                    status,
                    row.Attempts + 1
                );
            }
        }

        return delivered;
    }
}

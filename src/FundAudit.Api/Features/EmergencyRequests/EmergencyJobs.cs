using System.Text.Json;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Infrastructure.Jobs;
using FundAudit.Core.EmergencyRequests;
using Hangfire;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// Every minute: marks SLA warnings and breaches with the conditional updates of <see cref="SlaSweep"/>, each with its
/// outbox row in the same transaction. No arguments; re-runnable; a duplicate or overlapping run marks nothing twice.
/// </summary>
internal sealed class SlaSweepJob(EmergencyStore store, TimeProvider clock, ILogger<SlaSweepJob> logger)
{
    public const string RecurringId = "emergency-sla-sweep";
    private const int BatchSize = 500;

    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        long after = 0;
        var marks = 0;
        while (true)
        {
            var batch = await store.SweepCandidatesAsync(now, after, BatchSize, ct);
            foreach (var goal in batch)
            {
                var decision = SlaSweep.Evaluate(goal.ToTimer(), now);
                if (decision.Warn && await store.MarkAsync(goal, false, decision.WarnAt!.Value, Payload(goal, "sla.at_risk", decision.WarnAt.Value), now, ct))
                {
                    marks++;
                }

                if (decision.Breach && await store.MarkAsync(goal, true, decision.BreachAt!.Value, Payload(goal, "sla.breached", decision.BreachAt.Value), now, ct))
                {
                    marks++;
                }
            }

            if (batch.Count < BatchSize)
            {
                break;
            }

            after = batch[^1].RequestId;
        }

        if (marks > 0)
        {
            logger.LogInformation("SLA sweep set {Marks} marks", marks);
        }

        return marks;
    }

    /// <summary>The webhook body: the request's reference, the goal, its state and instants. Never personal data.</summary>
    private static string Payload(SweepCandidate goal, string type, DateTimeOffset at) => JsonSerializer.Serialize(new
    {
        @event = type,
        reference = goal.Reference,
        goal = goal.Goal,
        state = goal.State,
        dueAt = goal.DueAt,
        warnAt = goal.WarnAt,
        markedAt = at,
    });
}

/// <summary>
/// Delivers the outbox to each fund's webhook with an HMAC-SHA256 signature; failures are retried with exponential
/// backoff (30 s doubling, at most an hour apart) until delivered. At-least-once: receivers de-duplicate on the delivery id.
/// </summary>
internal sealed class WebhookDeliveryJob(EmergencyStore store, WebhookSender sender, SensitiveFields sensitive, TimeProvider clock, ILogger<WebhookDeliveryJob> logger)
{
    public const string RecurringId = "emergency-webhooks";
    private const int BatchSize = 100;

    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Min(attempts, 20))));

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

            var fund = await store.FindFundAsync(row.FundId, ct);
            if (fund?.WebhookUrl is null || sensitive.Unprotect(fund.WebhookSecretProtected) is not { } secret)
            {
                await store.OutboxResultAsync(row.Id, true, null, now, now, ct); // no subscriber: nothing to deliver
                continue;
            }

            var status = await sender.SendAsync(new Uri(fund.WebhookUrl), System.Text.Encoding.UTF8.GetBytes(secret), row.Payload, row.Id, ct);
            var ok = status is >= 200 and < 300;
            await store.OutboxResultAsync(row.Id, ok, status, now, now + Backoff(row.Attempts), ct);
            if (ok)
            {
                delivered++;
            }
            else
            {
                logger.LogWarning("Webhook delivery {DeliveryId} failed with {Status}; attempt {Attempt}", row.Id, status, row.Attempts + 1);
            }
        }

        return delivered;
    }
}

/// <summary>Removes personal data of cases closed longer than EmergencyRequests:PurgeAfterDays ago; keeps the statistics.</summary>
internal sealed class PurgePersonalDataJob(EmergencyStore store, IdempotencyStore idempotency, EmergencyOptions options, TimeProvider clock,
    ILogger<PurgePersonalDataJob> logger)
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

        // First answers to Idempotency-Keys hold case codes (encrypted): a day is long enough for a retry.
        await idempotency.DeleteOlderThanAsync(now.AddDays(-1), ct);
        if (purged > 0)
        {
            logger.LogInformation("Purged personal data of {Count} closed requests", purged);
        }

        return purged;
    }
}

/// <summary>Registers the recurring jobs at start-up, only where a Hangfire server runs (not in tests or commands).</summary>
internal sealed class EmergencyJobsRegistration(JobsOptions jobs, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!jobs.RunServer)
        {
            return Task.CompletedTask;
        }

        var manager = services.GetRequiredService<IRecurringJobManager>();
        manager.AddOrUpdate<SlaSweepJob>(SlaSweepJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        manager.AddOrUpdate<WebhookDeliveryJob>(WebhookDeliveryJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        manager.AddOrUpdate<PurgePersonalDataJob>(PurgePersonalDataJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

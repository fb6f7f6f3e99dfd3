using System.Text.Json;
using FundAudit.Core.EmergencyRequests;
using Hangfire;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// Every minute: marks SLA warnings and breaches with the conditional updates of <see cref="SlaSweep"/>, each with its
/// outbox row in the same transaction. No arguments; re-runnable; a duplicate or overlapping run marks nothing twice.
/// </summary>
internal sealed class SlaSweepJob(SlaOutboxStore store, TimeProvider clock, ILogger<SlaSweepJob> logger)
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
                var decision = SlaSweep.Evaluate(goal.Timer, now);
                if (decision.Warn && await MarkAsync(goal, breach: false, decision.WarnAt!.Value, now, ct))
                {
                    marks++;
                }

                if (decision.Breach && await MarkAsync(goal, breach: true, decision.BreachAt!.Value, now, ct))
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

    /// <summary>The webhook body: the request's reference, goal, state and instants; no personal data.</summary>
    /// <summary>One mark, warning or breach, with its notification; true when this run made it.</summary>
    private Task<bool> MarkAsync(
        SweepCandidate goal,
        bool breach,
        DateTimeOffset at,
        DateTimeOffset now,
        CancellationToken ct
    ) => store.MarkAsync(goal, breach, at, Payload(goal, breach ? "sla.breached" : "sla.at_risk", at), now, ct);

    private static string Payload(SweepCandidate goal, string type, DateTimeOffset at) =>
        JsonSerializer.Serialize(
            new
            {
                @event = type,
                reference = goal.Reference,
                goal = goal.Goal,
                state = goal.State,
                dueAt = goal.Timer.DueAt,
                warnAt = goal.Timer.WarnAt,
                markedAt = at,
            }
        );
}

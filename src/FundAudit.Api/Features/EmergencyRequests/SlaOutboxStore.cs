using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>A goal the sweep may have to mark, with what the notification needs (no personal data).</summary>
internal sealed class SweepCandidate
{
    public long RequestId { get; init; }

    /// <summary>The goal's wire name, as stored.</summary>
    public string Goal { get; init; } = "";

    public long FunderId { get; init; }

    public long FundId { get; init; }

    public string Reference { get; init; } = "";

    public string State { get; init; } = "";

    /// <summary>The goal's timer, put in by <see cref="SlaOutboxStore"/> as it reads the row.</summary>
    public SlaTimer Timer { get; private set; } = null!;

    /// <summary>Puts in the timer Dapper read after this row's key (see <see cref="SlaTimerMapping"/>).</summary>
    public SweepCandidate WithTimer(SlaTimer timer)
    {
        Timer = SlaTimerMapping.WithGoal(timer, Goal);
        return this;
    }
}

/// <summary>One row of webhook_outbox as the delivery needs it.</summary>
internal sealed class OutboxRow
{
    public long Id { get; init; }

    public long FundId { get; init; }

    public string Payload { get; init; } = "";

    public int Attempts { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public int? LastStatus { get; init; }
}

/// <summary>Where a fund's notifications go: its webhook URL and the encrypted HMAC secret.</summary>
internal sealed class WebhookTarget
{
    public string? WebhookUrl { get; init; }

    public string? WebhookSecretProtected { get; init; }
}

/// <summary>
/// The SLA sweep's marks and the webhook outbox. <b>Cross-tenant by design</b>: the sweep and the delivery are
/// background jobs for every funder at once, with no caller to take a funder from, so these statements do not filter
/// on funder_id. They read and write no personal data: goals, instants, references and the outbox's payloads. Tenant
/// code never uses this store.
/// </summary>
internal sealed class SlaOutboxStore(RapidResponseDb db)
{
    private const string SelectSweepCandidates = $"""
        SELECT g.request_id, g.goal, g.funder_id, r.fund_id, r.reference, r.state, {SlaTimerMapping.TimerColumns}
        FROM request_sla_goals g JOIN emergency_requests r ON r.id = g.request_id
        WHERE g.request_id > @AfterId AND g.breached_at IS NULL
          AND ((g.due_at <= @Now AND (g.stopped_at IS NULL OR g.due_at <= g.stopped_at))
            OR (g.warned_at IS NULL AND g.stopped_at IS NULL AND g.warn_at <= @Now))
        ORDER BY g.request_id, g.goal
        """;
    private const string MarkWarning = """
        UPDATE request_sla_goals SET warned_at = @At
        WHERE request_id = @RequestId AND goal = @Goal AND warned_at IS NULL AND breached_at IS NULL AND warn_at = @At
        """;
    private const string MarkBreach = """
        UPDATE request_sla_goals SET breached_at = @At
        WHERE request_id = @RequestId AND goal = @Goal AND breached_at IS NULL AND due_at = @At
        """;
    private const string InsertOutbox = """
        INSERT INTO webhook_outbox (funder_id, fund_id, request_id, event_type, goal, payload, created_at, attempts,
            next_attempt_at)
        VALUES (@FunderId, @FundId, @RequestId, @EventType, @Goal, @Payload, @CreatedAt, 0, @CreatedAt)
        """;
    private const string SelectDueOutbox = """
        SELECT id, fund_id, payload, attempts, delivered_at, last_status FROM webhook_outbox
        WHERE delivered_at IS NULL AND next_attempt_at <= @Now AND (locked_until IS NULL OR locked_until <= @Now)
        ORDER BY id
        """;
    private const string ClaimOutbox = """
        UPDATE webhook_outbox SET locked_until = @Until
        WHERE id = @Id AND delivered_at IS NULL AND (locked_until IS NULL OR locked_until <= @Now)
        """;
    private const string OutboxDelivered = """
        UPDATE webhook_outbox SET delivered_at = @Now, attempts = attempts + 1, last_status = @Status,
               locked_until = NULL
        WHERE id = @Id
        """;
    private const string OutboxFailed = """
        UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = @Next, last_status = @Status,
               locked_until = NULL
        WHERE id = @Id
        """;
    private const string SelectWebhook = "SELECT webhook_url, webhook_secret_protected FROM funds WHERE id = @Id";

    /// <summary>A keyset page (request id after <paramref name="afterId"/>) of goals due a warning or breach.</summary>
    public async Task<IReadOnlyList<SweepCandidate>> SweepCandidatesAsync(
        DateTimeOffset now,
        long afterId,
        int limit,
        CancellationToken ct
    )
    {
        var args = new
        {
            Now = now,
            AfterId = afterId,
            Limit = limit,
        };
        return await SlaTimerMapping.QueryAsync<SweepCandidate, SweepCandidate>(
            db,
            SelectSweepCandidates + " " + db.Dialect.Limit("Limit"),
            args,
            (candidate, timer) => candidate.WithTimer(timer),
            ct
        );
    }

    /// <summary>
    /// Sets one mark with the conditional update from <see cref="SlaSweep"/> and, only when it changed a row, writes
    /// the notification in the same transaction. Answers whether this call made the mark.
    /// </summary>
    public Task<bool> MarkAsync(
        SweepCandidate goal,
        bool breach,
        DateTimeOffset at,
        string payload,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var mark = new
        {
            goal.RequestId,
            goal.Goal,
            At = at,
        };
        var notification = new
        {
            goal.FunderId,
            goal.FundId,
            goal.RequestId,
            EventType = breach ? "sla.breached" : "sla.at_risk",
            goal.Goal,
            Payload = payload,
            CreatedAt = now,
        };
        return db.WriteIfAsync(
            async tx => await tx.ExecuteAsync(breach ? MarkBreach : MarkWarning, mark, ct) == 1,
            tx => tx.ExecuteAsync(InsertOutbox, notification, ct),
            ct
        );
    }

    public async Task<IReadOnlyList<OutboxRow>> DueOutboxAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        await db.QueryListAsync<OutboxRow>(
            SelectDueOutbox + " " + db.Dialect.Limit("Limit"),
            new { Now = now, Limit = limit },
            ct
        );

    /// <summary>Claims a row for one delivery attempt, so two overlapping delivery jobs do not both send it.</summary>
    public async Task<bool> ClaimOutboxAsync(long id, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        var args = new
        {
            Id = id,
            Now = now,
            Until = until,
        };
        return await db.ExecuteAsync(ClaimOutbox, args, ct) == 1;
    }

    public async Task OutboxResultAsync(
        long id,
        bool delivered,
        int? status,
        DateTimeOffset now,
        DateTimeOffset next,
        CancellationToken ct
    )
    {
        var args = new
        {
            Id = id,
            Now = now,
            Next = next,
            Status = status,
        };
        await db.ExecuteAsync(delivered ? OutboxDelivered : OutboxFailed, args, ct);
    }

    /// <summary>The webhook of the fund an outbox row belongs to; null when the fund is gone.</summary>
    public Task<WebhookTarget?> WebhookAsync(long fundId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<WebhookTarget>(SelectWebhook, new { Id = fundId }, ct);
}

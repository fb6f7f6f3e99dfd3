using System.Globalization;
using System.Data.Common;
using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

internal sealed class FundRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public string Slug { get; init; } = "";

    public string Name { get; init; } = "";

    public string Currency { get; init; } = "";

    public long MaxAmount { get; init; }

    public long? SecondApprovalThreshold { get; init; }

    public string Languages { get; init; } = "";

    public string SlaPolicy { get; init; } = "";

    public string? WebhookUrl { get; init; }

    public string? WebhookSecretProtected { get; init; }

    public string CreatedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class RequestRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public long FundId { get; init; }

    public string Reference { get; init; } = "";

    public string? CaseCodeHash { get; init; }

    public string State { get; set; } = "";

    public string Tier { get; init; } = "";

    public string Need { get; init; } = "";

    public string Country { get; init; } = "";

    public string Language { get; init; } = "";

    public long AmountRequested { get; init; }

    public string Currency { get; init; } = "";

    public long? ApprovedAmount { get; set; }

    public string ApproverIds { get; set; } = "[]";

    public bool HasPaymentDetails { get; set; }

    public int Version { get; set; }

    public string? AliasProtected { get; init; }

    public string? ContactProtected { get; init; }

    public string? SituationProtected { get; init; }

    public string? EndorserProtected { get; init; }

    public string? DeclineReasonProtected { get; set; }

    public DateTimeOffset SubmittedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public DateTimeOffset? DisbursedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset? PurgedAt { get; init; }
}

/// <summary>One row of request_sla_goals; converts to and from <see cref="SlaTimer"/>.</summary>
/// <summary>One SLA goal of one request as stored (not sealed: a sweep candidate is a goal row with a little more).</summary>
internal class GoalRow
{
    public long RequestId { get; init; }

    public string Goal { get; init; } = "";

    public long FunderId { get; init; }

    public long TargetTicks { get; init; }

    public long WarnAfterTicks { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public long ElapsedTicks { get; init; }

    public DateTimeOffset? RunningSince { get; init; }

    public DateTimeOffset? PausedSince { get; init; }

    public long PausedTicks { get; init; }

    public DateTimeOffset? WarnAt { get; init; }

    public DateTimeOffset? DueAt { get; init; }

    public DateTimeOffset? StoppedAt { get; init; }

    public bool Cancelled { get; init; }

    public DateTimeOffset? WarnedAt { get; init; }

    public DateTimeOffset? BreachedAt { get; init; }

    public SlaTimer ToTimer() => new()
    {
        Goal = WireName.TryParse<SlaGoal>(Goal, out var g) ? g : throw new InvalidOperationException("Unknown stored goal."),
        Target = TimeSpan.FromTicks(TargetTicks),
        WarnAfter = TimeSpan.FromTicks(WarnAfterTicks),
        StartedAt = StartedAt,
        ElapsedBeforeRun = TimeSpan.FromTicks(ElapsedTicks),
        RunningSince = RunningSince,
        PausedSince = PausedSince,
        PausedTotal = TimeSpan.FromTicks(PausedTicks),
        WarnAt = WarnAt,
        DueAt = DueAt,
        StoppedAt = StoppedAt,
        Cancelled = Cancelled,
        WarnedAt = WarnedAt,
        BreachedAt = BreachedAt,
    };

    public static GoalRow From(long requestId, long funderId, SlaTimer t) => new()
    {
        RequestId = requestId,
        FunderId = funderId,
        Goal = WireName.Of(t.Goal),
        TargetTicks = t.Target.Ticks,
        WarnAfterTicks = t.WarnAfter.Ticks,
        StartedAt = t.StartedAt,
        ElapsedTicks = t.ElapsedBeforeRun.Ticks,
        RunningSince = t.RunningSince,
        PausedSince = t.PausedSince,
        PausedTicks = t.PausedTotal.Ticks,
        WarnAt = t.WarnAt,
        DueAt = t.DueAt,
        StoppedAt = t.StoppedAt,
        Cancelled = t.Cancelled,
        WarnedAt = t.WarnedAt,
        BreachedAt = t.BreachedAt,
    };
}

internal sealed class EventRow
{
    public long Id { get; init; }

    public long RequestId { get; init; }

    public string Command { get; init; } = "";

    public string FromState { get; init; } = "";

    public string ToState { get; init; } = "";

    public string Actor { get; init; } = "";

    public string ActorRole { get; init; } = "";

    public long? Amount { get; init; }

    public DateTimeOffset OccurredAt { get; init; }
}

internal sealed class MessageRow
{
    public long Id { get; init; }

    public string Kind { get; init; } = "";

    public string? BodyProtected { get; init; }

    public string CreatedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class DisbursementRow
{
    public long Id { get; init; }

    public long RequestId { get; init; }

    public string IdempotencyKey { get; init; } = "";

    public string Method { get; init; } = "";

    public string? ReferenceProtected { get; init; }

    public long Amount { get; init; }

    public string Currency { get; init; } = "";

    public string RecordedBy { get; init; } = "";

    public DateTimeOffset RecordedAt { get; init; }
}

internal sealed class PaymentDetailsRow
{
    public string? DetailsProtected { get; init; }

    public string RecordedBy { get; init; } = "";

    public DateTimeOffset RecordedAt { get; init; }
}

/// <summary>A goal the sweep may have to mark, with what the notification needs (no personal data).</summary>
internal sealed class SweepCandidate : GoalRow
{
    public long FundId { get; init; }

    public string Reference { get; init; } = "";

    public string State { get; init; } = "";
}

internal sealed class OutboxRow
{
    public long Id { get; init; }

    public long FundId { get; init; }

    public string Payload { get; init; } = "";

    public int Attempts { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public int? LastStatus { get; init; }
}

/// <summary>A request's state history for the statistics: no personal data.</summary>
internal sealed class TimingRow
{
    public long Id { get; init; }

    public string Tier { get; init; } = "";

    public string Country { get; init; } = "";

    public DateTimeOffset SubmittedAt { get; init; }
}

internal sealed class HistoryRow
{
    public long RequestId { get; init; }

    public string ToState { get; init; } = "";

    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>A transition to store: the request's new fields, its timers, the event, and feature-specific extra writes.</summary>
internal sealed record TransitionWrite(RequestRow Request, int ExpectedVersion, IReadOnlyList<SlaTimer> Timers, EventRow Event,
    Func<DbConnection, DbTransaction, Task>? Extra = null);

/// <summary>Funds, requests, timers, events, messages, payment details, disbursements, access log, outbox. Tenant reads filter on funder_id.</summary>
internal sealed class EmergencyStore(Db db)
{
    private const string FundColumns = """
        id, funder_id, slug, name, currency, max_amount, second_approval_threshold, languages, sla_policy, webhook_url,
        webhook_secret_protected, created_by, created_at
        """;
    private const string RequestColumns = """
        id, funder_id, fund_id, reference, case_code_hash, state, tier, need, country, language, amount_requested, currency, approved_amount,
        approver_ids, has_payment_details, version, alias_protected, contact_protected, situation_protected, endorser_protected,
        decline_reason_protected, submitted_at, acknowledged_at, decided_at, disbursed_at, closed_at, purged_at
        """;
    private const string GoalColumns = """
        request_id, goal, funder_id, target_ticks, warn_after_ticks, started_at, elapsed_ticks, running_since, paused_since, paused_ticks,
        warn_at, due_at, stopped_at, cancelled, warned_at, breached_at
        """;

    private const string SelectFundsOfFunder = $"SELECT {FundColumns} FROM funds WHERE funder_id = @FunderId ORDER BY slug";
    private const string SelectFundBySlug = $"SELECT {FundColumns} FROM funds WHERE slug = @Slug";
    private const string SelectFundById = $"SELECT {FundColumns} FROM funds WHERE id = @Id";
    private const string SelectRequestByReference = $"SELECT {RequestColumns} FROM emergency_requests WHERE funder_id = @FunderId AND reference = @Reference";
    private const string SelectRequestByCode = $"SELECT {RequestColumns} FROM emergency_requests WHERE case_code_hash = @Hash";
    private const string SelectGoals = $"SELECT {GoalColumns} FROM request_sla_goals WHERE request_id = @RequestId";
    private const string InsertGoal = """
        INSERT INTO request_sla_goals (request_id, goal, funder_id, target_ticks, warn_after_ticks, started_at, elapsed_ticks, running_since,
            paused_since, paused_ticks, warn_at, due_at, stopped_at, cancelled, warned_at, breached_at)
        VALUES (@RequestId, @Goal, @FunderId, @TargetTicks, @WarnAfterTicks, @StartedAt, @ElapsedTicks, @RunningSince, @PausedSince,
            @PausedTicks, @WarnAt, @DueAt, @StoppedAt, @Cancelled, NULL, NULL)
        """;

    /// <summary>Timer fields only: the sweep's marks (warned_at, breached_at) are never overwritten by a transition.</summary>
    private const string UpdateGoal = """
        UPDATE request_sla_goals SET started_at = @StartedAt, elapsed_ticks = @ElapsedTicks, running_since = @RunningSince,
               paused_since = @PausedSince, paused_ticks = @PausedTicks, warn_at = @WarnAt, due_at = @DueAt, stopped_at = @StoppedAt,
               cancelled = @Cancelled
        WHERE request_id = @RequestId AND goal = @Goal
        """;

    /// <summary>Optimistic concurrency: only the holder of the current version wins; everyone else changes nothing (409).</summary>
    private const string UpdateRequest = """
        UPDATE emergency_requests SET state = @State, version = @Version, approved_amount = @ApprovedAmount, approver_ids = @ApproverIds,
               has_payment_details = @HasPaymentDetails, decline_reason_protected = @DeclineReasonProtected, acknowledged_at = @AcknowledgedAt,
               decided_at = @DecidedAt, disbursed_at = @DisbursedAt, closed_at = @ClosedAt
        WHERE id = @Id AND funder_id = @FunderId AND version = @ExpectedVersion
        """;
    private const string InsertEvent = """
        INSERT INTO request_events (funder_id, request_id, command, from_state, to_state, actor, actor_role, amount, occurred_at)
        VALUES (@FunderId, @RequestId, @Command, @FromState, @ToState, @Actor, @ActorRole, @Amount, @OccurredAt)
        """;
    private const string SelectEvents = """
        SELECT id, request_id, command, from_state, to_state, actor, actor_role, amount, occurred_at FROM request_events
        WHERE funder_id = @FunderId AND request_id = @RequestId ORDER BY id
        """;
    private const string InsertMessage = """
        INSERT INTO request_messages (funder_id, request_id, kind, body_protected, created_by, created_at)
        VALUES (@FunderId, @RequestId, @Kind, @BodyProtected, @CreatedBy, @CreatedAt)
        """;
    private const string SelectMessages = """
        SELECT id, kind, body_protected, created_by, created_at FROM request_messages WHERE request_id = @RequestId ORDER BY id
        """;
    private const string InsertAccess = """
        INSERT INTO request_access_log (funder_id, request_id, actor, fields, read_at) VALUES (@FunderId, @RequestId, @Actor, @Fields, @ReadAt)
        """;
    private const string DeletePaymentDetails = "DELETE FROM request_payment_details WHERE request_id = @RequestId";
    private const string InsertPaymentDetails = """
        INSERT INTO request_payment_details (request_id, funder_id, details_protected, recorded_by, recorded_at)
        VALUES (@RequestId, @FunderId, @DetailsProtected, @RecordedBy, @RecordedAt)
        """;
    private const string SelectPaymentDetails = "SELECT details_protected, recorded_by, recorded_at FROM request_payment_details WHERE funder_id = @FunderId AND request_id = @RequestId";
    private const string InsertDisbursement = """
        INSERT INTO disbursements (funder_id, request_id, idempotency_key, method, reference_protected, amount, currency, recorded_by, recorded_at)
        VALUES (@FunderId, @RequestId, @IdempotencyKey, @Method, @ReferenceProtected, @Amount, @Currency, @RecordedBy, @RecordedAt)
        """;
    private const string SelectDisbursement = """
        SELECT id, request_id, idempotency_key, method, reference_protected, amount, currency, recorded_by, recorded_at FROM disbursements
        WHERE funder_id = @FunderId AND request_id = @RequestId
        """;

    private const string SelectSweepCandidates = """
        SELECT g.request_id, g.goal, g.funder_id, r.fund_id, r.reference, r.state, g.target_ticks, g.warn_after_ticks, g.started_at,
               g.elapsed_ticks, g.running_since, g.paused_since, g.paused_ticks, g.warn_at, g.due_at, g.stopped_at, g.cancelled,
               g.warned_at, g.breached_at
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
        INSERT INTO webhook_outbox (funder_id, fund_id, request_id, event_type, goal, payload, created_at, attempts, next_attempt_at)
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
    private const string OutboxDelivered = "UPDATE webhook_outbox SET delivered_at = @Now, attempts = attempts + 1, last_status = @Status, locked_until = NULL WHERE id = @Id";
    private const string OutboxFailed = """
        UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = @Next, last_status = @Status, locked_until = NULL WHERE id = @Id
        """;

    private const string SelectPurgeable = """
        SELECT id FROM emergency_requests WHERE closed_at IS NOT NULL AND closed_at <= @Cutoff AND purged_at IS NULL ORDER BY id
        """;
    private const string PurgeRequest = """
        UPDATE emergency_requests SET alias_protected = NULL, contact_protected = NULL, situation_protected = NULL, endorser_protected = NULL,
               decline_reason_protected = NULL, case_code_hash = NULL, purged_at = @Now
        WHERE id = @Id AND purged_at IS NULL
        """;
    private const string PurgeMessages = "UPDATE request_messages SET body_protected = NULL WHERE request_id = @Id";
    private const string PurgePaymentDetails = "DELETE FROM request_payment_details WHERE request_id = @Id";
    private const string PurgeDisbursement = "UPDATE disbursements SET reference_protected = NULL WHERE request_id = @Id";

    private const string SelectTimings = """
        SELECT id, tier, country, submitted_at FROM emergency_requests
        WHERE funder_id = @FunderId AND fund_id = @FundId AND submitted_at >= @From AND submitted_at < @To
        """;
    private const string SelectHistory = """
        SELECT e.request_id, e.to_state, e.occurred_at FROM request_events e JOIN emergency_requests r ON r.id = e.request_id
        WHERE r.funder_id = @FunderId AND r.fund_id = @FundId AND r.submitted_at >= @From AND r.submitted_at < @To
        ORDER BY e.request_id, e.id
        """;

    public IDbDialect Dialect => db.Dialect;

    // ---- funds ----
    public async Task<long?> CreateFundAsync(FundRow fund, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                db.Dialect.InsertReturningId("funds",
                    ["funder_id", "slug", "name", "currency", "max_amount", "second_approval_threshold", "languages", "sla_policy", "webhook_url",
                        "webhook_secret_protected", "created_by", "created_at"], "id"),
                new
                {
                    funder_id = fund.FunderId, slug = fund.Slug, name = fund.Name, currency = fund.Currency, max_amount = fund.MaxAmount,
                    second_approval_threshold = fund.SecondApprovalThreshold, languages = fund.Languages, sla_policy = fund.SlaPolicy,
                    webhook_url = fund.WebhookUrl, webhook_secret_protected = fund.WebhookSecretProtected, created_by = fund.CreatedBy,
                    created_at = fund.CreatedAt,
                }, cancellationToken: ct));
        }
        catch (Exception ex) when (db.Dialect.IsUniqueViolation(ex))
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<FundRow>> ListFundsAsync(long funderId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<FundRow>(new CommandDefinition(SelectFundsOfFunder, new { FunderId = funderId }, cancellationToken: ct))).AsList();
    }

    /// <summary>By public slug, any funder (the anonymous form). Tenant code uses <see cref="FindFundAsync(long, string, CancellationToken)"/>.</summary>
    public async Task<FundRow?> FindPublicFundAsync(string slug, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<FundRow>(new CommandDefinition(SelectFundBySlug, new { Slug = slug }, cancellationToken: ct));
    }

    public async Task<FundRow?> FindFundAsync(long funderId, string slug, CancellationToken ct)
    {
        var fund = await FindPublicFundAsync(slug, ct);
        return fund?.FunderId == funderId ? fund : null;
    }

    public async Task<FundRow?> FindFundAsync(long fundId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<FundRow>(new CommandDefinition(SelectFundById, new { Id = fundId }, cancellationToken: ct));
    }

    // ---- requests ----

    /// <summary>Stores a new request with its timers and first event; <paramref name="extra"/> runs in the same transaction.</summary>
    public async Task<long> CreateRequestAsync(RequestRow r, IReadOnlyList<SlaTimer> timers, EventRow submitted,
        Func<DbConnection, DbTransaction, long, Task> extra, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Dialect.InsertReturningId("emergency_requests",
            [
                "funder_id", "fund_id", "reference", "case_code_hash", "state", "tier", "need", "country", "language", "amount_requested", "currency",
                "approver_ids", "has_payment_details", "version", "alias_protected", "contact_protected", "situation_protected", "endorser_protected",
                "submitted_at",
            ], "id"),
            new
            {
                funder_id = r.FunderId, fund_id = r.FundId, reference = r.Reference, case_code_hash = r.CaseCodeHash, state = r.State, tier = r.Tier,
                need = r.Need, country = r.Country, language = r.Language, amount_requested = r.AmountRequested, currency = r.Currency,
                approver_ids = r.ApproverIds, has_payment_details = false, version = 1, alias_protected = r.AliasProtected,
                contact_protected = r.ContactProtected, situation_protected = r.SituationProtected, endorser_protected = r.EndorserProtected,
                submitted_at = r.SubmittedAt,
            }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertGoal, timers.Select(t => GoalRow.From(id, r.FunderId, t)), tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertEvent, EventArgs(r.FunderId, id, submitted), tx, cancellationToken: ct));
        await extra(connection, tx, id);
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<RequestRow?> FindRequestAsync(long funderId, string reference, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(SelectRequestByReference,
            new { FunderId = funderId, Reference = reference }, cancellationToken: ct));
    }

    public async Task<RequestRow?> FindRequestByCodeHashAsync(string hash, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(SelectRequestByCode, new { Hash = hash }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<RequestRow>> ListRequestsAsync(long funderId, long? fundId, string? state, string? tier, IReadOnlyList<string>? states,
        long afterId, int limit, CancellationToken ct)
    {
        var sql = $"SELECT {RequestColumns} FROM emergency_requests WHERE funder_id = @FunderId AND id > @AfterId"
                  + (fundId is null ? "" : " AND fund_id = @FundId")
                  + (state is null ? "" : " AND state = @State")
                  + (states is null ? "" : " AND state IN (" + string.Join(", ", states.Select((_, i) => "@S" + i.ToString(CultureInfo.InvariantCulture))) + ")")
                  + (tier is null ? "" : " AND tier = @Tier")
                  + " ORDER BY id " + db.Dialect.Limit("Limit");
        await using var connection = await db.OpenAsync(ct);
        var parameters = new DynamicParameters(new { FunderId = funderId, AfterId = afterId, FundId = fundId, State = state, Tier = tier, Limit = limit });
        for (var i = 0; i < (states?.Count ?? 0); i++)
        {
            parameters.Add("S" + i.ToString(CultureInfo.InvariantCulture), states![i]); // one parameter per state: every engine reads IN (...) alike
        }

        return (await connection.QueryAsync<RequestRow>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<SlaTimer>> TimersAsync(long requestId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<GoalRow>(new CommandDefinition(SelectGoals, new { RequestId = requestId }, cancellationToken: ct));
        return rows.Select(r => r.ToTimer()).OrderBy(t => t.Goal).ToArray();
    }

    public async Task<ILookup<long, SlaTimer>> TimersAsync(IReadOnlyList<long> requestIds, CancellationToken ct)
    {
        if (requestIds.Count == 0)
        {
            return Array.Empty<SlaTimer>().ToLookup(_ => 0L);
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<GoalRow>(new CommandDefinition(
            $"SELECT {GoalColumns} FROM request_sla_goals WHERE {db.Dialect.InList("request_id", "Ids")}", new { Ids = requestIds.ToArray() }, cancellationToken: ct));
        return rows.OrderBy(r => r.RequestId).ToLookup(r => r.RequestId, r => r.ToTimer());
    }

    public async Task<IReadOnlyList<EventRow>> EventsAsync(long funderId, long requestId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<EventRow>(new CommandDefinition(SelectEvents, new { FunderId = funderId, RequestId = requestId }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<MessageRow>> MessagesAsync(long requestId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<MessageRow>(new CommandDefinition(SelectMessages, new { RequestId = requestId }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Applies a transition in one transaction: the version-checked request update, the timers, the event and the extra writes.
    /// False (nothing written) when the version is no longer the expected one.
    /// </summary>
    public async Task<bool> ApplyTransitionAsync(TransitionWrite write, CancellationToken ct)
    {
        var r = write.Request;
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateRequest, new
        {
            r.Id, r.FunderId, r.State, r.Version, r.ApprovedAmount, r.ApproverIds, r.HasPaymentDetails, r.DeclineReasonProtected,
            r.AcknowledgedAt, r.DecidedAt, r.DisbursedAt, r.ClosedAt, write.ExpectedVersion,
        }, tx, cancellationToken: ct));
        if (changed != 1)
        {
            await tx.RollbackAsync(ct);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(UpdateGoal, write.Timers.Select(t => GoalRow.From(r.Id, r.FunderId, t)), tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertEvent, EventArgs(r.FunderId, r.Id, write.Event), tx, cancellationToken: ct));
        if (write.Extra is { } extra)
        {
            await extra(connection, tx);
        }

        await tx.CommitAsync(ct);
        return true;
    }

    public static Task AddMessageAsync(DbConnection connection, DbTransaction tx, long funderId, long requestId, string kind, string bodyProtected,
        string createdBy, DateTimeOffset at) =>
        connection.ExecuteAsync(new CommandDefinition(InsertMessage,
            new { FunderId = funderId, RequestId = requestId, Kind = kind, BodyProtected = bodyProtected, CreatedBy = createdBy, CreatedAt = at }, tx));

    public static async Task SetPaymentDetailsAsync(DbConnection connection, DbTransaction tx, long funderId, long requestId, string detailsProtected,
        string recordedBy, DateTimeOffset at)
    {
        await connection.ExecuteAsync(new CommandDefinition(DeletePaymentDetails, new { RequestId = requestId }, tx));
        await connection.ExecuteAsync(new CommandDefinition(InsertPaymentDetails,
            new { RequestId = requestId, FunderId = funderId, DetailsProtected = detailsProtected, RecordedBy = recordedBy, RecordedAt = at }, tx));
    }

    public static Task AddDisbursementAsync(DbConnection connection, DbTransaction tx, long funderId, DisbursementRow d) =>
        connection.ExecuteAsync(new CommandDefinition(InsertDisbursement, new
        {
            FunderId = funderId, d.RequestId, d.IdempotencyKey, d.Method, d.ReferenceProtected, d.Amount, d.Currency, d.RecordedBy, d.RecordedAt,
        }, tx));

    public async Task<PaymentDetailsRow?> PaymentDetailsAsync(long funderId, long requestId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PaymentDetailsRow>(new CommandDefinition(SelectPaymentDetails,
            new { FunderId = funderId, RequestId = requestId }, cancellationToken: ct));
    }

    public async Task<DisbursementRow?> DisbursementAsync(long funderId, long requestId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<DisbursementRow>(new CommandDefinition(SelectDisbursement,
            new { FunderId = funderId, RequestId = requestId }, cancellationToken: ct));
    }

    /// <summary>Appends to the access log: who read which fields of which request, when. Never the content.</summary>
    public async Task LogAccessAsync(long funderId, long requestId, string actor, string fields, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertAccess,
            new { FunderId = funderId, RequestId = requestId, Actor = actor, Fields = fields, ReadAt = at }, cancellationToken: ct));
    }

    // ---- SLA sweep and outbox ----
    public async Task<IReadOnlyList<SweepCandidate>> SweepCandidatesAsync(DateTimeOffset now, long afterId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<SweepCandidate>(new CommandDefinition(SelectSweepCandidates + " " + db.Dialect.Limit("Limit"),
            new { Now = now, AfterId = afterId, Limit = limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Sets one mark with the conditional update from <see cref="SlaSweep"/> and, only when it changed a row, writes the
    /// notification in the same transaction. Answers whether this call made the mark.
    /// </summary>
    public async Task<bool> MarkAsync(SweepCandidate goal, bool breach, DateTimeOffset at, string payload, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(breach ? MarkBreach : MarkWarning,
            new { goal.RequestId, goal.Goal, At = at }, tx, cancellationToken: ct));
        if (changed != 1)
        {
            await tx.RollbackAsync(ct);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertOutbox, new
        {
            goal.FunderId, goal.FundId, goal.RequestId, EventType = breach ? "sla.breached" : "sla.at_risk", goal.Goal, Payload = payload, CreatedAt = now,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<OutboxRow>> DueOutboxAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<OutboxRow>(new CommandDefinition(SelectDueOutbox + " " + db.Dialect.Limit("Limit"),
            new { Now = now, Limit = limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>Claims a row for one delivery attempt, so two overlapping delivery jobs do not both send it.</summary>
    public async Task<bool> ClaimOutboxAsync(long id, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(ClaimOutbox, new { Id = id, Now = now, Until = until }, cancellationToken: ct)) == 1;
    }

    public async Task OutboxResultAsync(long id, bool delivered, int? status, DateTimeOffset now, DateTimeOffset next, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(delivered ? OutboxDelivered : OutboxFailed,
            new { Id = id, Now = now, Next = next, Status = status }, cancellationToken: ct));
    }

    // ---- purge ----
    public async Task<IReadOnlyList<long>> PurgeableAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(SelectPurgeable, new { Cutoff = cutoff }, cancellationToken: ct))).AsList();
    }

    /// <summary>Removes one closed request's personal data in one transaction; keeps country, tier, amounts, timestamps and events.</summary>
    public async Task<bool> PurgeAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(PurgeRequest, new { Id = id, Now = now }, tx, cancellationToken: ct)) != 1)
        {
            await tx.RollbackAsync(ct);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(PurgeMessages, new { Id = id }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(PurgePaymentDetails, new { Id = id }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(PurgeDisbursement, new { Id = id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    // ---- metrics ----
    public async Task<(IReadOnlyList<TimingRow> Requests, IReadOnlyList<HistoryRow> History)> TimingsAsync(long funderId, long fundId,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var args = new { FunderId = funderId, FundId = fundId, From = from, To = to };
        var requests = (await connection.QueryAsync<TimingRow>(new CommandDefinition(SelectTimings, args, cancellationToken: ct))).AsList();
        var history = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(SelectHistory, args, cancellationToken: ct))).AsList();
        return (requests, history);
    }

    private static object EventArgs(long funderId, long requestId, EventRow e) => new
    {
        FunderId = funderId, RequestId = requestId, e.Command, e.FromState, e.ToState, e.Actor, e.ActorRole, e.Amount, e.OccurredAt,
    };
}

using FundAudit.Api.Features.Logs;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// Requests with their SLA goals, events and messages, for tenant code: every statement filters on funder_id in SQL.
/// A transition is one transaction (<see cref="ApplyTransitionAsync"/>); the anonymous case-code read is in
/// <see cref="ApplicantStore"/>.
/// </summary>
internal sealed class RequestStore(RapidResponseDb db)
{
    /// <summary>The columns of <see cref="RequestRow"/>, also read by <see cref="ApplicantStore"/>.</summary>
    public const string Columns = """
        id, funder_id, fund_id, reference, case_code_hash, state, tier, need, country, language, amount_requested,
        currency, approved_amount, approver_ids, has_payment_details, version, alias_protected, contact_protected,
        situation_protected, endorser_protected, decline_reason_protected, submitted_at, acknowledged_at, decided_at,
        disbursed_at, closed_at, purged_at, shredded_at
        """;

    private const string SelectByReference =
        $"SELECT {Columns} FROM emergency_requests WHERE funder_id = @FunderId AND reference = @Reference";
    private const string SelectGoals =
        $"SELECT request_id, goal, {SlaTimerMapping.TimerColumns} FROM request_sla_goals WHERE funder_id = @FunderId";
    private const string InsertGoal = """
        INSERT INTO request_sla_goals (request_id, goal, funder_id, target_ticks, warn_after_ticks, started_at,
            elapsed_ticks, running_since, paused_since, paused_ticks, warn_at, due_at, stopped_at, cancelled, warned_at,
            breached_at)
        VALUES (@RequestId, @Goal, @FunderId, @Target, @WarnAfter, @StartedAt, @ElapsedBeforeRun, @RunningSince,
            @PausedSince, @PausedTotal, @WarnAt, @DueAt, @StoppedAt, @Cancelled, NULL, NULL)
        """;

    /// <summary>Timer fields only: a transition never overwrites the sweep's marks (warned_at, breached_at).</summary>
    private const string UpdateGoal = """
        UPDATE request_sla_goals SET started_at = @StartedAt, elapsed_ticks = @ElapsedBeforeRun,
               running_since = @RunningSince, paused_since = @PausedSince, paused_ticks = @PausedTotal,
               warn_at = @WarnAt, due_at = @DueAt, stopped_at = @StoppedAt, cancelled = @Cancelled
        WHERE funder_id = @FunderId AND request_id = @RequestId AND goal = @Goal
        """;

    /// <summary>
    /// Optimistic concurrency: only the holder of the current version wins; everyone else changes nothing (409).
    /// </summary>
    private const string UpdateRequest = """
        UPDATE emergency_requests SET state = @State, version = @Version, approved_amount = @ApprovedAmount,
               approver_ids = @ApproverIds, has_payment_details = @HasPaymentDetails,
               decline_reason_protected = @DeclineReasonProtected, acknowledged_at = @AcknowledgedAt,
               decided_at = @DecidedAt, disbursed_at = @DisbursedAt, closed_at = @ClosedAt
        WHERE id = @Id AND funder_id = @FunderId AND version = @ExpectedVersion
        """;
    private const string InsertEvent = """
        INSERT INTO request_events (funder_id, request_id, command, from_state, to_state, actor, actor_role, amount,
            occurred_at)
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
        SELECT id, kind, body_protected, created_by, created_at FROM request_messages
        WHERE funder_id = @FunderId AND request_id = @RequestId ORDER BY id
        """;

    private static readonly string[] InsertColumns =
    [
        "funder_id",
        "fund_id",
        "reference",
        "case_code_hash",
        "state",
        "tier",
        "need",
        "country",
        "language",
        "amount_requested",
        "currency",
        "approver_ids",
        "has_payment_details",
        "version",
        "alias_protected",
        "contact_protected",
        "situation_protected",
        "endorser_protected",
        "submitted_at",
    ];

    /// <summary>The engine's dialect, for callers that recognise its unique violations.</summary>
    public IDbDialect Dialect => db.Dialect;

    public Task<RequestRow?> FindAsync(long funderId, string reference, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<RequestRow>(
            SelectByReference,
            new { FunderId = funderId, Reference = reference },
            ct
        );

    /// <summary>A keyset page (id after <paramref name="afterId"/>) of the funder's requests, filtered.</summary>
    public async Task<IReadOnlyList<RequestRow>> ListAsync(
        long funderId,
        long? fundId,
        string? state,
        string? tier,
        IReadOnlyList<string>? states,
        long afterId,
        int limit,
        CancellationToken ct
    )
    {
        var stateNames = (states ?? []).Select((_, i) => "@S" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var sql =
            $"SELECT {Columns} FROM emergency_requests WHERE funder_id = @FunderId AND id > @AfterId"
            + (fundId is null ? "" : " AND fund_id = @FundId")
            + (state is null ? "" : " AND state = @State")
            + (states is null ? "" : " AND state IN (" + string.Join(", ", stateNames) + ")")
            + (tier is null ? "" : " AND tier = @Tier")
            + " ORDER BY id "
            + db.Dialect.Limit("Limit");
        var parameters = new DynamicParameters(
            new
            {
                FunderId = funderId,
                AfterId = afterId,
                FundId = fundId,
                State = state,
                Tier = tier,
                Limit = limit,
            }
        );
        for (var i = 0; i < stateNames.Count; i++)
        {
            // One parameter per state: every engine reads IN (...) alike.
            parameters.Add(stateNames[i][1..], states![i]);
        }

        return await db.QueryListAsync<RequestRow>(sql, parameters, ct);
    }

    /// <summary>The request's timers, by goal.</summary>
    public async Task<IReadOnlyList<SlaTimer>> TimersAsync(long funderId, long requestId, CancellationToken ct)
    {
        var rows = await GoalsAsync(
            SelectGoals + " AND request_id = @RequestId",
            new { FunderId = funderId, RequestId = requestId },
            ct
        );
        return rows.Select(r => r.Timer).OrderBy(t => t.Goal).ToArray();
    }

    /// <summary>The timers of several requests at once, by request id.</summary>
    public async Task<ILookup<long, SlaTimer>> TimersAsync(
        long funderId,
        IReadOnlyList<long> requestIds,
        CancellationToken ct
    )
    {
        if (requestIds.Count == 0)
        {
            return Array.Empty<SlaTimer>().ToLookup(_ => 0L);
        }

        var rows = await GoalsAsync(
            SelectGoals + " AND " + db.Dialect.InList("request_id", "Ids"),
            new { FunderId = funderId, Ids = requestIds.ToArray() },
            ct
        );
        return rows.OrderBy(r => r.RequestId).ToLookup(r => r.RequestId, r => r.Timer);
    }

    public async Task<IReadOnlyList<EventRow>> EventsAsync(long funderId, long requestId, CancellationToken ct) =>
        await db.QueryListAsync<EventRow>(SelectEvents, new { FunderId = funderId, RequestId = requestId }, ct);

    public async Task<IReadOnlyList<MessageRow>> MessagesAsync(long funderId, long requestId, CancellationToken ct) =>
        await db.QueryListAsync<MessageRow>(SelectMessages, new { FunderId = funderId, RequestId = requestId }, ct);

    /// <summary>
    /// Stores a new request with its timers and first event; <paramref name="extra"/> runs in the same transaction,
    /// with the new request's id (its case key is stored there).
    /// </summary>
    public async Task<long> CreateAsync(
        RequestRow r,
        IReadOnlyList<SlaTimer> timers,
        EventRow submitted,
        Func<DbConnection, DbTransaction, long, Task> extra,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await tx.ExecuteScalarAsync<long>(
            db.Dialect.InsertReturningId("emergency_requests", InsertColumns, "id"),
            RowArgs.OfColumns(r, InsertColumns),
            ct
        );
        await WriteTimersAndEventAsync(tx, InsertGoal, r.FunderId, id, timers, submitted, ct);
        await extra(connection, tx, id);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// Applies a transition in one transaction: the version-checked request update, the timers, the event and the
    /// effects. False (nothing written) when the version is no longer the expected one.
    /// </summary>
    public Task<bool> ApplyTransitionAsync(TransitionWrite write, CancellationToken ct)
    {
        var r = write.Request;
        var args = new
        {
            r.Id,
            r.FunderId,
            r.State,
            r.Version,
            r.ApprovedAmount,
            r.ApproverIds,
            r.HasPaymentDetails,
            r.DeclineReasonProtected,
            r.AcknowledgedAt,
            r.DecidedAt,
            r.DisbursedAt,
            r.ClosedAt,
            write.ExpectedVersion,
        };
        return db.WriteIfAsync(
            async tx => await tx.ExecuteAsync(UpdateRequest, args, ct) == 1,
            async tx =>
            {
                await WriteTimersAndEventAsync(tx, UpdateGoal, r.FunderId, r.Id, write.Timers, write.Event, ct);
                await WriteEffectsAsync(tx, r, write.Effects, write.Event.OccurredAt, ct);
            },
            ct
        );
    }

    /// <summary>
    /// Writes the request's timers with <paramref name="goalSql"/> (insert for a new request, update for a transition)
    /// and appends its event, inside <paramref name="tx"/>: staff's events into the funder's chain (under its lock),
    /// the applicant's (the form, an answer, a withdrawal) unsealed and without the lock, so that defenders never wait
    /// for each other or for staff; the seal job or the next staff event chains them (see <see cref="LogChain"/>).
    /// </summary>
    private async Task WriteTimersAndEventAsync(
        DbTransaction tx,
        string goalSql,
        long funderId,
        long requestId,
        IReadOnlyList<SlaTimer> timers,
        EventRow e,
        CancellationToken ct
    )
    {
        await tx.ExecuteAsync(goalSql, timers.Select(t => SlaTimerMapping.Parameters(requestId, funderId, t)), ct);
        if (e.ActorRole == WireName.Of(ActorRole.Applicant))
        {
            await tx.ExecuteAsync(InsertEvent, EventArgs(funderId, requestId, e), ct);
            return;
        }

        await LogChain.AppendAsync(
            db,
            tx,
            LogChains.RequestEvents,
            funderId,
            () => tx.ExecuteAsync(InsertEvent, EventArgs(funderId, requestId, e), ct),
            ct
        );
    }

    private static async Task WriteEffectsAsync(
        DbTransaction tx,
        RequestRow r,
        TransitionEffects effects,
        DateTimeOffset at,
        CancellationToken ct
    )
    {
        if (effects.Message is { } m)
        {
            var args = RowArgs.Of(
                m,
                new
                {
                    r.FunderId,
                    RequestId = r.Id,
                    CreatedAt = at,
                }
            );
            await tx.ExecuteAsync(InsertMessage, args, ct);
        }

        if (effects.PaymentDetails is { } details)
        {
            await PaymentStore.ReplaceDetailsAsync(tx, r.FunderId, r.Id, details, at, ct);
        }

        if (effects.Disbursement is { } disbursement)
        {
            await PaymentStore.InsertDisbursementAsync(tx, r.FunderId, r.Id, disbursement, at, ct);
        }
    }

    /// <summary>Appends one event of a request inside <paramref name="tx"/> (the one statement that writes
    /// events).</summary>
    public static Task AppendEventAsync(
        DbTransaction tx,
        long funderId,
        long requestId,
        EventRow e,
        CancellationToken ct
    ) => tx.ExecuteAsync(InsertEvent, EventArgs(funderId, requestId, e), ct);

    private async Task<IEnumerable<(long RequestId, SlaTimer Timer)>> GoalsAsync(
        string sql,
        object args,
        CancellationToken ct
    ) =>
        await SlaTimerMapping.QueryAsync<GoalKey, (long, SlaTimer)>(
            db,
            sql,
            args,
            (key, timer) => (key.RequestId, SlaTimerMapping.WithGoal(timer, key.Goal)),
            ct
        );

    private static object EventArgs(long funderId, long requestId, EventRow e) =>
        new
        {
            FunderId = funderId,
            RequestId = requestId,
            e.Command,
            e.FromState,
            e.ToState,
            e.Actor,
            e.ActorRole,
            e.Amount,
            e.OccurredAt,
        };
}

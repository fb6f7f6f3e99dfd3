using FundAudit.Api.Features.Logs;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// The retention of personal data: which cases are due, the officers' warning and the purge itself. Cross-tenant by
/// design, like <see cref="SlaOutboxStore"/>: the purge job runs for every funder at once. A purge removes ciphertext
/// and the case-code hash; it keeps country, tier, amounts, instants and events, so the statistics survive. Warnings
/// and purges are content-free events of the case (<see cref="WarningCommand"/>, <see cref="PurgeCommand"/>); a case's
/// last activity is its last other event (or its submission).
/// </summary>
internal sealed class PurgeStore(RapidResponseDb db)
{
    /// <summary>The event that warns officers of a coming purge of an inactive open case.</summary>
    public const string WarningCommand = "retention_warning";

    /// <summary>The event that records a purge (no content: who, when, the state it left).</summary>
    public const string PurgeCommand = "purge_personal_data";

    /// <summary>The actor of retention events.</summary>
    public const string RetentionActor = "retention";

    private const string Ended = "('closed', 'withdrawn', 'declined')";
    private const string LastActivity = $"""
        COALESCE((SELECT MAX(e.occurred_at) FROM request_events e
                  WHERE e.request_id = r.id AND e.command NOT IN ('{WarningCommand}', '{PurgeCommand}')),
                 r.submitted_at)
        """;
    private const string PendingWarning = $"""
        SELECT 1 FROM request_events w
        WHERE w.request_id = r.id AND w.command = '{WarningCommand}' AND w.occurred_at > {LastActivity}
        """;
    private const string SelectEnded = $"""
        SELECT r.id FROM emergency_requests r
        WHERE r.purged_at IS NULL AND r.state IN {Ended} AND {LastActivity} <= @Cutoff ORDER BY r.id
        """;
    private const string SelectToWarn = $"""
        SELECT r.id FROM emergency_requests r
        WHERE r.purged_at IS NULL AND r.state NOT IN {Ended} AND {LastActivity} <= @Cutoff
          AND NOT EXISTS ({PendingWarning}) ORDER BY r.id
        """;
    private const string SelectAbandoned = $"""
        SELECT r.id FROM emergency_requests r
        WHERE r.purged_at IS NULL AND r.state NOT IN {Ended} AND {LastActivity} <= @Cutoff
          AND EXISTS ({PendingWarning} AND w.occurred_at <= @WarnedBefore) ORDER BY r.id
        """;
    private const string InsertWarning = $"""
        INSERT INTO request_events (funder_id, request_id, command, from_state, to_state, actor, actor_role, amount,
            occurred_at)
        SELECT r.funder_id, r.id, '{WarningCommand}', r.state, r.state, '{RetentionActor}', 'system', NULL, @Now
        FROM emergency_requests r
        WHERE r.id = @Id AND r.purged_at IS NULL AND r.state NOT IN {Ended} AND NOT EXISTS ({PendingWarning})
        """;
    private const string SelectPendingWarnings = $"""
        SELECT r.id AS RequestId, MAX(w.occurred_at) AS WarnedAt
        FROM emergency_requests r JOIN request_events w ON w.request_id = r.id
        WHERE r.funder_id = @FunderId AND r.purged_at IS NULL AND r.state NOT IN {Ended}
          AND w.command = '{WarningCommand}' AND w.occurred_at > {LastActivity}
        """;
    private const string GroupByRequest = " GROUP BY r.id";
    private const string PurgeRequest = """
        UPDATE emergency_requests SET alias_protected = NULL, contact_protected = NULL, situation_protected = NULL,
               endorser_protected = NULL, decline_reason_protected = NULL, case_code_hash = NULL, purged_at = @Now
        WHERE id = @Id AND purged_at IS NULL
        """;
    private const string InsertPurgeEvent = $"""
        INSERT INTO request_events (funder_id, request_id, command, from_state, to_state, actor, actor_role, amount,
            occurred_at)
        SELECT r.funder_id, r.id, '{PurgeCommand}', r.state, r.state, '{RetentionActor}', 'system', NULL, @Now
        FROM emergency_requests r WHERE r.id = @Id
        """;
    private const string SelectFunder = "SELECT funder_id FROM emergency_requests WHERE id = @Id";
    private const string PurgeMessages = "UPDATE request_messages SET body_protected = NULL WHERE request_id = @Id";
    private const string PurgePaymentDetails = "DELETE FROM request_payment_details WHERE request_id = @Id";
    private const string PurgeDisbursement =
        "UPDATE disbursements SET reference_protected = NULL WHERE request_id = @Id";
    private const string PurgeCaseKey = "DELETE FROM case_keys WHERE request_id = @Id";

    /// <summary>Ended cases (closed, withdrawn, declined) whose last activity is at or before
    /// <paramref name="cutoff"/>, not purged yet.</summary>
    public Task<IReadOnlyList<long>> EndedBeforeAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        IdsAsync(SelectEnded, new { Cutoff = cutoff }, ct);

    /// <summary>Open cases inactive since <paramref name="cutoff"/> with no warning since their last
    /// activity.</summary>
    public Task<IReadOnlyList<long>> ToWarnAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        IdsAsync(SelectToWarn, new { Cutoff = cutoff }, ct);

    /// <summary>Open cases inactive since <paramref name="cutoff"/> and warned at or before
    /// <paramref name="warnedBefore"/> with no activity since.</summary>
    public Task<IReadOnlyList<long>> AbandonedAsync(
        DateTimeOffset cutoff,
        DateTimeOffset warnedBefore,
        CancellationToken ct
    ) => IdsAsync(SelectAbandoned, new { Cutoff = cutoff, WarnedBefore = warnedBefore }, ct);

    /// <summary>Appends the content-free warning event; false when the case was warned already or has ended.</summary>
    public Task<bool> WarnAsync(long id, DateTimeOffset now, CancellationToken ct) =>
        db.WriteIfAsync(
            async tx => await AppendEventAsync(tx, InsertWarning, new { Id = id, Now = now }, ct) == 1,
            _ => Task.CompletedTask,
            ct
        );

    /// <summary>When each of <paramref name="ids"/> (one funder's) was warned of a coming purge, for warnings not
    /// followed by any activity.</summary>
    public async Task<IReadOnlyDictionary<long, DateTimeOffset>> PendingWarningsAsync(
        long funderId,
        IReadOnlyList<long> ids,
        CancellationToken ct
    )
    {
        if (ids.Count == 0)
        {
            return new Dictionary<long, DateTimeOffset>();
        }

        var rows = await db.QueryListAsync<WarningRow>(
            new CommandDefinition(
                SelectPendingWarnings + " AND " + db.Dialect.InList("r.id", "Ids") + GroupByRequest,
                new { FunderId = funderId, Ids = ids.ToArray() },
                cancellationToken: ct
            )
        );
        return rows.ToDictionary(r => r.RequestId, r => r.WarnedAt);
    }

    /// <summary>Removes one request's personal data and appends the purge event, in one transaction; false when
    /// already purged.</summary>
    public Task<bool> PurgeAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        var args = new { Id = id, Now = now };
        return db.WriteIfAsync(
            async tx => await tx.ExecuteAsync(PurgeRequest, args, ct) == 1,
            async tx =>
            {
                foreach (var sql in new[] { PurgeMessages, PurgePaymentDetails, PurgeDisbursement, PurgeCaseKey })
                {
                    await tx.ExecuteAsync(sql, args, ct);
                }

                await AppendEventAsync(tx, InsertPurgeEvent, args, ct);
            },
            ct
        );
    }

    /// <summary>
    /// After erasing: makes the engine drop copies of the erased pages it keeps beside the database (SQLite: a
    /// TRUNCATE checkpoint of the -wal file, on this store's database). False when the engine could not finish it now.
    /// </summary>
    public Task<bool> FlushErasedAsync(CancellationToken ct) => db.FlushErasedAsync(ct);

    /// <summary>Appends a retention event of request <c>@Id</c> with <paramref name="insertSql"/>, in the request's
    /// funder's chain of events; answers the rows inserted.</summary>
    private async Task<int> AppendEventAsync(DbTransaction tx, string insertSql, object args, CancellationToken ct)
    {
        var funderId = await tx.ExecuteScalarAsync<long>(SelectFunder, args, ct);
        return await LogChain.AppendAsync(
            db,
            tx,
            LogChains.RequestEvents,
            funderId,
            () => tx.ExecuteAsync(insertSql, args, ct),
            ct
        );
    }

    private async Task<IReadOnlyList<long>> IdsAsync(string sql, object args, CancellationToken ct) =>
        await db.QueryListAsync<long>(new CommandDefinition(sql, args, cancellationToken: ct));

    private sealed class WarningRow
    {
        public long RequestId { get; init; }

        public DateTimeOffset WarnedAt { get; init; }
    }
}

namespace FundAudit.Api.Features.Logs;

/// <summary>
/// One entry of the administration log. Content-free: ids and codes only, never a name, email, label or secret.
/// </summary>
/// <param name="FunderId">The funder whose chain the entry joins.</param>
/// <param name="Actor">Who acted: a person id or a key id (<c>key:…</c>, <c>person:…</c>), or
/// <see cref="AdminLog.OperatorActor"/> for the operator's command line.</param>
/// <param name="Action">What happened: one of <see cref="AdminActions"/> (or a code of the same form).</param>
/// <param name="SubjectType">The kind of thing it happened to (<c>api_key</c>, <c>fund</c>, <c>person</c>…).</param>
/// <param name="SubjectId">Which one: its id (a key id, a fund id), never its name.</param>
/// <param name="Details">Optional content-free details, such as <c>role=officer</c>.</param>
internal sealed record AdminLogEntry(
    long FunderId,
    string Actor,
    string Action,
    string SubjectType,
    string SubjectId,
    string? Details = null
)
{
    /// <summary>The entry of a row about to be inserted (for <see cref="AdminLog.InsertLoggedAsync"/>): its new id is
    /// the subject's.</summary>
    public static Func<long, AdminLogEntry> ForNewRow(long funderId, string actor, string action, string subjectType) =>
        id => new(funderId, actor, action, subjectType, id.ToString(CultureInfo.InvariantCulture));
}

/// <summary>The action codes written today. Other features add theirs in the same form (noun.verb).</summary>
internal static class AdminActions
{
    public const string FunderCreated = "funder.created";
    public const string KeyIssued = "api_key.issued";
    public const string KeyRevoked = "api_key.revoked";
    public const string FundCreated = "fund.created";
    public const string FundUpdated = "fund.updated";
    public const string RuleSetCreated = "rule_set.created";
    public const string BaselineCreated = "baseline.created";
    public const string TargetCreated = "target.created";
}

/// <summary>One stored entry of the administration log, as listed to admins.</summary>
internal sealed class AdminLogRow
{
    public long Seq { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public string Actor { get; init; } = "";

    public string Action { get; init; } = "";

    public string SubjectType { get; init; } = "";

    public string SubjectId { get; init; } = "";

    public string? Details { get; init; }

    public string Hash { get; init; } = "";
}

/// <summary>
/// The one writer of the append-only, hash-chained administration log (table <c>admin_log</c>, main database), and
/// its reader for admins. <see cref="AppendAsync(DbTransaction, AdminLogEntry, CancellationToken)"/> writes inside the
/// caller's transaction, so the entry commits (or rolls back) with the change it records.
/// </summary>
internal sealed class AdminLog(Db db, TimeProvider clock)
{
    /// <summary>The actor of changes made through the operator's command line (funders, keys).</summary>
    public const string OperatorActor = "operator";

    private const string Insert = """
        INSERT INTO admin_log (funder_id, occurred_at, actor, action_code, subject_type, subject_id, details)
        VALUES (@FunderId, @OccurredAt, @Actor, @Action, @SubjectType, @SubjectId, @Details)
        """;
    private const string SelectPage = """
        SELECT seq AS Seq, occurred_at AS OccurredAt, actor AS Actor, action_code AS Action,
               subject_type AS SubjectType, subject_id AS SubjectId, details AS Details, hash AS Hash
        FROM admin_log WHERE funder_id = @FunderId AND hash IS NOT NULL AND seq < @BeforeSeq ORDER BY seq DESC
        """;

    /// <summary>
    /// Appends <paramref name="entry"/> inside <paramref name="transaction"/>, which must be a transaction on the main
    /// database (<see cref="Db"/>), and puts it into the funder's chain before the caller commits.
    /// </summary>
    public async Task AppendAsync(DbTransaction transaction, AdminLogEntry entry, CancellationToken ct)
    {
        var args = new
        {
            entry.FunderId,
            OccurredAt = clock.GetUtcNow(),
            entry.Actor,
            entry.Action,
            entry.SubjectType,
            entry.SubjectId,
            entry.Details,
        };
        await LogChain.AppendAsync(
            db,
            transaction,
            LogChains.AdminLog,
            entry.FunderId,
            () => transaction.ExecuteAsync(Insert, args, ct),
            ct
        );
    }

    /// <summary>
    /// Appends <paramref name="entry"/> in a transaction of its own on the main database: for changes stored in
    /// another database (on SQLite, the rapid-response file's funds), written right after that change commits.
    /// </summary>
    public Task AppendAsync(AdminLogEntry entry, CancellationToken ct) =>
        db.InTransactionAsync(tx => AppendAsync(tx, entry, ct), ct);

    /// <summary>
    /// Inserts one row into <paramref name="table"/> of the main database (see
    /// <see cref="Db.InsertReturningIdAsync"/>) and appends <paramref name="entryFor"/> of its new id, in one
    /// transaction; answers the id.
    /// </summary>
    public async Task<long> InsertLoggedAsync(
        string table,
        IReadOnlyList<string> columns,
        object args,
        Func<long, AdminLogEntry> entryFor,
        CancellationToken ct
    )
    {
        long id = 0;
        await db.InTransactionAsync(
            async tx =>
            {
                id = await tx.ExecuteScalarAsync<long>(db.Dialect.InsertReturningId(table, columns, "id"), args, ct);
                await AppendAsync(tx, entryFor(id), ct);
            },
            ct
        );
        return id;
    }

    /// <summary>One funder's entries, newest first: <paramref name="limit"/> of them before
    /// <paramref name="beforeSeq"/> (all when null).</summary>
    public async Task<IReadOnlyList<AdminLogRow>> ListAsync(
        long funderId,
        long? beforeSeq,
        int limit,
        CancellationToken ct
    )
    {
        var args = new
        {
            FunderId = funderId,
            BeforeSeq = beforeSeq ?? long.MaxValue,
            Limit = limit,
        };
        return await db.QueryListAsync<AdminLogRow>(SelectPage + " " + db.Dialect.Limit("Limit"), args, ct);
    }
}

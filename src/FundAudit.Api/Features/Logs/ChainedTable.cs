using FundAudit.Core.Logs;

namespace FundAudit.Api.Features.Logs;

/// <summary>
/// One row of a hash-chained log as the chain sees it: its place (<see cref="Seq"/>, <see cref="PrevHash"/>,
/// <see cref="Hash"/>; all null until the row is sealed) and its content-free columns in fixed slots, which each
/// table's projection fills in its own order (<see cref="ChainedTable"/>).
/// </summary>
internal sealed class ChainRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public long? Seq { get; init; }

    public string? PrevHash { get; init; }

    public string? Hash { get; init; }

    public long? Number1 { get; init; }

    public long? Number2 { get; init; }

    public string? Text1 { get; init; }

    public string? Text2 { get; init; }

    public string? Text3 { get; init; }

    public string? Text4 { get; init; }

    public string? Text5 { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>
/// A hash-chained, append-only log table: its name, the code that keeps its lock keys apart, which database holds it
/// (<see cref="RapidResponse"/>: the rapid-response one), whether defenders append to it unsealed
/// (<see cref="DefenderAppends"/>) and its statements. <paramref name="projection"/> maps the table's content-free
/// columns onto the <see cref="ChainRow"/> slots (Number1, Number2, Text1…Text5, At).
/// </summary>
internal sealed class ChainedTable(int code, string name, bool rapidResponse, bool defenderAppends, string projection)
{
    /// <summary>The actor of every row a defender's own action writes (<c>applicant:</c> and the case's
    /// reference), as a LIKE pattern: such rows are appended unsealed and are "pending seal" until sealed.</summary>
    public const string DefenderActors = "applicant:%";

    private const string Place = "id AS Id, funder_id AS FunderId, seq AS Seq, prev_hash AS PrevHash, hash AS Hash";

    public string Name => name;

    public bool RapidResponse => rapidResponse;

    /// <summary>Defenders' actions append to this log unsealed, without its lock (the form, the answer, the
    /// withdrawal, the applicant's reading of a question): the seal job (<see cref="LogSealJob"/>) or the next staff
    /// append chains them.</summary>
    public bool DefenderAppends => defenderAppends;

    /// <summary>The committed rows not yet in the chain of one funder, in insertion (id) order; rows another
    /// transaction is still inserting are skipped, not awaited
    /// (<see cref="IDbDialect.ReadPastUncommitted"/>).</summary>
    public string SelectUnsealed(IDbDialect dialect) =>
        $"SELECT {Place}, {projection} FROM {dialect.ReadPastUncommitted(name)} "
        + "WHERE funder_id = @FunderId AND hash IS NULL ORDER BY id";

    /// <summary>The last link of one funder's chain.</summary>
    public string SelectHead =>
        $"SELECT seq AS Seq, hash AS Hash FROM {name} WHERE funder_id = @FunderId AND seq IS NOT NULL "
        + $"AND seq = (SELECT MAX(seq) FROM {name} WHERE funder_id = @FunderId AND seq IS NOT NULL)";

    /// <summary>Puts one row into the chain (the append-only triggers allow this change only, and only once).</summary>
    public string Seal =>
        $"UPDATE {name} SET seq = @Seq, prev_hash = @PrevHash, hash = @Hash WHERE id = @Id AND hash IS NULL";

    /// <summary>One funder's chain in order, for verification (seq and hash are set together; the condition on seq
    /// lets SQL Server use its filtered chain index).</summary>
    public string SelectChain =>
        $"SELECT {Place}, {projection} FROM {name} WHERE funder_id = @FunderId AND seq IS NOT NULL ORDER BY seq";

    /// <summary>How many of one funder's committed rows are not in the chain (<c>Unsealed</c>), and how many of those
    /// a defender's action wrote (<c>Pending</c>: actor LIKE <c>@PendingActors</c>; null counts none). One statement,
    /// so that a row sealed meanwhile is never counted as one but not the other.</summary>
    public string CountUnsealed(IDbDialect dialect) =>
        "SELECT COUNT(*) AS Unsealed, COALESCE(SUM(CASE WHEN actor LIKE @PendingActors THEN 1 ELSE 0 END), 0) "
        + $"AS Pending FROM {dialect.ReadPastUncommitted(name)} WHERE funder_id = @FunderId AND hash IS NULL";

    /// <summary>Every funder with a row in the table.</summary>
    public string SelectFunders => $"SELECT DISTINCT funder_id FROM {name}";

    /// <summary>Every funder with a committed row not yet in the chain.</summary>
    public string SelectUnsealedFunders(IDbDialect dialect) =>
        $"SELECT DISTINCT funder_id FROM {dialect.ReadPastUncommitted(name)} WHERE hash IS NULL";

    /// <summary>
    /// The lock that serialises one funder's appends to this table across connections and instances: "LC" in the top
    /// bytes, the table's code, the funder's id below.
    /// </summary>
    public long LockKey(long funderId) => unchecked((long)0x4C43_0000_0000_0000UL) | ((long)code << 40) | funderId;

    /// <summary>The hash a row at <paramref name="seq"/> after <paramref name="previousHash"/> must have.</summary>
    public string HashOf(ChainRow row, long seq, string? previousHash) =>
        LogChainHash.Compute(
            [
                name,
                LogChainHash.Text(row.FunderId),
                LogChainHash.Text(seq),
                LogChainHash.Text(row.Number1),
                LogChainHash.Text(row.Number2),
                row.Text1,
                row.Text2,
                row.Text3,
                row.Text4,
                row.Text5,
                LogChainHash.Text(row.At),
            ],
            previousHash
        );
}

/// <summary>The three chained logs.</summary>
internal static class LogChains
{
    /// <summary>Request events: every transition of a case, who made it (a key or person id) and when.</summary>
    public static readonly ChainedTable RequestEvents = new(
        1,
        "request_events",
        rapidResponse: true,
        defenderAppends: true,
        "request_id AS Number1, amount AS Number2, command AS Text1, from_state AS Text2, to_state AS Text3, "
            + "actor AS Text4, actor_role AS Text5, occurred_at AS At"
    );

    /// <summary>The access log: who read which fields of a case, when, and why (the purpose; NULL before it was
    /// asked).</summary>
    public static readonly ChainedTable AccessLog = new(
        2,
        "request_access_log",
        rapidResponse: true,
        defenderAppends: true,
        "request_id AS Number1, NULL AS Number2, actor AS Text1, fields AS Text2, purpose AS Text3, NULL AS Text4, "
            + "NULL AS Text5, read_at AS At"
    );

    /// <summary>The administration log: keys, funds, rules, baselines, targets; people, roles,
    /// memberships.</summary>
    public static readonly ChainedTable AdminLog = new(
        3,
        "admin_log",
        rapidResponse: false,
        defenderAppends: false,
        "NULL AS Number1, NULL AS Number2, actor AS Text1, action_code AS Text2, subject_type AS Text3, "
            + "subject_id AS Text4, details AS Text5, occurred_at AS At"
    );

    public static readonly IReadOnlyList<ChainedTable> All = [RequestEvents, AccessLog, AdminLog];
}

using System.Data;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// How an <see cref="SlaTimer"/> is stored as one row of request_sla_goals, with no row class in between. A Dapper type
/// handler stores every <see cref="TimeSpan"/> as ticks (bigint) and the SELECTs name the tick columns after the
/// timer's properties, so Dapper fills the timer itself. The goal is the one exception: Dapper parses enums on its own
/// and never calls a type handler for them (DapperLib/Dapper#259), so the goal's wire name is read with the row's key
/// (<see cref="GoalKey"/>) and put in with <see cref="WithGoal"/>, and written with <see cref="Parameters"/>.
/// </summary>
internal static class SlaTimerMapping
{
    /// <summary>The column where a row's key ends and the timer begins (Dapper's <c>splitOn</c>).</summary>
    private const string SplitOn = "target";

    /// <summary>The timer's columns named after its properties; they follow the key's columns in a SELECT.</summary>
    public const string TimerColumns = """
        target_ticks AS target, warn_after_ticks AS warn_after, started_at, elapsed_ticks AS elapsed_before_run,
        running_since, paused_since, paused_ticks AS paused_total, warn_at, due_at, stopped_at, cancelled, warned_at,
        breached_at
        """;

    private static int _registered;

    /// <summary>
    /// Registers the <see cref="TimeSpan"/> handler, once per process. It applies to every Dapper call in the process:
    /// a <see cref="TimeSpan"/> travels as ticks on every engine (none of them shares an interval type). Nothing else
    /// here sends one (Hangfire.PostgreSql writes its intervals into its SQL; Hangfire.SqlServer has its own Dapper).
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        SqlMapper.RemoveTypeMap(typeof(TimeSpan)); // Dapper's own mapping (DbType.Time) would bypass the handler
        SqlMapper.AddTypeHandler(new TicksHandler());
    }

    /// <summary>
    /// The parameters of one goal row: the timer's properties, its request and funder, the goal's wire name.
    /// </summary>
    public static DynamicParameters Parameters(long requestId, long funderId, SlaTimer timer)
    {
        var parameters = new DynamicParameters(timer);
        parameters.Add("RequestId", requestId);
        parameters.Add("FunderId", funderId);
        parameters.Add("Goal", WireName.Of(timer.Goal)); // replaces the number Dapper would send for the enum
        return parameters;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (a row's key columns, then <see cref="TimerColumns"/>) on a connection of its own:
    /// each row as <paramref name="map"/> makes it of its key and its timer.
    /// </summary>
    public static async Task<List<T>> QueryAsync<TKey, T>(
        Db db,
        string sql,
        object args,
        Func<TKey, SlaTimer, T> map,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenAsync(ct);
        return (
            await connection.QueryAsync(new CommandDefinition(sql, args, cancellationToken: ct), map, SplitOn)
        ).AsList();
    }

    /// <summary>The timer read by Dapper with its goal, from the stored wire name.</summary>
    public static SlaTimer WithGoal(SlaTimer timer, string goal) =>
        timer with
        {
            Goal = WireName.TryParse<SlaGoal>(goal, out var g)
                ? g
                : throw new InvalidOperationException("Unknown stored goal."),
        };

    private sealed class TicksHandler : SqlMapper.TypeHandler<TimeSpan>
    {
        public override void SetValue(IDbDataParameter parameter, TimeSpan value)
        {
            parameter.DbType = DbType.Int64;
            parameter.Value = value.Ticks;
        }

        public override TimeSpan Parse(object value) =>
            TimeSpan.FromTicks(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The key of a goal row as read before its timer: the request and the goal's wire name.</summary>
internal sealed class GoalKey
{
    public long RequestId { get; init; }

    public string Goal { get; init; } = "";
}

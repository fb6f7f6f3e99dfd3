using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// GET /api/funds/{slug}/metrics: response times computed from the event log with <see cref="ResponseTimeMetrics"/>:
/// median and 90th percentile per goal, share within goal, open requests at risk and breached, by month, tier and
/// country.
/// </summary>
internal static class GetFundMetrics
{
    public sealed record Request
    {
        /// <summary>First day of the period (submission date, UTC; default a year ago).</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last day of the period (inclusive; default today).</summary>
        public DateOnly? To { get; init; }

        /// <summary>Comma-separated month, tier, country (default all three; empty for one group).</summary>
        public string? GroupBy { get; init; }
    }

    public sealed record Goal(
        int Count,
        long? MedianSeconds,
        long? P90Seconds,
        int WithinGoal,
        double? ShareWithinGoal
    );

    public sealed record Group(
        string? Month,
        string? Tier,
        string? Country,
        int Requests,
        int OpenAtRisk,
        int OpenBreached,
        IReadOnlyDictionary<string, Goal> Goals
    );

    public sealed record Response(
        string Fund,
        DateOnly From,
        DateOnly To,
        IReadOnlyList<string> GroupBy,
        DateTimeOffset ComputedAt,
        IReadOnlyList<Group> Groups
    );

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string slug,
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] FundMetrics metrics,
        CancellationToken ct
    )
    {
        var parts = (request.GroupBy ?? "month,tier,country")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.ToLowerInvariant())
            .Distinct()
            .ToList();
        return await metrics.ForGroupingsAsync(slug, request.From, request.To, [parts], user, ct) is [var response]
            ? TypedResults.Ok(response)
            : EmergencyProblems.FundNotFound();
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r)
                .Must(r => r.From is null || r.To is null || r.From <= r.To)
                .OverridePropertyName("from")
                .WithText("Metrics_Period");
            RuleFor(r => r.From).WithinDayRange();
            RuleFor(r => r.To).WithinDayRange();
            RuleFor(r => r.GroupBy)
                .Must(g =>
                    g!
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .All(p => p.ToLowerInvariant() is "month" or "tier" or "country")
                )
                .When(r => r.GroupBy is not null)
                .WithText("Metrics_By");
        }
    }
}

/// <summary>
/// The figures of <see cref="GetFundMetrics"/> for a fund the caller may see, with the stores and clock they are read
/// with (the handler's and the console dashboard's).
/// </summary>
internal sealed class FundMetrics(FundStore funds, FundMetricsStore store, NeedToKnow access, TimeProvider clock)
{
    /// <summary>
    /// The same figures for several groupings at once (the console's dashboard shows month, tier and country): the
    /// requests and their history are read once. Null when the funder has no such fund.
    /// </summary>
    public async Task<IReadOnlyList<GetFundMetrics.Response>?> ForGroupingsAsync(
        string slug,
        DateOnly? fromDay,
        DateOnly? toDay,
        IReadOnlyList<IReadOnlyList<string>> groupings,
        ClaimsPrincipal user,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (await funds.FindAsync(funderId, slug, ct) is not { } fund)
        {
            return null;
        }

        if (!(await access.VisibleFundsAsync(user, ct))(fund.Id))
        {
            return null; // need-to-know: another fund's figures are not found, as another funder's
        }

        var now = clock.GetUtcNow();
        var to = toDay ?? DateOnly.FromDateTime(now.UtcDateTime);
        var from = fromDay ?? to.AddYears(-1);
        var policy = FundPolicies.Deserialize(fund.SlaPolicy);
        var (requests, history) = await store.TimingsAsync(funderId, fund.Id, Start(from), Start(to.AddDays(1)), ct);
        var byRequest = history.ToLookup(h => h.RequestId);
        var timings = requests
            .Select(r =>
                RequestTiming.FromHistory(
                    policy,
                    WireName.TryParse<UrgencyTier>(r.Tier, out var t) ? t : UrgencyTier.Standard,
                    r.Country,
                    byRequest[r.Id]
                        .Select(h => new RequestStateChange(h.OccurredAt, RequestWorkflow.ParseState(h.ToState)))
                        .ToList(),
                    now
                )
            )
            .ToList();
        return groupings
            .Select(parts =>
            {
                var grouping = GroupingOf(parts);
                var groups = ResponseTimeMetrics
                    .Compute(timings, grouping)
                    .Select(g => new GetFundMetrics.Group(
                        g.Month is { } m ? ResponseTimeMetrics.MonthKey(m) : null,
                        g.Tier is { } tier ? WireName.Of(tier) : null,
                        g.Country,
                        g.Requests,
                        g.OpenAtRisk,
                        g.OpenBreached,
                        g.Goals.ToDictionary(
                            x => WireName.Of(x.Key),
                            x => new GetFundMetrics.Goal(
                                x.Value.Count,
                                Seconds(x.Value.Median),
                                Seconds(x.Value.P90),
                                x.Value.WithinGoal,
                                x.Value.ShareWithinGoal
                            )
                        )
                    ))
                    .ToList();
                return new GetFundMetrics.Response(fund.Slug, from, to, parts, now, groups);
            })
            .ToList();
    }

    /// <summary>The grouping named by the parts: month, tier, anything else country.</summary>
    private static ResponseTimeGrouping GroupingOf(IReadOnlyList<string> parts) =>
        parts.Aggregate(ResponseTimeGrouping.None, (g, p) => g
            | p switch
            {
                "month" => ResponseTimeGrouping.Month,
                "tier" => ResponseTimeGrouping.Tier,
                _ => ResponseTimeGrouping.Country,
            });

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static long? Seconds(TimeSpan? span) => span is { } s ? (long)s.TotalSeconds : null;
}

/// <summary>A request of the period, for the statistics: no personal data.</summary>
internal sealed class TimingRow
{
    public long Id { get; init; }

    public string Tier { get; init; } = "";

    public string Country { get; init; } = "";

    public DateTimeOffset SubmittedAt { get; init; }
}

/// <summary>One state change of a request of the period (from the event log).</summary>
internal sealed class HistoryRow
{
    public long RequestId { get; init; }

    public string ToState { get; init; } = "";

    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The SQL of <see cref="GetFundMetrics"/>: one fund's requests of a period and their state history.</summary>
internal sealed class FundMetricsStore(RapidResponseDb db)
{
    private const string SelectTimings = """
        SELECT id, tier, country, submitted_at FROM emergency_requests
        WHERE funder_id = @FunderId AND fund_id = @FundId AND submitted_at >= @From AND submitted_at < @To
        """;
    private const string SelectHistory = $"""
        SELECT e.request_id, e.to_state, e.occurred_at
        FROM request_events e JOIN emergency_requests r ON r.id = e.request_id
        WHERE r.funder_id = @FunderId AND r.fund_id = @FundId AND r.submitted_at >= @From AND r.submitted_at < @To
          AND e.command NOT IN ('{PurgeStore.WarningCommand}', '{PurgeStore.PurgeCommand}', '{ShredCase.Command}')
        ORDER BY e.request_id, e.id
        """;

    /// <summary>The requests submitted in [<paramref name="from"/>, <paramref name="to"/>) and their history.</summary>
    public async Task<(IReadOnlyList<TimingRow> Requests, IReadOnlyList<HistoryRow> History)> TimingsAsync(
        long funderId,
        long fundId,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenAsync(ct);
        var args = new
        {
            FunderId = funderId,
            FundId = fundId,
            From = from,
            To = to,
        };
        var requests = (
            await connection.QueryAsync<TimingRow>(new CommandDefinition(SelectTimings, args, cancellationToken: ct))
        ).AsList();
        var history = (
            await connection.QueryAsync<HistoryRow>(new CommandDefinition(SelectHistory, args, cancellationToken: ct))
        ).AsList();
        return (requests, history);
    }
}

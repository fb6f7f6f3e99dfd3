using FundAudit.Core.EmergencyRequests;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>One SLA goal as the console shows it.</summary>
internal sealed record GoalView(
    string Goal,
    string Status,
    double TargetHours,
    DateTimeOffset? StartedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? StoppedAt,
    long ElapsedSeconds,
    long PausedSeconds,
    long RemainingSeconds,
    DateTimeOffset? WarnedAt,
    DateTimeOffset? BreachedAt
);

/// <summary>
/// A request as the officers' list shows it: no sensitive fields, so listing is not an access to log.
/// </summary>
internal sealed record RequestSummary(
    string Reference,
    string Fund,
    string State,
    string Tier,
    string Need,
    string Country,
    string Language,
    decimal AmountRequested,
    string Currency,
    decimal? ApprovedAmount,
    int Version,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? ClosedAt,
    bool Purged,
    string? SlaStatus,
    IReadOnlyList<GoalView> Goals
)
{
    /// <summary>
    /// When the personal data of this open, inactive case will be purged (officers' warning; any action puts it off).
    /// </summary>
    public DateTimeOffset? PurgeDueAt { get; init; }

    /// <summary>True once an admin shredded the case: its sensitive fields are gone for good (figures
    /// stay).</summary>
    public bool Shredded { get; init; }

    public static RequestSummary From(RequestRow r, FundRow fund, IEnumerable<SlaTimer> timers, DateTimeOffset now)
    {
        var calendar = FundPolicies.Deserialize(fund.SlaPolicy).EffectiveCalendar;
        var list = timers.OrderBy(t => t.Goal).ToList();
        var reports = SlaClock.Evaluate(list, calendar, now);
        var worst = RequestStateMachine.IsOpen(RequestWorkflow.ParseState(r.State))
            ? SlaClock.WorstOpenStatus(reports)
            : null;
        return new RequestSummary(
            r.Reference,
            fund.Slug,
            r.State,
            r.Tier,
            r.Need,
            r.Country,
            r.Language,
            Money(r.AmountRequested, r.Currency),
            r.Currency,
            r.ApprovedAmount is { } a ? Money(a, fund.Currency) : null,
            r.Version,
            r.SubmittedAt,
            r.ClosedAt,
            r.PurgedAt is not null,
            worst is { } w ? WireName.Of(w) : null,
            reports
                .Zip(list, (rep, t) =>
                    new GoalView(
                        WireName.Of(rep.Goal),
                        WireName.Of(rep.Status),
                        rep.Target.TotalHours,
                        rep.StartedAt,
                        rep.DueAt,
                        rep.StoppedAt,
                        (long)rep.Elapsed.TotalSeconds,
                        (long)rep.Paused.TotalSeconds,
                        (long)rep.Remaining.TotalSeconds,
                        t.WarnedAt,
                        t.BreachedAt
                    )
                )
                .ToList()
        )
        {
            Shredded = r.ShreddedAt is not null,
        };
    }

    /// <summary>Minor units as an amount of the currency (as they are, for a currency no longer known).</summary>
    public static decimal Money(long minor, string currency) =>
        Currencies.IsKnown(currency) ? MinorUnits.ToDecimal(minor, currency) : minor;
}

using System.Data.Common;
using System.Security.Claims;
using System.Text.Json;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Core.EmergencyRequests;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>The answer of a transition: the request as stored afterwards, or a ProblemDetails.</summary>
internal sealed record TransitionOutcome(RequestRow? Request, ProblemHttpResult? Problem);

/// <summary>
/// Runs every transition the same way: the state machine decides, the SLA clock moves the timers, and the store writes
/// request, timers, event and extra rows in one transaction guarded by the version (stale → 409).
/// </summary>
internal sealed class RequestWorkflow(EmergencyStore store, TimeProvider clock)
{
    public async Task<TransitionOutcome> RunAsync(RequestRow request, FundRow fund, int? expectedVersion, RequestCommand command,
        Func<RequestRow, DateTimeOffset, Func<DbConnection, DbTransaction, Task>?>? extra, CancellationToken ct)
    {
        if (expectedVersion is { } expected && expected != request.Version)
        {
            return new(null, EmergencyProblems.Stale(request.Version));
        }

        var from = ParseState(request.State);
        var approvers = Approvers(request);
        var facts = new RequestFacts
        {
            MaximumAmountMinor = fund.MaxAmount,
            SecondApprovalThresholdMinor = fund.SecondApprovalThreshold,
            ApproverIds = approvers,
            ApprovedAmountMinor = request.ApprovedAmount,
            HasPaymentDetails = request.HasPaymentDetails,
        };
        var decision = RequestStateMachine.Decide(from, command, facts);
        if (!decision.IsAllowed)
        {
            return new(null, EmergencyProblems.Refused(decision));
        }

        var to = decision.NewState!.Value;
        var now = clock.GetUtcNow();
        var policy = FundPolicies.Deserialize(fund.SlaPolicy);
        var timers = SlaClock.Apply(await store.TimersAsync(request.Id, ct), from, to, now, policy.EffectiveCalendar);

        var version = request.Version;
        request.State = WireName.Of(to);
        request.Version = version + 1;
        if (command.Action == RequestAction.Approve)
        {
            request.ApproverIds = JsonSerializer.Serialize(approvers.Append(command.Actor.Id).ToArray());
            request.ApprovedAmount ??= command.AmountMinor;
        }

        if (from == RequestState.Submitted && command.Actor.Role is ActorRole.Officer or ActorRole.Admin)
        {
            request.AcknowledgedAt ??= now;
        }

        if (to is RequestState.Approved or RequestState.Declined && from != to)
        {
            request.DecidedAt = now;
        }

        if (to == RequestState.Disbursed)
        {
            request.DisbursedAt = now;
        }

        if (to == RequestState.Closed)
        {
            request.ClosedAt = now;
        }

        if (command.Action == RequestAction.RecordPaymentDetails)
        {
            request.HasPaymentDetails = true;
        }

        var write = new TransitionWrite(request, version, timers, new EventRow
        {
            Command = WireName.Of(command.Action),
            FromState = WireName.Of(from),
            ToState = WireName.Of(to),
            Actor = command.Actor.Id,
            ActorRole = WireName.Of(command.Actor.Role),
            Amount = command.Action == RequestAction.Approve ? request.ApprovedAmount : null,
            OccurredAt = now,
        }, extra?.Invoke(request, now));
        try
        {
            return await store.ApplyTransitionAsync(write, ct) ? new(request, null) : new(null, EmergencyProblems.Stale(null));
        }
        catch (Exception ex) when (store.Dialect.IsUniqueViolation(ex))
        {
            return new(null, EmergencyProblems.Stale(null));
        }
    }

    public static RequestState ParseState(string state) =>
        WireName.TryParse<RequestState>(state, out var s) ? s : throw new InvalidOperationException("Unknown stored state.");

    public static IReadOnlyList<string> Approvers(RequestRow request) =>
        JsonSerializer.Deserialize<string[]>(request.ApproverIds) ?? [];

    /// <summary>The staff member acting: the person behind the key (see <see cref="FunderPrincipal.PersonId"/>) in their key's role.</summary>
    public static Actor StaffActor(ClaimsPrincipal user) => new(user.PersonId(), user.Role() switch
    {
        Roles.Admin => ActorRole.Admin,
        Roles.Finance => ActorRole.Finance,
        _ => ActorRole.Officer,
    });

    public static Actor ApplicantActor(RequestRow request) => new("applicant:" + request.Reference, ActorRole.Applicant);
}

/// <summary>ProblemDetails of the workflow. Messages never contain what a person typed.</summary>
internal static class EmergencyProblems
{
    public static ProblemHttpResult Stale(int? current) => TypedResults.Problem(
        title: "The request has changed",
        detail: "Someone else acted on this request first. Reload it and decide again.",
        statusCode: StatusCodes.Status409Conflict,
        extensions: new Dictionary<string, object?> { ["code"] = "stale_version", ["currentVersion"] = current });

    public static ProblemHttpResult Refused(TransitionDecision decision) => TypedResults.Problem(
        title: "Not allowed",
        detail: decision.Message,
        statusCode: decision.Refusal switch
        {
            RefusalCode.RoleNotPermitted => StatusCodes.Status403Forbidden,
            RefusalCode.ActorIdRequired or RefusalCode.AmountRequired or RefusalCode.AmountNotPositive or RefusalCode.AmountAboveMaximum
                or RefusalCode.AmountMismatch or RefusalCode.ReasonRequired => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status409Conflict,
        },
        extensions: new Dictionary<string, object?> { ["code"] = decision.RefusalCodeName });

    public static ProblemHttpResult RequestNotFound() => TypedResults.Problem(
        title: "Not found", detail: "No request with this reference.", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult FundNotFound() => TypedResults.Problem(
        title: "Not found", detail: "No fund with this address.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The same answer for a mistyped, unknown or purged case code.</summary>
    public static ProblemHttpResult CaseNotFound() => TypedResults.Problem(
        title: "Not found", detail: "No request matches this case code. Check the code and try again.", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Unprocessable(string field, string message) => TypedResults.Problem(
        title: "The request is not valid.", detail: message, statusCode: StatusCodes.Status422UnprocessableEntity,
        extensions: new Dictionary<string, object?> { ["field"] = field });
}

/// <summary>One SLA goal as the console shows it.</summary>
internal sealed record GoalView(string Goal, string Status, double TargetHours, DateTimeOffset? StartedAt, DateTimeOffset? DueAt,
    DateTimeOffset? StoppedAt, long ElapsedSeconds, long PausedSeconds, long RemainingSeconds, DateTimeOffset? WarnedAt, DateTimeOffset? BreachedAt);

/// <summary>A request as the officers' list shows it: no sensitive fields, so listing is not an access to log.</summary>
internal sealed record RequestSummary(
    string Reference, string Fund, string State, string Tier, string Need, string Country, string Language, decimal AmountRequested,
    string Currency, decimal? ApprovedAmount, int Version, DateTimeOffset SubmittedAt, DateTimeOffset? ClosedAt, bool Purged,
    string? SlaStatus, IReadOnlyList<GoalView> Goals)
{
    public static RequestSummary From(RequestRow r, FundRow fund, IEnumerable<SlaTimer> timers, DateTimeOffset now)
    {
        var calendar = FundPolicies.Deserialize(fund.SlaPolicy).EffectiveCalendar;
        var list = timers.OrderBy(t => t.Goal).ToList();
        var reports = SlaClock.Evaluate(list, calendar, now);
        var worst = RequestStateMachine.IsOpen(RequestWorkflow.ParseState(r.State)) ? SlaClock.WorstOpenStatus(reports) : null;
        return new RequestSummary(r.Reference, fund.Slug, r.State, r.Tier, r.Need, r.Country, r.Language,
            Money(r.AmountRequested, r.Currency), r.Currency, r.ApprovedAmount is { } a ? Money(a, fund.Currency) : null, r.Version, r.SubmittedAt,
            r.ClosedAt, r.PurgedAt is not null, worst is { } w ? WireName.Of(w) : null,
            reports.Zip(list, (rep, t) => new GoalView(WireName.Of(rep.Goal), WireName.Of(rep.Status), rep.Target.TotalHours, rep.StartedAt, rep.DueAt,
                rep.StoppedAt, (long)rep.Elapsed.TotalSeconds, (long)rep.Paused.TotalSeconds, (long)rep.Remaining.TotalSeconds, t.WarnedAt,
                t.BreachedAt)).ToList());
    }

    public static decimal Money(long minor, string currency) => Currencies.IsKnown(currency) ? MinorUnits.ToDecimal(minor, currency) : minor;
}

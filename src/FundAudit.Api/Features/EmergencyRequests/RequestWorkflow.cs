using System.Text.Json;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>The answer of a transition: the request as stored afterwards, or a ProblemDetails.</summary>
internal sealed record TransitionOutcome(RequestRow? Request, ProblemHttpResult? Problem);

/// <summary>
/// Runs every transition the same way: the state machine decides, the SLA clock moves the timers, and the store writes
/// request, timers, event and effects in one transaction guarded by the version (stale → 409).
/// </summary>
internal sealed class RequestWorkflow(
    RequestStore requests,
    FundStore funds,
    CaseKeys caseKeys,
    NeedToKnow access,
    TimeProvider clock
)
{
    /// <summary>
    /// The funder's request by reference, with its fund, when the caller has <paramref name="need"/> of its fund
    /// (need-to-know); else the problem to answer (404 as for another funder's request, 403 for an admin who is no
    /// member).
    /// </summary>
    public async Task<((RequestRow Request, FundRow Fund)? Found, ProblemHttpResult? Refused)> FindForAsync(
        ClaimsPrincipal user,
        string reference,
        FundNeed need,
        CancellationToken ct
    )
    {
        if (await FindAsync(user.FunderId(), reference, ct) is not { } found)
        {
            return (null, EmergencyProblems.RequestNotFound());
        }

        return await access.RefusalAsync(user, found.Fund.Id, need, ct) is { } problem
            ? (null, problem)
            : (found, null);
    }

    /// <summary>The funder's request by reference, with its fund; null when the funder has no such request.</summary>
    public async Task<(RequestRow Request, FundRow Fund)?> FindAsync(
        long funderId,
        string reference,
        CancellationToken ct
    ) =>
        await requests.FindAsync(funderId, reference, ct) is { } row
        && await funds.FindAsync(funderId, row.FundId, ct) is { } fund
            ? (row, fund)
            : null;

    /// <summary>
    /// An officer's transition of one of the funder's requests: finds it (404 when the funder has none), runs the
    /// command <paramref name="decide"/> makes for the request's fund, the officer and the case's key (read only when
    /// <paramref name="writesSensitiveFields"/>), answers with the summary. A shredded case refuses what would write a
    /// sensitive field (409).
    /// </summary>
    public async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> StaffTransitionAsync(
        ClaimsPrincipal user,
        string reference,
        int? expectedVersion,
        bool writesSensitiveFields,
        Func<FundRow, Actor, CaseCipher, (RequestCommand, TransitionEffects)> decide,
        CancellationToken ct
    )
    {
        var (found, refused) = await FindForAsync(user, reference, FundNeed.Handle, ct);
        if (found is not var (row, fund))
        {
            return refused!;
        }

        (RequestCommand, TransitionEffects) decided;
        try
        {
            var cipher = writesSensitiveFields ? await caseKeys.ForAsync(row, ct) : caseKeys.NotLoaded(row);
            // The transition names its action; the person then acts in the role of theirs that action needs.
            var (asked, asEffects) = decide(fund, StaffActor(user, RequestAction.Acknowledge), cipher);
            decided = (asked with { Actor = StaffActor(user, asked.Action) }, asEffects);
        }
        catch (CaseShreddedException)
        {
            return EmergencyProblems.Shredded();
        }

        var (command, effects) = decided;
        var outcome = await RunAsync(row, fund, expectedVersion, command, effects, ct);
        return await SummaryAsync(outcome, fund, ct);
    }

    /// <summary>Decides <paramref name="command"/>; when allowed, stores it with <paramref name="effects"/>.</summary>
    public async Task<TransitionOutcome> RunAsync(
        RequestRow request,
        FundRow fund,
        int? expectedVersion,
        RequestCommand command,
        TransitionEffects effects,
        CancellationToken ct
    )
    {
        if (expectedVersion is { } expected && expected != request.Version)
        {
            return new(null, EmergencyProblems.Stale(request.Version));
        }

        var from = ParseState(request.State);
        var decision = RequestStateMachine.Decide(from, command, FactsOf(request, fund));
        if (!decision.IsAllowed)
        {
            return new(null, EmergencyProblems.Refused(decision));
        }

        var to = decision.NewState!.Value;
        var now = clock.GetUtcNow();
        var policy = FundPolicies.Deserialize(fund.SlaPolicy);
        var timers = SlaClock.Apply(
            await requests.TimersAsync(request.FunderId, request.Id, ct),
            from,
            to,
            now,
            policy.EffectiveCalendar
        );
        var version = request.Version;
        Apply(request, command, from, to, now, effects);
        var write = new TransitionWrite(request, version, timers, EventOf(request, command, from, to, now), effects);
        try
        {
            return await requests.ApplyTransitionAsync(write, ct)
                ? new(request, null)
                : new(null, EmergencyProblems.Stale(null));
        }
        catch (Exception ex) when (requests.Dialect.IsUniqueViolation(ex))
        {
            return new(null, EmergencyProblems.Stale(null));
        }
    }

    /// <summary>The officers' answer to a transition: the request's summary as stored now, or the problem.</summary>
    public async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> SummaryAsync(
        TransitionOutcome outcome,
        FundRow fund,
        CancellationToken ct
    )
    {
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(await SummaryOfAsync(outcome.Request!, fund, ct));
    }

    /// <summary>The request as the officers' list shows it, with its timers as stored now.</summary>
    public async Task<RequestSummary> SummaryOfAsync(RequestRow request, FundRow fund, CancellationToken ct) =>
        RequestSummary.From(
            request,
            fund,
            await requests.TimersAsync(request.FunderId, request.Id, ct),
            clock.GetUtcNow()
        );

    /// <summary>What the state machine needs to know of a request and its fund: built here and nowhere else.</summary>
    public static RequestFacts FactsOf(RequestRow request, FundRow fund) =>
        new()
        {
            MaximumAmountMinor = fund.MaxAmount,
            SecondApprovalThresholdMinor = fund.SecondApprovalThreshold,
            ApproverIds = Approvers(request),
            ApprovedAmountMinor = request.ApprovedAmount,
            HasPaymentDetails = request.HasPaymentDetails,
        };

    public static RequestState ParseState(string state) =>
        WireName.TryParse<RequestState>(state, out var s)
            ? s
            : throw new InvalidOperationException("Unknown stored " + "state.");

    public static IReadOnlyList<string> Approvers(RequestRow request) =>
        JsonSerializer.Deserialize<string[]>(request.ApproverIds) ?? [];

    /// <summary>
    /// The staff member acting for <paramref name="action"/>: the person behind the key or session (see
    /// <see cref="FunderPrincipal.PersonId"/>) in the role of theirs that the action needs (a person holding officer
    /// and finance approves as officer and disburses as finance); with none of those roles, in their first role, which
    /// the state machine then refuses. Four-eyes rules compare the person, whatever the role.
    /// </summary>
    public static Actor StaffActor(ClaimsPrincipal user, RequestAction action)
    {
        var held = StaffRoles(user);
        var needed = RequestStateMachine.RolesFor(action);
        return new(user.PersonId(), held.FirstOrDefault(needed.Contains, held[0]));
    }

    /// <summary>The actions the caller may take on a request in any of their roles, in action order.</summary>
    public static IReadOnlyList<RequestAction> StaffAllowedActions(
        ClaimsPrincipal user,
        RequestState state,
        RequestFacts facts
    )
    {
        var allowed = StaffRoles(user)
            .SelectMany(role => RequestStateMachine.AllowedActions(state, new Actor(user.PersonId(), role), facts))
            .ToHashSet();
        return Enum.GetValues<RequestAction>().Where(allowed.Contains).ToList();
    }

    /// <summary>The caller's workflow roles (admin, officer, finance, in that order); an officer's when none.</summary>
    private static List<ActorRole> StaffRoles(ClaimsPrincipal user)
    {
        var roles = new List<ActorRole>();
        foreach (var (role, actorRole) in WorkflowRoles)
        {
            if (user.IsInRole(role))
            {
                roles.Add(actorRole);
            }
        }

        return roles.Count > 0 ? roles : [ActorRole.Officer];
    }

    private static readonly (string Role, ActorRole ActorRole)[] WorkflowRoles =
    [
        (Roles.Admin, ActorRole.Admin),
        (Roles.Officer, ActorRole.Officer),
        (Roles.Finance, ActorRole.Finance),
    ];

    public static Actor ApplicantActor(RequestRow request) =>
        new("applicant:" + request.Reference, ActorRole.Applicant);

    /// <summary>The request's fields after the transition: state, version, approvals, instants, flags.</summary>
    private static void Apply(
        RequestRow request,
        RequestCommand command,
        RequestState from,
        RequestState to,
        DateTimeOffset now,
        TransitionEffects effects
    )
    {
        request.State = WireName.Of(to);
        request.Version++;
        if (command.Action == RequestAction.Approve)
        {
            request.ApproverIds = JsonSerializer.Serialize(Approvers(request).Append(command.Actor.Id).ToArray());
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

        request.DisbursedAt = to == RequestState.Disbursed ? now : request.DisbursedAt;
        request.ClosedAt = to == RequestState.Closed ? now : request.ClosedAt;
        request.HasPaymentDetails |= command.Action == RequestAction.RecordPaymentDetails;
        request.DeclineReasonProtected = effects.DeclineReasonProtected ?? request.DeclineReasonProtected;
    }

    private static EventRow EventOf(
        RequestRow request,
        RequestCommand command,
        RequestState from,
        RequestState to,
        DateTimeOffset now
    ) =>
        new()
        {
            Command = WireName.Of(command.Action),
            FromState = WireName.Of(from),
            ToState = WireName.Of(to),
            Actor = command.Actor.Id,
            ActorRole = WireName.Of(command.Actor.Role),
            Amount = command.Action == RequestAction.Approve ? request.ApprovedAmount : null,
            OccurredAt = now,
        };
}

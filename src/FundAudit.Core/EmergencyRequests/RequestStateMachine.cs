namespace FundAudit.Core.EmergencyRequests;

/// <summary>Why a transition was refused. Wire names via <see cref="WireName"/> (e.g.
/// <c>approver_cannot_disburse</c>).</summary>
public enum RefusalCode
{
    /// <summary>The actor's role may never perform this action (HTTP 403).</summary>
    RoleNotPermitted = 1,

    /// <summary>The action makes no sense in the current state (HTTP 409).</summary>
    InvalidInState,

    /// <summary>Payment details or a disbursement before the request is finally approved (HTTP 409).</summary>
    NotYetApproved,

    /// <summary>Withdrawal after the money was sent (HTTP 409). Withdrawing a declined, withdrawn or closed case is
    /// <see cref="InvalidInState"/>.</summary>
    AlreadyDisbursed,

    /// <summary>Closing a case that is not disbursed, declined or withdrawn (HTTP 409).</summary>
    CaseNotFinished,

    /// <summary>The actor has no id (HTTP 422).</summary>
    ActorIdRequired,

    /// <summary>A first approval without an amount (HTTP 422).</summary>
    AmountRequired,

    /// <summary>An amount of zero or less (HTTP 422).</summary>
    AmountNotPositive,

    /// <summary>An amount above the fund's maximum (HTTP 422).</summary>
    AmountAboveMaximum,

    /// <summary>A second approval for a different amount than the first (HTTP 422).</summary>
    AmountMismatch,

    /// <summary>The first approver tried to give the second approval too (HTTP 409).</summary>
    SecondApproverMustDiffer,

    /// <summary>Someone who approved the request tried to record its disbursement (HTTP 409).</summary>
    ApproverCannotDisburse,

    /// <summary>A disbursement before payment details were recorded (HTTP 409).</summary>
    PaymentDetailsMissing,

    /// <summary>A decline without a reason (HTTP 422).</summary>
    ReasonRequired,
}

/// <summary>The answer of <see cref="RequestStateMachine.Decide"/>: allowed with a new state, or refused with a
/// reason.</summary>
public sealed record TransitionDecision
{
    private TransitionDecision(bool isAllowed, RequestState? newState, RefusalCode? refusal, string message)
    {
        IsAllowed = isAllowed;
        NewState = newState;
        Refusal = refusal;
        Message = message;
    }

    /// <summary>True when the action may be carried out.</summary>
    public bool IsAllowed { get; }

    /// <summary>The state after the action (may equal the current one, e.g. payment details); null when
    /// refused.</summary>
    public RequestState? NewState { get; }

    /// <summary>The machine-readable reason; null when allowed.</summary>
    public RefusalCode? Refusal { get; }

    /// <summary>The refusal's wire code (e.g. <c>second_approver_must_differ</c>), for ProblemDetails; null when
    /// allowed.</summary>
    public string? RefusalCodeName => Refusal is { } r ? WireName.Of(r) : null;

    /// <summary>A short explanation for people; contains no personal data.</summary>
    public string Message { get; }

    internal static TransitionDecision Allowed(RequestState newState) =>
        new(true, newState, null, $"Allowed: the request becomes {WireName.Of(newState)}.");

    internal static TransitionDecision Refused(RefusalCode code, string message) => new(false, null, code, message);
}

/// <summary>
/// The rules of the emergency-request workflow. Pure: it decides, the caller stores.
/// </summary>
/// <remarks>
/// <para>Checks run in this order, so the first failing one is reported: the actor has an id; the role may ever
/// take the action (<see cref="RefusalCode.RoleNotPermitted"/>); the action fits the state; who the actor is
/// (second approver differs, approver cannot disburse); then the parameters (amount, reason).</para>
/// <para>After an allowed <see cref="RequestAction.Approve"/> the caller appends the actor's id to
/// <see cref="RequestFacts.ApproverIds"/> and, on the first approval, stores the amount as
/// <see cref="RequestFacts.ApprovedAmountMinor"/>. It should apply the new state with a conditional update
/// (<c>WHERE state = @expected_state</c>) so two officers acting at once cannot both win.</para>
/// </remarks>
public static class RequestStateMachine
{
    private static readonly RequestState[] BeforeDisbursement =
    [
        RequestState.Submitted,
        RequestState.Acknowledged,
        RequestState.AwaitingApplicant,
        RequestState.AwaitingSecondApproval,
        RequestState.Approved,
    ];

    private static readonly RequestState[] BeforeApproval =
    [
        RequestState.Submitted,
        RequestState.Acknowledged,
        RequestState.AwaitingApplicant,
        RequestState.AwaitingSecondApproval,
    ];

    /// <summary>Which roles may ever take each action (whatever the state).</summary>
    public static IReadOnlyList<ActorRole> RolesFor(RequestAction action) =>
        action switch
        {
            RequestAction.Acknowledge
            or RequestAction.AskForInformation
            or RequestAction.Approve
            or RequestAction.Decline
            or RequestAction.Close => [ActorRole.Officer, ActorRole.Admin],
            RequestAction.AnswerQuestion or RequestAction.Withdraw => [ActorRole.Applicant],
            RequestAction.RecordPaymentDetails => [ActorRole.Applicant, ActorRole.Officer, ActorRole.Finance],
            RequestAction.RecordDisbursement => [ActorRole.Finance],
            _ => [],
        };

    /// <summary>
    /// The state an action leads to from <paramref name="state"/>, ignoring who acts and the facts,
    /// or null when the action does not apply in that state. For <see cref="RequestAction.Approve"/>
    /// from a state before any approval this is <see cref="RequestState.Approved"/>; with an amount above the
    /// threshold <see cref="Decide"/> answers <see cref="RequestState.AwaitingSecondApproval"/> instead.
    /// </summary>
    public static RequestState? Target(RequestState state, RequestAction action) =>
        (state, action) switch
        {
            (RequestState.Submitted, RequestAction.Acknowledge) => RequestState.Acknowledged,
            (RequestState.Submitted or RequestState.Acknowledged, RequestAction.AskForInformation) =>
                RequestState.AwaitingApplicant,
            (RequestState.AwaitingApplicant, RequestAction.AnswerQuestion) => RequestState.Acknowledged,
            (
                RequestState.Submitted
                    or RequestState.Acknowledged
                    or RequestState.AwaitingSecondApproval,
                RequestAction.Approve
            ) => RequestState.Approved,
            (
                RequestState.Submitted
                    or RequestState.Acknowledged
                    or RequestState.AwaitingApplicant
                    or RequestState.AwaitingSecondApproval,
                RequestAction.Decline
            ) => RequestState.Declined,
            (RequestState.Approved, RequestAction.RecordPaymentDetails) => RequestState.Approved,
            (RequestState.Approved, RequestAction.RecordDisbursement) => RequestState.Disbursed,
            (RequestState.Declined or RequestState.Disbursed or RequestState.Withdrawn, RequestAction.Close) =>
                RequestState.Closed,
            (_, RequestAction.Withdraw) when BeforeDisbursement.Contains(state) => RequestState.Withdrawn,
            _ => null,
        };

    /// <summary>Decides whether <paramref name="command"/> may be carried out on a request in <paramref
    /// name="state"/>.</summary>
    public static TransitionDecision Decide(RequestState state, RequestCommand command, RequestFacts facts)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(facts);
        var actor = command.Actor ?? throw new ArgumentException("The command has no actor.", nameof(command));
        var action = command.Action;

        if (string.IsNullOrWhiteSpace(actor.Id))
        {
            return TransitionDecision.Refused(RefusalCode.ActorIdRequired, "The acting person must be identified.");
        }

        if (!RolesFor(action).Contains(actor.Role))
        {
            return TransitionDecision.Refused(
                RefusalCode.RoleNotPermitted,
                $"The role {WireName.Of(actor.Role)} may not {Describe(action)}."
            );
        }

        if (Target(state, action) is not { } target)
        {
            return RefuseForState(state, action);
        }

        if (CheckWho(state, action, actor, facts) is { } whoRefusal)
        {
            return whoRefusal;
        }

        return action switch
        {
            RequestAction.Approve => DecideApproval(state, command, facts),
            RequestAction.Decline when string.IsNullOrWhiteSpace(command.Reason) => TransitionDecision.Refused(
                RefusalCode.ReasonRequired,
                "A decline needs a reason."
            ),
            _ => TransitionDecision.Allowed(target),
        };
    }

    /// <summary>
    /// The actions <paramref name="role"/> could take in <paramref name="state"/> (for the console's buttons),
    /// in <see cref="RequestAction"/> order, ignoring the facts. Use the overload with an actor and facts to
    /// also hide what this person may not do (e.g. the approver does not see "record disbursement").
    /// </summary>
    public static IReadOnlyList<RequestAction> AllowedActions(RequestState state, ActorRole role) =>
        Enum.GetValues<RequestAction>()
            .Where(a => RolesFor(a).Contains(role) && Target(state, a) is not null)
            .ToArray();

    /// <summary>
    /// The actions <paramref name="actor"/> could take in <paramref name="state"/> given the facts. Parameters the
    /// person still has to supply (an amount, a reason) are not checked here; <see cref="Decide"/> checks them.
    /// </summary>
    public static IReadOnlyList<RequestAction> AllowedActions(RequestState state, Actor actor, RequestFacts facts)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(facts);
        return AllowedActions(state, actor.Role).Where(a => CheckWho(state, a, actor, facts) is null).ToArray();
    }

    /// <summary>Whether nothing more can happen to a request in this state.</summary>
    public static bool IsFinal(RequestState state) => state == RequestState.Closed;

    /// <summary>Whether the case is still open (not disbursed, declined, withdrawn or closed).</summary>
    public static bool IsOpen(RequestState state) => BeforeDisbursement.Contains(state);

    private static TransitionDecision? CheckWho(
        RequestState state,
        RequestAction action,
        Actor actor,
        RequestFacts facts
    )
    {
        if (
            action == RequestAction.Approve
            && state == RequestState.AwaitingSecondApproval
            && facts.ApproverIds.Contains(actor.Id, StringComparer.Ordinal)
        )
        {
            return TransitionDecision.Refused(
                RefusalCode.SecondApproverMustDiffer,
                "The second approval must come from a different person than the first."
            );
        }

        if (action == RequestAction.RecordDisbursement)
        {
            if (facts.ApproverIds.Contains(actor.Id, StringComparer.Ordinal))
            {
                return TransitionDecision.Refused(
                    RefusalCode.ApproverCannotDisburse,
                    "A person who approved the request cannot record its disbursement."
                );
            }

            if (!facts.HasPaymentDetails)
            {
                return TransitionDecision.Refused(
                    RefusalCode.PaymentDetailsMissing,
                    "Payment details must be recorded before the disbursement."
                );
            }
        }

        return null;
    }

    private static TransitionDecision DecideApproval(RequestState state, RequestCommand command, RequestFacts facts)
    {
        if (state == RequestState.AwaitingSecondApproval)
        {
            if (command.AmountMinor is { } confirmed && confirmed != facts.ApprovedAmountMinor)
            {
                return TransitionDecision.Refused(
                    RefusalCode.AmountMismatch,
                    "The second approval must be for the amount of the first; decline or ask again to change it."
                );
            }

            return TransitionDecision.Allowed(RequestState.Approved);
        }

        if (command.AmountMinor is not { } amount)
        {
            return TransitionDecision.Refused(RefusalCode.AmountRequired, "An approval needs an amount.");
        }

        if (amount <= 0)
        {
            return TransitionDecision.Refused(RefusalCode.AmountNotPositive, "The amount must be more than zero.");
        }

        if (amount > facts.MaximumAmountMinor)
        {
            return TransitionDecision.Refused(
                RefusalCode.AmountAboveMaximum,
                "The amount is above the fund's maximum for one request."
            );
        }

        return facts.SecondApprovalThresholdMinor is { } threshold && amount > threshold
            ? TransitionDecision.Allowed(RequestState.AwaitingSecondApproval)
            : TransitionDecision.Allowed(RequestState.Approved);
    }

    private static TransitionDecision RefuseForState(RequestState state, RequestAction action)
    {
        var stateName = WireName.Of(state);
        return action switch
        {
            RequestAction.RecordPaymentDetails
            or RequestAction.RecordDisbursement when BeforeApproval.Contains(state) => TransitionDecision.Refused(
                RefusalCode.NotYetApproved,
                $"Cannot {Describe(action)} before the request is approved (it is {stateName})."
            ),
            RequestAction.Withdraw when state == RequestState.Disbursed => TransitionDecision.Refused(
                RefusalCode.AlreadyDisbursed,
                "The request cannot be withdrawn: the money has been sent."
            ),
            RequestAction.Close when state != RequestState.Closed => TransitionDecision.Refused(
                RefusalCode.CaseNotFinished,
                $"Only a disbursed, declined or withdrawn case can be closed (it is {stateName})."
            ),
            _ => TransitionDecision.Refused(
                RefusalCode.InvalidInState,
                $"Cannot {Describe(action)} while the request is {stateName}."
            ),
        };
    }

    private static string Describe(RequestAction action) =>
        action switch
        {
            RequestAction.Acknowledge => "acknowledge the request",
            RequestAction.AskForInformation => "ask the applicant for information",
            RequestAction.AnswerQuestion => "answer a question",
            RequestAction.Approve => "approve the request",
            RequestAction.Decline => "decline the request",
            RequestAction.RecordPaymentDetails => "record payment details",
            RequestAction.RecordDisbursement => "record the disbursement",
            RequestAction.Close => "close the case",
            RequestAction.Withdraw => "withdraw the request",
            _ => "do that",
        };
}

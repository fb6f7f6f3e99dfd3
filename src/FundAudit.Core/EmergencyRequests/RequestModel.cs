namespace FundAudit.Core.EmergencyRequests;

/// <summary>
/// Where an emergency request stands. Wire names (API, database) are the snake_case forms
/// given by <see cref="WireName"/>: <c>submitted</c>, <c>acknowledged</c>, <c>awaiting_applicant</c>,
/// <c>awaiting_second_approval</c>, <c>approved</c>, <c>declined</c>, <c>disbursed</c>, <c>closed</c>,
/// <c>withdrawn</c>.
/// </summary>
/// <remarks>Stored values are the wire names, never the numeric values, so the order here may change.</remarks>
public enum RequestState
{
    /// <summary>Sent by the applicant; no officer has responded yet.</summary>
    Submitted = 1,

    /// <summary>An officer has responded; the fund is working on a decision.</summary>
    Acknowledged,

    /// <summary>An officer asked the applicant a question; the decision clock is paused until the answer.</summary>
    AwaitingApplicant,

    /// <summary>
    /// Approved once for an amount above the fund's second-approval threshold; a second, different
    /// approver must confirm before the approval is final. The decision clock keeps running.
    /// </summary>
    AwaitingSecondApproval,

    /// <summary>Finally approved: payment details may be recorded and finance may disburse.</summary>
    Approved,

    /// <summary>Declined with a reason (terminal except for closing).</summary>
    Declined,

    /// <summary>The money has been sent (terminal except for closing).</summary>
    Disbursed,

    /// <summary>Case closed; no further action.</summary>
    Closed,

    /// <summary>Withdrawn by the applicant before disbursement (terminal except for closing).</summary>
    Withdrawn,
}

/// <summary>Something a person asks to do to a request. Checked by <see cref="RequestStateMachine"/>.</summary>
public enum RequestAction
{
    /// <summary>Officer: first response to a submitted request.</summary>
    Acknowledge = 1,

    /// <summary>Officer: ask the applicant for information; pauses the decision clock.</summary>
    AskForInformation,

    /// <summary>Applicant: answer the open question; resumes the decision clock.</summary>
    AnswerQuestion,

    /// <summary>Officer: approve with an amount (first or second approval).</summary>
    Approve,

    /// <summary>Officer: decline with a reason.</summary>
    Decline,

    /// <summary>Applicant, officer or finance: record (or correct) payment details, only once approved.</summary>
    RecordPaymentDetails,

    /// <summary>Finance: record that the money was sent.</summary>
    RecordDisbursement,

    /// <summary>Officer: close a finished case (disbursed, declined or withdrawn).</summary>
    Close,

    /// <summary>Applicant: withdraw the request, any time before disbursement.</summary>
    Withdraw,
}

/// <summary>The role a person acts in. Wire names: <c>officer</c>, <c>finance</c>, <c>admin</c>,
/// <c>applicant</c>.</summary>
public enum ActorRole
{
    /// <summary>Program officer: acknowledges, asks, approves, declines, closes.</summary>
    Officer = 1,

    /// <summary>Finance: records payment details and disbursements.</summary>
    Finance,

    /// <summary>Fund administrator: may do everything an officer may (not finance's part).</summary>
    Admin,

    /// <summary>The defender, identified by the case code only.</summary>
    Applicant,
}

/// <summary>Who is acting.</summary>
/// <param name="Id">A stable identifier (user id; for the applicant, the request id). Never personal data.</param>
/// <param name="Role">The role the person acts in.</param>
public sealed record Actor(string Id, ActorRole Role);

/// <summary>An action with its parameters, as asked for by <see cref="Actor"/>.</summary>
/// <param name="Action">What is asked for.</param>
/// <param name="Actor">Who asks.</param>
/// <param name="AmountMinor">For <see cref="RequestAction.Approve"/>: the amount in minor units of the fund's
/// currency. Required for a first approval; for a second approval it may be omitted (confirms the first) and,
/// if given, must equal the first.</param>
/// <param name="Reason">For <see cref="RequestAction.Decline"/>: the reason, required.</param>
public sealed record RequestCommand(RequestAction Action, Actor Actor, long? AmountMinor = null, string? Reason = null);

/// <summary>What the state machine needs to know about the request and its fund besides the state.</summary>
public sealed record RequestFacts
{
    /// <summary>The most the fund grants for one request, in minor units. Approvals above it are refused.</summary>
    public required long MaximumAmountMinor { get; init; }

    /// <summary>
    /// Approvals of an amount strictly above this (minor units) need two different approvers.
    /// <c>null</c>: one approver always suffices.
    /// </summary>
    public long? SecondApprovalThresholdMinor { get; init; }

    /// <summary>Ids of the people who have approved so far, in order.</summary>
    public IReadOnlyList<string> ApproverIds { get; init; } = [];

    /// <summary>The amount of the first approval, once there is one.</summary>
    public long? ApprovedAmountMinor { get; init; }

    /// <summary>Whether payment details have been recorded (required before disbursement).</summary>
    public bool HasPaymentDetails { get; init; }
}

using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>A message a transition adds to the case (the fund's question, the applicant's answer), encrypted.</summary>
internal sealed record NewMessage(string Kind, string BodyProtected, string CreatedBy);

/// <summary>How to pay, recorded by a transition in its own encrypted record (it replaces an earlier one).</summary>
internal sealed record NewPaymentDetails(string DetailsProtected, string RecordedBy);

/// <summary>The disbursement a transition records; its idempotency-key hash answers retries.</summary>
internal sealed record NewDisbursement(
    string IdempotencyKeyHash,
    string Method,
    string? ReferenceProtected,
    long Amount,
    string Currency,
    string RecordedBy,
    string? RequestHash = null
);

/// <summary>
/// What a transition writes besides the request, its timers and its event, as data: the store writes each one in the
/// transition's transaction, at the event's instant. <see cref="DeclineReasonProtected"/> is a field of the request.
/// </summary>
internal sealed record TransitionEffects(
    NewMessage? Message = null,
    NewPaymentDetails? PaymentDetails = null,
    NewDisbursement? Disbursement = null,
    string? DeclineReasonProtected = null
)
{
    /// <summary>A transition that writes nothing else.</summary>
    public static TransitionEffects None { get; } = new();
}

/// <summary>A transition to store: the request's new fields, its timers, the event and the effects.</summary>
internal sealed record TransitionWrite(
    RequestRow Request,
    int ExpectedVersion,
    IReadOnlyList<SlaTimer> Timers,
    EventRow Event,
    TransitionEffects Effects
);

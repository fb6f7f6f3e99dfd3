namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// One row of emergency_requests. The <c>*Protected</c> fields are ciphertext under the case's key
/// (<see cref="CaseCipher"/>).
/// </summary>
internal sealed class RequestRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public long FundId { get; init; }

    public string Reference { get; init; } = "";

    public string? CaseCodeHash { get; init; }

    public string State { get; set; } = "";

    public string Tier { get; init; } = "";

    public string Need { get; init; } = "";

    public string Country { get; init; } = "";

    public string Language { get; init; } = "";

    public long AmountRequested { get; init; }

    public string Currency { get; init; } = "";

    public long? ApprovedAmount { get; set; }

    public string ApproverIds { get; set; } = "[]";

    public bool HasPaymentDetails { get; set; }

    public int Version { get; set; }

    public string? AliasProtected { get; init; }

    public string? ContactProtected { get; init; }

    public string? SituationProtected { get; init; }

    public string? EndorserProtected { get; init; }

    public string? DeclineReasonProtected { get; set; }

    public DateTimeOffset SubmittedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public DateTimeOffset? DisbursedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset? PurgedAt { get; init; }

    /// <summary>When the case was shredded (its key destroyed); null while it has one.</summary>
    public DateTimeOffset? ShreddedAt { get; init; }
}

/// <summary>One row of request_events: a transition, who made it and when (append-only).</summary>
internal sealed class EventRow
{
    public long Id { get; init; }

    public long RequestId { get; init; }

    public string Command { get; init; } = "";

    public string FromState { get; init; } = "";

    public string ToState { get; init; } = "";

    public string Actor { get; init; } = "";

    public string ActorRole { get; init; } = "";

    public long? Amount { get; init; }

    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>One row of request_messages: the fund's question or the applicant's answer, encrypted.</summary>
internal sealed class MessageRow
{
    public long Id { get; init; }

    public string Kind { get; init; } = "";

    public string? BodyProtected { get; init; }

    public string CreatedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

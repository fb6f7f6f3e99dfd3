using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>POST /api/requests/{reference}/decline: declines the request with a reason (kept encrypted).</summary>
internal sealed class DeclineRequest : IStaffTransition<Decisions.DeclineRequest>
{
    /// <summary>It encrypts with the case key.</summary>
    public static bool WritesSensitiveFields => true;

    public static (RequestCommand, TransitionEffects) Decide(Decisions.DeclineRequest body, StaffContext context) =>
        (
            new RequestCommand(RequestAction.Decline, context.Staff, Reason: body.Reason),
            new TransitionEffects(
                DeclineReasonProtected: context.Case.Protect(body.Reason?.Trim(), CaseField.DeclineReason)
            )
        );

    public sealed class Validator : VersionedBodyValidator<Decisions.DeclineRequest>
    {
        public Validator() => RuleFor(r => r.Reason).RequiredText("Reason_Required", 4000);
    }
}

using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/acknowledge: the first officer response (stops time to acknowledge).
/// </summary>
internal sealed class AcknowledgeRequest : IStaffTransition<Decisions.VersionedRequest>
{
    public static (RequestCommand, TransitionEffects) Decide(Decisions.VersionedRequest body, StaffContext context) =>
        (new RequestCommand(RequestAction.Acknowledge, context.Staff), TransitionEffects.None);
}

using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/close: closes a disbursed, declined or withdrawn case; its personal data is purged
/// later by <see cref="PurgePersonalDataJob"/>.
/// </summary>
internal sealed class CloseRequest : IStaffTransition<Decisions.VersionedRequest>
{
    public static (RequestCommand, TransitionEffects) Decide(Decisions.VersionedRequest body, StaffContext context) =>
        (new RequestCommand(RequestAction.Close, context.Staff), TransitionEffects.None);
}

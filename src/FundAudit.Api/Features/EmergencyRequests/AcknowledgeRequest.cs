using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/acknowledge: the first officer response (stops time to acknowledge).
/// </summary>
internal static class AcknowledgeRequest
{
    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(
        string reference,
        Decisions.VersionedRequest request,
        ClaimsPrincipal user,
        RequestWorkflow workflow,
        CancellationToken ct
    ) =>
        workflow.StaffTransitionAsync(
            user,
            reference,
            request.Version,
            static (_, staff) => (new RequestCommand(RequestAction.Acknowledge, staff), TransitionEffects.None),
            ct
        );
}

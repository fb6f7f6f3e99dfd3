using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/close: closes a disbursed, declined or withdrawn case; its personal data is purged
/// later by <see cref="PurgePersonalDataJob"/>.
/// </summary>
internal static class CloseRequest
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
            static (_, staff) => (new RequestCommand(RequestAction.Close, staff), TransitionEffects.None),
            ct
        );
}

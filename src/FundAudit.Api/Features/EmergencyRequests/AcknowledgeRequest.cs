using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/acknowledge: the first officer response (stops time to acknowledge).
/// </summary>
internal static class AcknowledgeRequest
{
    public static async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(string reference,
        Decisions.VersionedRequest request, ClaimsPrincipal user, RequestWorkflow workflow, CancellationToken ct)
    {
        if (await workflow.FindAsync(user.FunderId(), reference, ct) is not var (row, fund))
        {
            return EmergencyProblems.RequestNotFound();
        }

        var command = new RequestCommand(RequestAction.Acknowledge, RequestWorkflow.StaffActor(user));
        var outcome = await workflow.RunAsync(row, fund, request.Version, command, TransitionEffects.None, ct);
        return await workflow.SummaryAsync(outcome, fund, ct);
    }
}

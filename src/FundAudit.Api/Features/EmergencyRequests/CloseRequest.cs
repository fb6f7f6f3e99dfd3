using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/close: closes a disbursed, declined or withdrawn case; its personal data is purged
/// later by <see cref="PurgePersonalDataJob"/>.
/// </summary>
internal static class CloseRequest
{
    public static async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(string reference,
        Decisions.VersionedRequest request, ClaimsPrincipal user, RequestWorkflow workflow, CancellationToken ct)
    {
        if (await workflow.FindAsync(user.FunderId(), reference, ct) is not var (row, fund))
        {
            return EmergencyProblems.RequestNotFound();
        }

        var command = new RequestCommand(RequestAction.Close, RequestWorkflow.StaffActor(user));
        var outcome = await workflow.RunAsync(row, fund, request.Version, command, TransitionEffects.None, ct);
        return await workflow.SummaryAsync(outcome, fund, ct);
    }
}

using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>POST /api/requests/{reference}/decline: declines the request with a reason (kept encrypted).</summary>
internal static class DeclineRequest
{
    public static async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(string reference,
        Decisions.DeclineRequest request, ClaimsPrincipal user, RequestWorkflow workflow, SensitiveFields sensitive,
        CancellationToken ct)
    {
        if (await workflow.FindAsync(user.FunderId(), reference, ct) is not var (row, fund))
        {
            return EmergencyProblems.RequestNotFound();
        }

        var command = new RequestCommand(RequestAction.Decline, RequestWorkflow.StaffActor(user),
            Reason: request.Reason);
        var effects = new TransitionEffects(DeclineReasonProtected: sensitive.Protect(request.Reason?.Trim()));
        var outcome = await workflow.RunAsync(row, fund, request.Version, command, effects, ct);
        return await workflow.SummaryAsync(outcome, fund, ct);
    }

    public sealed class Validator : AbstractValidator<Decisions.DeclineRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
            RuleFor(r => r.Reason).NotEmpty().WithMessage("A reason is required.")
                .MaximumLength(4000).WithMessage("At most 4000 characters.");
        }
    }
}

using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>POST /api/requests/{reference}/decline: declines the request with a reason (kept encrypted).</summary>
internal static class DeclineRequest
{
    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(
        string reference,
        Decisions.DeclineRequest request,
        ClaimsPrincipal user,
        RequestWorkflow workflow,
        SensitiveFields sensitive,
        CancellationToken ct
    ) =>
        workflow.StaffTransitionAsync(
            user,
            reference,
            request.Version,
            (_, staff) =>
                (
                    new RequestCommand(RequestAction.Decline, staff, Reason: request.Reason),
                    new TransitionEffects(DeclineReasonProtected: sensitive.Protect(request.Reason?.Trim()))
                ),
            ct
        );

    public sealed class Validator : AbstractValidator<Decisions.DeclineRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
            RuleFor(r => r.Reason)
                .NotEmpty()
                .WithMessage("A reason is required.")
                .MaximumLength(4000)
                .WithMessage("At most 4000 characters.");
        }
    }
}

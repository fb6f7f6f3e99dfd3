using FundAudit.Core.EmergencyRequests;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/approve: approves an amount up to the fund's maximum; above the fund's threshold a
/// second, different approver confirms it.
/// </summary>
internal static class ApproveRequest
{
    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(
        string reference,
        Decisions.ApproveRequest request,
        ClaimsPrincipal user,
        RequestWorkflow workflow,
        CancellationToken ct
    ) =>
        workflow.StaffTransitionAsync(
            user,
            reference,
            request.Version,
            (fund, staff) =>
            {
                long? minor = null;
                if (request.Amount is { } amount)
                {
                    // More decimals than the currency allows cannot be a valid grant: treat as not positive (422).
                    minor = MinorUnits.TryFromDecimal(amount, fund.Currency, out var m) ? m : 0;
                }

                return (new RequestCommand(RequestAction.Approve, staff, minor), TransitionEffects.None);
            },
            ct
        );

    public sealed class Validator : AbstractValidator<Decisions.ApproveRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
            RuleFor(r => r.Amount).GreaterThan(0).WithMessage("The amount must be more than zero.");
        }
    }
}

using FundAudit.Core.EmergencyRequests;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/approve: approves an amount up to the fund's maximum; above the fund's threshold a
/// second, different approver confirms it.
/// </summary>
internal sealed class ApproveRequest : IStaffTransition<Decisions.ApproveRequest>
{
    public static (RequestCommand, TransitionEffects) Decide(Decisions.ApproveRequest body, StaffContext context)
    {
        long? minor = null;
        if (body.Amount is { } amount)
        {
            // More decimals than the currency allows cannot be a valid grant: treat as not positive (422).
            minor = MinorUnits.TryFromDecimal(amount, context.Fund.Currency, out var m) ? m : 0;
        }

        return (new RequestCommand(RequestAction.Approve, context.Staff, minor), TransitionEffects.None);
    }

    public sealed class Validator : VersionedBodyValidator<Decisions.ApproveRequest>
    {
        public Validator() => RuleFor(r => r.Amount).GreaterThan(0).WithText("Amount_Positive");
    }
}

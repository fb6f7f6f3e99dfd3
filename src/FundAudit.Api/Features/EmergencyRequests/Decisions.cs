using System.Security.Claims;
using FluentValidation;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Core.EmergencyRequests;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>The officers' transitions: acknowledge, ask, approve, decline, close. Each carries the version the officer saw.</summary>
internal static class Decisions
{
    /// <param name="Version">The request's version as last read (a stale version gives 409).</param>
    public sealed record VersionedRequest(int? Version);

    /// <param name="Version">The request's version as last read.</param>
    /// <param name="Question">What the fund needs to know; the decision clock pauses until the answer.</param>
    public sealed record AskRequest(int? Version, string? Question);

    /// <param name="Version">The request's version as last read.</param>
    /// <param name="Amount">In the fund's currency; at most the fund's maximum. A second approval may omit it.</param>
    public sealed record ApproveRequest(int? Version, decimal? Amount);

    /// <param name="Version">The request's version as last read.</param>
    /// <param name="Reason">Why (kept encrypted; purged with the case).</param>
    public sealed record DeclineRequest(int? Version, string? Reason);

    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> AcknowledgeAsync(string reference, VersionedRequest request, ClaimsPrincipal user,
        EmergencyStore store, RequestWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
        RunAsync(reference, request.Version, user, store, workflow, clock, (actor, _) => new RequestCommand(RequestAction.Acknowledge, actor), null, ct);

    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> AskAsync(string reference, AskRequest request, ClaimsPrincipal user,
        EmergencyStore store, RequestWorkflow workflow, SensitiveFields sensitive, TimeProvider clock, CancellationToken ct) =>
        RunAsync(reference, request.Version, user, store, workflow, clock, (actor, _) => new RequestCommand(RequestAction.AskForInformation, actor),
            (r, now) => (c, tx) => EmergencyStore.AddMessageAsync(c, tx, r.FunderId, r.Id, "question", sensitive.Protect(request.Question!.Trim())!,
                user.PersonId(), now), ct);

    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> ApproveAsync(string reference, ApproveRequest request, ClaimsPrincipal user,
        EmergencyStore store, RequestWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
        RunAsync(reference, request.Version, user, store, workflow, clock, (actor, fund) =>
        {
            long? minor = null;
            if (request.Amount is { } amount)
            {
                // More decimals than the currency allows cannot be a valid grant: treat as not positive (422).
                minor = MinorUnits.TryFromDecimal(amount, fund.Currency, out var m) ? m : 0;
            }

            return new RequestCommand(RequestAction.Approve, actor, minor);
        }, null, ct);

    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> DeclineAsync(string reference, DeclineRequest request, ClaimsPrincipal user,
        EmergencyStore store, RequestWorkflow workflow, SensitiveFields sensitive, TimeProvider clock, CancellationToken ct) =>
        RunAsync(reference, request.Version, user, store, workflow, clock, (actor, _) => new RequestCommand(RequestAction.Decline, actor, Reason: request.Reason),
            (r, _) =>
            {
                r.DeclineReasonProtected = sensitive.Protect(request.Reason?.Trim());
                return null;
            }, ct);

    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> CloseAsync(string reference, VersionedRequest request, ClaimsPrincipal user,
        EmergencyStore store, RequestWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
        RunAsync(reference, request.Version, user, store, workflow, clock, (actor, _) => new RequestCommand(RequestAction.Close, actor), null, ct);

    public static async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> RunAsync(string reference, int? version, ClaimsPrincipal user,
        EmergencyStore store, RequestWorkflow workflow, TimeProvider clock, Func<Actor, FundRow, RequestCommand> command,
        Func<RequestRow, DateTimeOffset, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task>?>? extra, CancellationToken ct)
    {
        var funderId = user.FunderId();
        if (await store.FindRequestAsync(funderId, reference, ct) is not { } row || await store.FindFundAsync(row.FundId, ct) is not { } fund)
        {
            return EmergencyProblems.RequestNotFound();
        }

        var outcome = await workflow.RunAsync(row, fund, version, command(RequestWorkflow.StaffActor(user), fund), extra, ct);
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(RequestSummary.From(outcome.Request!, fund, await store.TimersAsync(row.Id, ct), clock.GetUtcNow()));
    }

    public sealed class VersionValidator : AbstractValidator<VersionedRequest>
    {
        public VersionValidator() => RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
    }

    public sealed class AskValidator : AbstractValidator<AskRequest>
    {
        public AskValidator()
        {
            RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
            RuleFor(r => r.Question).NotEmpty().WithMessage("A question is required.").MaximumLength(4000).WithMessage("At most 4000 characters.");
        }
    }

    public sealed class ApproveValidator : AbstractValidator<ApproveRequest>
    {
        public ApproveValidator()
        {
            RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
            RuleFor(r => r.Amount).GreaterThan(0).WithMessage("The amount must be more than zero.");
        }
    }

    public sealed class DeclineValidator : AbstractValidator<DeclineRequest>
    {
        public DeclineValidator()
        {
            RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
            RuleFor(r => r.Reason).NotEmpty().WithMessage("A reason is required.").MaximumLength(4000).WithMessage("At most 4000 characters.");
        }
    }
}

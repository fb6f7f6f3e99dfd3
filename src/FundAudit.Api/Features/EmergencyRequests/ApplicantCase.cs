using FluentValidation;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>The coarse status the applicant sees.</summary>
internal static class ApplicantStatus
{
    public static string Of(RequestState state) => state switch
    {
        RequestState.Submitted => "received",
        RequestState.Acknowledged or RequestState.AwaitingSecondApproval => "under_review",
        RequestState.AwaitingApplicant => "question",
        RequestState.Approved => "approved",
        RequestState.Declined => "declined",
        RequestState.Disbursed => "sent",
        RequestState.Closed => "closed",
        _ => "withdrawn",
    };
}

/// <summary>Finds the request behind a case code; a mistyped, unknown or purged code gives the same "not found".</summary>
internal sealed class CaseLookup(EmergencyStore store, CaseCodeHasher hasher)
{
    public async Task<(RequestRow Request, FundRow Fund)?> FindAsync(string? typed, CancellationToken ct)
    {
        if (!CaseCode.TryParse(typed, out var code))
        {
            return null;
        }

        var request = await store.FindRequestByCodeHashAsync(await hasher.HashAsync(code, ct), ct);
        if (request is null || await store.FindFundAsync(request.FundId, ct) is not { } fund)
        {
            return null;
        }

        return (request, fund);
    }
}

/// <summary>POST /api/requests/status, anonymous: the coarse status and any open question, for the holder of the case code.</summary>
internal static class CheckRequestStatus
{
    public sealed record Request(string? CaseCode);

    /// <param name="Status">received, under_review, question, approved, declined, sent, closed or withdrawn.</param>
    /// <param name="Question">The fund's open question, when the status is <c>question</c>.</param>
    public sealed record Response(string Reference, string Fund, string Status, string? Question, DateTimeOffset SubmittedAt, bool CanAnswer, bool CanWithdraw);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(Request request, CaseLookup cases, EmergencyStore store,
        SensitiveFields sensitive, TimeProvider clock, CancellationToken ct)
    {
        if (await cases.FindAsync(request.CaseCode, ct) is not var (row, fund))
        {
            return EmergencyProblems.CaseNotFound();
        }

        return TypedResults.Ok(await ToResponseAsync(row, fund, store, sensitive, clock, ct));
    }

    public static async Task<Response> ToResponseAsync(RequestRow row, FundRow fund, EmergencyStore store, SensitiveFields sensitive, TimeProvider clock,
        CancellationToken ct)
    {
        var state = RequestWorkflow.ParseState(row.State);
        string? question = null;
        if (state == RequestState.AwaitingApplicant)
        {
            var last = (await store.MessagesAsync(row.Id, ct)).LastOrDefault(m => m.Kind == "question");
            question = sensitive.Unprotect(last?.BodyProtected);
            await store.LogAccessAsync(row.FunderId, row.Id, RequestWorkflow.ApplicantActor(row).Id, "question", clock.GetUtcNow(), ct);
        }

        var applicant = RequestWorkflow.ApplicantActor(row);
        var allowed = RequestStateMachine.AllowedActions(state, applicant.Role);
        return new Response(row.Reference, fund.Name, ApplicantStatus.Of(state), question, row.SubmittedAt,
            allowed.Contains(RequestAction.AnswerQuestion), allowed.Contains(RequestAction.Withdraw));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.CaseCode).NotEmpty().WithMessage("The case code is required.").MaximumLength(200).WithMessage("Too long for a case code.");
    }
}

/// <summary>POST /api/requests/answer, anonymous: the applicant answers the fund's question; the decision clock resumes.</summary>
internal static class AnswerQuestion
{
    public sealed record Request(string? CaseCode, string? Answer);

    public static async Task<Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>> HandleAsync(Request request, CaseLookup cases,
        RequestWorkflow workflow, EmergencyStore store, SensitiveFields sensitive, TimeProvider clock, CancellationToken ct)
    {
        if (await cases.FindAsync(request.CaseCode, ct) is not var (row, fund))
        {
            return EmergencyProblems.CaseNotFound();
        }

        var actor = RequestWorkflow.ApplicantActor(row);
        var outcome = await workflow.RunAsync(row, fund, null, new RequestCommand(RequestAction.AnswerQuestion, actor),
            (r, now) => (c, tx) => EmergencyStore.AddMessageAsync(c, tx, r.FunderId, r.Id, "answer", sensitive.Protect(request.Answer!.Trim())!, actor.Id, now), ct);
        return outcome.Problem ?? (Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>)TypedResults.Ok(
            await CheckRequestStatus.ToResponseAsync(outcome.Request!, fund, store, sensitive, clock, ct));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.CaseCode).NotEmpty().WithMessage("The case code is required.").MaximumLength(200).WithMessage("Too long for a case code.");
            RuleFor(r => r.Answer).NotEmpty().WithMessage("An answer is required.").MaximumLength(4000).WithMessage("At most 4000 characters.");
        }
    }
}

/// <summary>POST /api/requests/withdraw, anonymous: the applicant withdraws the request (any time before the money is sent).</summary>
internal static class WithdrawRequest
{
    public sealed record Request(string? CaseCode);

    public static async Task<Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>> HandleAsync(Request request, CaseLookup cases,
        RequestWorkflow workflow, EmergencyStore store, SensitiveFields sensitive, TimeProvider clock, CancellationToken ct)
    {
        if (await cases.FindAsync(request.CaseCode, ct) is not var (row, fund))
        {
            return EmergencyProblems.CaseNotFound();
        }

        var outcome = await workflow.RunAsync(row, fund, null, new RequestCommand(RequestAction.Withdraw, RequestWorkflow.ApplicantActor(row)), null, ct);
        return outcome.Problem ?? (Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>)TypedResults.Ok(
            await CheckRequestStatus.ToResponseAsync(outcome.Request!, fund, store, sensitive, clock, ct));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.CaseCode).NotEmpty().WithMessage("The case code is required.").MaximumLength(200).WithMessage("Too long for a case code.");
    }
}

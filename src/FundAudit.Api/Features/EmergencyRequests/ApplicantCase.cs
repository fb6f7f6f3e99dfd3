using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>The coarse status the applicant sees.</summary>
internal static class ApplicantStatus
{
    public static string Of(RequestState state) =>
        state switch
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

/// <summary>Finds the request behind a case code; a mistyped, unknown or purged code gives the same "not
/// found".</summary>
internal sealed class CaseLookup(ApplicantStore applicants, FundStore funds, CaseCodeHasher hasher)
{
    public async Task<(RequestRow Request, FundRow Fund)?> FindAsync(string? typed, CancellationToken ct)
    {
        if (!CaseCode.TryParse(typed, out var code))
        {
            return null;
        }

        var request = await applicants.FindRequestAsync(await hasher.HashAsync(code, ct), ct);
        if (request is null || await funds.FindAsync(request.FunderId, request.FundId, ct) is not { } fund)
        {
            return null;
        }

        return (request, fund);
    }

    /// <summary>A fund by its public slug, for the anonymous form and status pages.</summary>
    public Task<FundRow?> FindFundAsync(string slug, CancellationToken ct) => applicants.FindFundAsync(slug, ct);
}

/// <summary>POST /api/requests/status, anonymous: the coarse status and any open question, for the holder of the case
/// code.</summary>
internal static class CheckRequestStatus
{
    public sealed record Request(string? CaseCode);

    /// <param name="Status">received, under_review, question, approved, declined, sent, closed or withdrawn.</param>
    /// <param name="Question">The fund's open question, when the status is <c>question</c>.</param>
    /// <param name="Reference">The public reference of the request.</param>
    /// <param name="Fund">The fund's name.</param>
    /// <param name="SubmittedAt">When the request was submitted.</param>
    /// <param name="CanAnswer">The applicant may answer the open question now.</param>
    /// <param name="CanWithdraw">The applicant may withdraw the request now.</param>
    public sealed record Response(
        string Reference,
        string Fund,
        string Status,
        string? Question,
        DateTimeOffset SubmittedAt,
        bool CanAnswer,
        bool CanWithdraw
    );

    public static Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        Request request,
        [FromServices] ApplicantCaseReader reader,
        CancellationToken ct
    ) => reader.StatusAsync(request.CaseCode, ct);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.CaseCode).CaseCode();
    }
}

/// <summary>
/// The case as its applicant sees it: the coarse status, the open question (reading it is written to the access log)
/// and what the applicant may do.
/// </summary>
internal sealed class ApplicantCaseReader(
    RequestStore requests,
    PaymentStore access,
    CaseKeys caseKeys,
    CaseLookup cases,
    RequestWorkflow workflow,
    TimeProvider clock
)
{
    /// <summary>The case found by its code as its applicant sees it, or 404 when there is none.</summary>
    public async Task<Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>> StatusAsync(
        string? caseCode,
        CancellationToken ct
    )
    {
        if (await cases.FindAsync(caseCode, ct) is not var (row, fund))
        {
            return EmergencyProblems.CaseNotFound();
        }

        return TypedResults.Ok(await ToResponseAsync(row, fund, ct));
    }

    public async Task<CheckRequestStatus.Response> ToResponseAsync(RequestRow row, FundRow fund, CancellationToken ct)
    {
        var state = RequestWorkflow.ParseState(row.State);
        string? question = null;
        if (state == RequestState.AwaitingApplicant)
        {
            var messages = await requests.MessagesAsync(row.FunderId, row.Id, ct);
            question = (await caseKeys.ForAsync(row, ct)).Unprotect(
                messages.LastOrDefault(m => m.Kind == "question")?.BodyProtected,
                CaseField.Message("question")
            );
            await access.LogApplicantReadAsync(
                row.FunderId,
                row.Id,
                RequestWorkflow.ApplicantActor(row).Id,
                "question",
                clock.GetUtcNow(),
                ct
            );
        }

        var applicant = RequestWorkflow.ApplicantActor(row);
        var allowed = RequestStateMachine.AllowedActions(state, applicant.Role);
        return new CheckRequestStatus.Response(
            row.Reference,
            fund.Name,
            ApplicantStatus.Of(state),
            question,
            row.SubmittedAt,
            allowed.Contains(RequestAction.AnswerQuestion),
            allowed.Contains(RequestAction.Withdraw)
        );
    }

    /// <summary>
    /// An applicant's transition (answer, withdraw): finds the case by its code (404 when there is none), runs the
    /// command <paramref name="decide"/> makes for the applicant, answers the case as the applicant now sees it.
    /// </summary>
    public async Task<Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>> TransitionAsync(
        string? caseCode,
        Func<Actor, CaseCipher, (RequestCommand, TransitionEffects)> decide,
        CancellationToken ct
    )
    {
        if (await cases.FindAsync(caseCode, ct) is not var (row, fund))
        {
            return EmergencyProblems.CaseNotFound();
        }

        var cipher = await caseKeys.ForAsync(row, ct);
        if (cipher.IsShredded)
        {
            return EmergencyProblems.CaseNotFound();
        }

        var (command, effects) = decide(RequestWorkflow.ApplicantActor(row), cipher);
        var outcome = await workflow.RunAsync(row, fund, null, command, effects, ct);
        return outcome.Problem
            ?? (Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>)
                TypedResults.Ok(await ToResponseAsync(outcome.Request!, fund, ct));
    }
}

/// <summary>The rule every case-code body checks.</summary>
internal static class CaseCodeRules
{
    /// <summary>Required, at most 200 characters ("Too long for a case code.").</summary>
    public static IRuleBuilderOptions<T, string?> CaseCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty()
            .WithMessage("The case code is required.")
            .MaximumLength(200)
            .WithMessage("Too long for a case code.");
}

/// <summary>POST /api/requests/answer, anonymous: the applicant answers the fund's question; the decision clock
/// resumes.</summary>
internal static class AnswerQuestion
{
    public sealed record Request(string? CaseCode, string? Answer);

    public static Task<Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>> HandleAsync(
        Request request,
        [FromServices] ApplicantCaseReader reader,
        CancellationToken ct
    ) =>
        reader.TransitionAsync(
            request.CaseCode,
            (actor, cipher) =>
            {
                var answer = new NewMessage(
                    "answer",
                    cipher.Protect(request.Answer!.Trim(), CaseField.Message("answer"))!,
                    actor.Id
                );
                return (new RequestCommand(RequestAction.AnswerQuestion, actor), new(Message: answer));
            },
            ct
        );

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.CaseCode).CaseCode();
            RuleFor(r => r.Answer).RequiredText("Applicant_AnswerRequired", 4000);
        }
    }
}

/// <summary>POST /api/requests/withdraw, anonymous: the applicant withdraws the request (any time before the money is
/// sent).</summary>
internal static class WithdrawRequest
{
    public sealed record Request(string? CaseCode);

    public static Task<Results<Ok<CheckRequestStatus.Response>, ProblemHttpResult>> HandleAsync(
        Request request,
        [FromServices] ApplicantCaseReader reader,
        CancellationToken ct
    ) =>
        reader.TransitionAsync(
            request.CaseCode,
            (actor, _) => (new RequestCommand(RequestAction.Withdraw, actor), TransitionEffects.None),
            ct
        );

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.CaseCode).CaseCode();
    }
}

using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/questions: asks the applicant for information. The question is stored encrypted and
/// the decision clock pauses until the applicant answers (<see cref="AnswerQuestion"/>).
/// </summary>
internal static class AskApplicant
{
    public static async Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(string reference,
        Decisions.AskRequest request, ClaimsPrincipal user, RequestWorkflow workflow, SensitiveFields sensitive,
        CancellationToken ct)
    {
        if (await workflow.FindAsync(user.FunderId(), reference, ct) is not var (row, fund))
        {
            return EmergencyProblems.RequestNotFound();
        }

        var command = new RequestCommand(RequestAction.AskForInformation, RequestWorkflow.StaffActor(user));
        var question = new NewMessage("question", sensitive.Protect(request.Question!.Trim())!, user.PersonId());
        var outcome = await workflow.RunAsync(row, fund, request.Version, command, new(Message: question), ct);
        return await workflow.SummaryAsync(outcome, fund, ct);
    }

    public sealed class Validator : AbstractValidator<Decisions.AskRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
            RuleFor(r => r.Question).NotEmpty().WithMessage("A question is required.")
                .MaximumLength(4000).WithMessage("At most 4000 characters.");
        }
    }
}

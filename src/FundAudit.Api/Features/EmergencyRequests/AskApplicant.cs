using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/questions: asks the applicant for information. The question is stored encrypted and
/// the decision clock pauses until the applicant answers (<see cref="AnswerQuestion"/>).
/// </summary>
internal static class AskApplicant
{
    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(
        string reference,
        Decisions.AskRequest request,
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
            {
                var question = new NewMessage(
                    "question",
                    sensitive.Protect(request.Question!.Trim())!,
                    user.PersonId()
                );
                var command = new RequestCommand(RequestAction.AskForInformation, staff);
                return (command, new TransitionEffects(Message: question));
            },
            ct
        );

    public sealed class Validator : AbstractValidator<Decisions.AskRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Version).NotNull().WithMessage("The version you last read is required.").GreaterThan(0);
            RuleFor(r => r.Question)
                .NotEmpty()
                .WithMessage("A question is required.")
                .MaximumLength(4000)
                .WithMessage("At most 4000 characters.");
        }
    }
}

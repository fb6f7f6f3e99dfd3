using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// POST /api/requests/{reference}/questions: asks the applicant for information. The question is stored encrypted and
/// the decision clock pauses until the applicant answers (<see cref="AnswerQuestion"/>).
/// </summary>
internal sealed class AskApplicant : IStaffTransition<Decisions.AskRequest>
{
    /// <summary>It encrypts with the case key.</summary>
    public static bool WritesSensitiveFields => true;

    public static (RequestCommand, TransitionEffects) Decide(Decisions.AskRequest body, StaffContext context)
    {
        var question = new NewMessage(
            "question",
            context.Case.Protect(body.Question!.Trim(), CaseField.Message("question"))!,
            context.Staff.Id
        );
        return (
            new RequestCommand(RequestAction.AskForInformation, context.Staff),
            new TransitionEffects(Message: question)
        );
    }

    public sealed class Validator : VersionedBodyValidator<Decisions.AskRequest>
    {
        public Validator() => RuleFor(r => r.Question).RequiredText("Request_QuestionRequired", 4000);
    }
}

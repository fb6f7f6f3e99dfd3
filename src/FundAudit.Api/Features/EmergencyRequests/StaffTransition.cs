using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// One officer transition (<see cref="AcknowledgeRequest"/>, <see cref="AskApplicant"/>, <see cref="ApproveRequest"/>,
/// <see cref="DeclineRequest"/>, <see cref="CloseRequest"/>, <see cref="RecordPaymentDetails"/>): what it asks of the
/// state machine and what it writes besides, decided from its body, the request's fund and the officer.
/// </summary>
/// <typeparam name="TBody">The transition's body, with the version the officer last read.</typeparam>
internal interface IStaffTransition<in TBody>
    where TBody : IVersionedBody
{
    /// <summary>The command and the effects to store with it.</summary>
    static abstract (RequestCommand Command, TransitionEffects Effects) Decide(TBody body, StaffContext context);

    /// <summary>
    /// True for a transition that encrypts something with the case key (<see cref="StaffContext.Case"/>): only then is
    /// the key read and opened.
    /// </summary>
    static virtual bool WritesSensitiveFields => false;
}

/// <summary>What a transition decides with besides its body.</summary>
/// <param name="Fund">The request's fund (currency, maximum).</param>
/// <param name="Staff">The officer acting, in their key's role.</param>
/// <param name="Case">Encrypts what the effects keep (questions, reasons, payment details) with the case key.</param>
internal sealed record StaffContext(FundRow Fund, Actor Staff, CaseCipher Case);

/// <summary>A transition's body: the request's version as the officer last read it (a stale one gives 409).</summary>
internal interface IVersionedBody
{
    /// <summary>The request's version as last read.</summary>
    int? Version { get; }
}

/// <summary>The one handler of every officer transition, for the API and the console's forms.</summary>
/// <typeparam name="TTransition">The transition.</typeparam>
/// <typeparam name="TBody">Its body.</typeparam>
internal static class StaffTransition<TTransition, TBody>
    where TTransition : IStaffTransition<TBody>
    where TBody : IVersionedBody
{
    /// <summary>
    /// POST (or PUT) /api/requests/{reference}/…: finds the funder's request (404 when it has none), runs the
    /// transition's command under the version check and answers with the request's summary.
    /// </summary>
    public static Task<Results<Ok<RequestSummary>, ProblemHttpResult>> HandleAsync(
        string reference,
        TBody request,
        ClaimsPrincipal user,
        [FromServices] RequestWorkflow workflow,
        CancellationToken ct
    ) =>
        workflow.StaffTransitionAsync(
            user,
            reference,
            request.Version,
            TTransition.WritesSensitiveFields,
            (fund, staff, cipher) => TTransition.Decide(request, new StaffContext(fund, staff, cipher)),
            ct
        );
}

/// <summary>Checks the version every transition's body carries; a transition's own validator adds its fields.</summary>
/// <typeparam name="TBody">The transition's body.</typeparam>
internal class VersionedBodyValidator<TBody> : AbstractValidator<TBody>
    where TBody : IVersionedBody
{
    public VersionedBodyValidator() => RuleFor(r => r.Version).NotNull().WithText("Request_Version").GreaterThan(0);
}

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// The bodies of the officers' decisions, each carrying the version the officer saw. They stay nested here because
/// their names are the API's schema names (DecisionsVersionedRequest, DecisionsAskRequest, …); the transitions that
/// take them are <see cref="AcknowledgeRequest"/>, <see cref="AskApplicant"/>,
/// <see cref="EmergencyRequests.ApproveRequest"/>, <see cref="EmergencyRequests.DeclineRequest"/> and
/// <see cref="CloseRequest"/>.
/// </summary>
internal static class Decisions
{
    /// <param name="Version">The request's version as last read (a stale version gives 409).</param>
    public sealed record VersionedRequest(int? Version) : IVersionedBody;

    /// <param name="Version">The request's version as last read.</param>
    /// <param name="Question">What the fund needs to know; the decision clock pauses until the answer.</param>
    public sealed record AskRequest(int? Version, string? Question) : IVersionedBody;

    /// <param name="Version">The request's version as last read.</param>
    /// <param name="Amount">In the fund's currency; at most the fund's maximum. A second approval may omit it.</param>
    public sealed record ApproveRequest(int? Version, decimal? Amount) : IVersionedBody;

    /// <param name="Version">The request's version as last read.</param>
    /// <param name="Reason">Why (kept encrypted; purged with the case).</param>
    public sealed record DeclineRequest(int? Version, string? Reason) : IVersionedBody;

    /// <summary>The version alone (acknowledge, close).</summary>
    public sealed class VersionValidator : VersionedBodyValidator<VersionedRequest>;
}

namespace FundAudit.Api.Features.People;

/// <summary>
/// What other features (the console's people, invitation and self-seizure pages) ask of people and their second
/// factors, so that the caller never reaches their stores. A staff caller's reads and changes are for the caller's
/// funder only; the invitation's steps act for the invitation's own funder and person (its one-time link is the
/// credential, checked by <see cref="Invitations.FindOpenAsync"/> before).
/// </summary>
internal sealed class PeopleUseCases(
    PeopleStore people,
    FactorStore factors,
    TimeProvider clock,
    ILogger<SeizePerson.Response> seizeLogger,
    ILogger<FactorStore> selfSeizeLogger
)
{
    /// <summary>The caller's funder's people.</summary>
    public Task<List<PersonRow>> ListAsync(ClaimsPrincipal user, CancellationToken ct) =>
        people.ListAsync(user.FunderId(), ct);

    /// <summary>One person of the caller's funder, or null.</summary>
    public Task<PersonRow?> FindAsync(ClaimsPrincipal user, long id, CancellationToken ct) =>
        people.FindAsync(user.FunderId(), id, ct);

    /// <summary>POST /api/people/{id}/seize: the number of sessions ended, or null when the caller's funder has no
    /// such person.</summary>
    public async Task<int?> SeizeAsync(ClaimsPrincipal user, long id, CancellationToken ct) =>
        (await SeizePerson.HandleAsync(id, user, people, factors, clock, seizeLogger, ct)).Result
            is Ok<SeizePerson.Response> { Value: { } seized }
            ? seized.SessionsEnded
            : null;

    /// <summary>The invited person's password (after <see cref="PasswordRules.Problem"/> found none).</summary>
    public Task SetPasswordAsync(InvitationRow invitation, string password, CancellationToken ct) =>
        people.SetPasswordHashAsync(
            invitation.FunderId,
            invitation.PersonId,
            PasswordRules.Hash(password),
            clock.GetUtcNow(),
            ct
        );

    /// <summary>Finishes an enrolment with the recovery codes' hashes (see
    /// <see cref="FactorStore.CompleteEnrolmentAsync"/>): false when it was too late.</summary>
    public Task<bool> CompleteEnrolmentAsync(
        Enrolment enrolment,
        IReadOnlyList<string> codeHashes,
        CancellationToken ct
    ) => factors.CompleteEnrolmentAsync(enrolment, codeHashes, ct);

    /// <summary>The invitation's person.</summary>
    public Task<PersonRow?> InvitedPersonAsync(InvitationRow invitation, CancellationToken ct) =>
        people.FindAsync(invitation.FunderId, invitation.PersonId, ct);

    /// <summary>
    /// A person's own seizure with their email and one of their recovery codes: every session, factor and code
    /// revoked. Says nothing of whether the email or the code exists.
    /// </summary>
    public async Task SeizeSelfAsync(string email, string recoveryCode, CancellationToken ct)
    {
        var owner = await factors.FindCodeOwnerAsync(
            PeopleStore.EmailKey(email),
            SecondFactors.HashRecoveryCode(recoveryCode),
            ct
        );
        if (owner is { } found)
        {
            var (funderId, personId) = found;
            await factors.SeizeAsync(funderId, personId, clock.GetUtcNow(), ct);
            selfSeizeLogger.LogInformation(
                "Person {PersonId} of funder {FunderId} seized themselves",
                personId,
                funderId
            );
        }
    }
}

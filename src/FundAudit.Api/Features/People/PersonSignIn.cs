namespace FundAudit.Api.Features.People;

/// <summary>What a sign-in attempt came to: the person, or a refusal, or a wait imposed by the backoff.</summary>
internal sealed record SignInResult(PersonRow? Person, TimeSpan Wait);

/// <summary>
/// Sign-in: email, password and a second factor (a TOTP code, accepted once, or an unused recovery code). Each
/// failure counts against the account and the address (<see cref="SignInThrottle"/>); while a wait is running no
/// password is even checked. An unknown email costs as long as a known one (the password is checked against a
/// decoy hash).
/// </summary>
internal sealed class PersonSignIn(
    PeopleStore people,
    SecondFactors factors,
    SignInThrottle throttle,
    TimeProvider clock
)
{
    public async Task<SignInResult> CheckAsync(
        string? email,
        string? password,
        string? code,
        string? address,
        CancellationToken ct
    )
    {
        var typed = (email ?? "").Trim();
        if (typed.Length is 0 or > 320)
        {
            return new SignInResult(null, TimeSpan.Zero);
        }

        var now = clock.GetUtcNow();
        var wait = await throttle.WaitAsync(typed, address, now, ct);
        if (wait > TimeSpan.Zero)
        {
            return new SignInResult(null, wait);
        }

        // One email may be a person of several funders (a consultant): the one whose password and factor both match.
        var candidates = await people.FindActiveByEmailAsync(typed, ct);
        if (candidates.Count == 0)
        {
            PasswordRules.Verify(null, password);
        }

        PersonRow? person = null;
        foreach (var candidate in candidates.Where(c => PasswordRules.Verify(c.PasswordHash, password)))
        {
            if (await factors.VerifyAsync(candidate.FunderId, candidate.Id, code, ct))
            {
                person = candidate;
                break;
            }
        }

        if (person is null)
        {
            await throttle.FailedAsync(typed, address, now, ct);
            return new SignInResult(null, TimeSpan.Zero);
        }

        await throttle.SucceededAsync(typed, ct);
        return new SignInResult(person, TimeSpan.Zero);
    }
}

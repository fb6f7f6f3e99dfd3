namespace FundAudit.Api.Features.People;

/// <summary>
/// Step-up for API keys (issue 16): administrative changes (people, role grants, fund memberships, keys, single
/// sign-on, the integration switch) made with an API key need the key OWNER's current TOTP code in the
/// <see cref="Header"/> header. A code is accepted once (the factor's time step must advance, as at sign-in); wrong
/// codes count against the owner's account and the client address in the sign-in backoff
/// (<see cref="SignInThrottle"/>), and while its wait runs no code is checked. Console sessions are not concerned
/// (they have their own step-up).
/// </summary>
internal sealed class KeyStepUp(
    PeopleStore people,
    SecondFactors factors,
    SignInThrottle throttle,
    TimeProvider clock,
    ILogger<KeyStepUp> logger
)
{
    public const string Header = "X-FundAudit-Step-Up";

    public const string Missing =
        "Administrative changes made with an API key need the key owner's current authenticator (TOTP) code in the "
        + "'"
        + Header
        + "' header (6 digits; each code is accepted once).";

    /// <summary>Null when the call may go on; else the problem to answer (403, or 429 while a wait runs).</summary>
    public async Task<IResult?> CheckAsync(HttpContext http)
    {
        var (user, ct) = (http.User, http.RequestAborted);
        var code = http.Request.Headers[Header].ToString();
        var address = http.Connection.RemoteIpAddress?.ToString();
        var funderId = user.FunderId();
        if (user.StaffPersonId() is not { } ownerId || await people.FindAsync(funderId, ownerId, ct) is not { } owner)
        {
            return Refuse("This key has no owner whose second factor could confirm the change.");
        }

        if (!await factors.HasTotpAsync(funderId, ownerId, ct))
        {
            return Refuse(
                $"This key's owner (person {ownerId}) has no authenticator enrolled, so no code can confirm the "
                    + "change: the owner opens an invitation (POST /api/people/{id}/invitations) and enrols, or "
                    + "the change is made with a key of a person who has one, or in the console."
            );
        }

        if (string.IsNullOrWhiteSpace(code))
        {
            return Refuse(Missing);
        }

        var now = clock.GetUtcNow();
        var wait = await throttle.WaitAsync(owner.Email, address, now, ct);
        if (wait > TimeSpan.Zero)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return ProblemText.Problem(
                StatusCodes.Status429TooManyRequests,
                "Title_TooManyWrongCodes",
                "Use_StepUpWait",
                seconds
            );
        }

        if (!await factors.VerifyTotpAsync(funderId, ownerId, code, ct))
        {
            await throttle.FailedAsync(owner.Email, address, now, ct);
            logger.LogWarning("A key's step-up code was refused for funder {FunderId}", funderId);
            return Refuse(
                "The code in '"
                    + Header
                    + "' is not the key owner's current authenticator code, or it was used already: wait for the "
                    + "next code."
            );
        }

        await throttle.SucceededAsync(owner.Email, ct);
        return null;
    }

    private static ProblemHttpResult Refuse(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Step-up required", detail: detail);
}

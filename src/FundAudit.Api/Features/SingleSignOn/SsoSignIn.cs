using FundAudit.Api.Features.Pages;
using FundAudit.Api.Features.Pages.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FundAudit.Api.Features.SingleSignOn;

/// <summary>Why a single sign-on was refused (logged as the code; the page says it in words).</summary>
internal enum SsoRefusal
{
    /// <summary>The ID token carried none of the accepted amr or acr values.</summary>
    NoSecondFactor,

    /// <summary>No person of the funder is linked to this subject, nor invited with its verified email.</summary>
    NotInvited,

    /// <summary>The token carried no subject, or the funder's provider was turned off meanwhile.</summary>
    Unusable,
}

/// <summary>
/// What happens once the OpenID Connect handler has validated the ID token (issuer, audience, lifetime, signature,
/// nonce, PKCE): the second factor is checked, the person is found by (issuer, subject) or linked by an invited,
/// verified email, and a console session is opened exactly as a password sign-in opens one. Every refusal and every
/// failure of the handler (a token from another issuer, for another client, expired, a lost correlation cookie) is a
/// console page that says what happened; nothing is stored for them.
/// </summary>
internal sealed class SsoSignInEvents(
    SsoSchemeCache cache,
    SsoStore store,
    ConsoleSessions sessions,
    SsoStepUp stepUp,
    TimeProvider clock,
    ILogger<SsoSignInEvents> logger
) : OpenIdConnectEvents
{
    public override Task RedirectToIdentityProvider(RedirectContext context)
    {
        if (cache.Find(context.Scheme.Name) is { AcrValues.Count: > 0 } row)
        {
            context.ProtocolMessage.AcrValues = string.Join(' ', row.AcrValues);
        }

        SsoStepUp.AskAgain(context);
        return Task.CompletedTask;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        var row = cache.Find(context.Scheme.Name);
        var token = context.SecurityToken;
        var subject = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub);
        context.HandleResponse();
        if (row is null || string.IsNullOrEmpty(subject) || subject.Length > 240)
        {
            await RefuseAsync(http, row, SsoRefusal.Unusable);
            return;
        }

        if (SsoStepUp.IsStepUp(context.Properties))
        {
            await stepUp.CompleteAsync(context, row, subject);
            return;
        }

        var secondFactor = SecondFactorGiven(context.Principal!, row);
        if (row.RequireSecondFactor && !secondFactor)
        {
            await RefuseAsync(http, row, SsoRefusal.NoSecondFactor);
            return;
        }

        var issuer = token.Issuer;
        var person = await FindOrLinkAsync(row.FunderId, issuer, subject, context.Principal!, ct);
        if (person is null)
        {
            await RefuseAsync(http, row, SsoRefusal.NotInvited);
            return;
        }

        var roles = person.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);
        await sessions.SignInPersonAsync(
            http,
            new PersonIdentity(person.FunderId, person.Id, person.DisplayName, roles),
            secondFactor,
            ct
        );
        logger.LogInformation(
            "Single sign-on: funder {FunderId}, person {PersonId} signed in.",
            row.FunderId,
            person.Id
        );

        // A page that moves on by itself, not a redirect: the console cookie is SameSite=Strict, and a browser does not
        // send it on a redirect that continues the provider's cross-site navigation.
        var home = roles.Length == 1 && roles[0] == Roles.Analyst ? "/app/portfolio" : "/app";
        await PageResult.Render<ConsoleSsoSignedIn>(new { Home = home }).ExecuteAsync(http);
    }

    public override async Task RemoteFailure(RemoteFailureContext context)
    {
        context.HandleResponse();
        var row = cache.Find(context.Scheme.Name);
        logger.LogWarning(
            "Single sign-on failed for funder {FunderId}: {Failure}.",
            row?.FunderId,
            context.Failure?.GetType().Name
        );
        await Failed(context.HttpContext).ExecuteAsync(context.HttpContext);
    }

    /// <summary>The page of a sign-in that could not be checked: nothing was changed.</summary>
    public static IResult Failed(HttpContext http) =>
        ConsoleRender.Message(
            http,
            "Single sign-on failed",
            "Your organisation's sign-in could not be checked (the answer was not valid for FundAudit, or it came"
                + " too late). Nothing was changed. Start again from your organisation's sign-in link; if it"
                + " happens again, tell your administrator.",
            StatusCodes.Status401Unauthorized
        );

    /// <summary>
    /// Sends the browser to the funder's provider; a provider whose discovery document cannot be read (unreachable, or
    /// at an address the service refuses to call) is the failure page, logged, rather than a 500.
    /// </summary>
    public static IResult Challenge(AuthenticationProperties properties, string scheme) =>
        new ChallengeResult(properties, scheme);

    private sealed class ChallengeResult(AuthenticationProperties properties, string scheme) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            try
            {
                await httpContext.ChallengeAsync(scheme, properties);
            }
            catch (InvalidOperationException e) when (!httpContext.Response.HasStarted)
            {
                var logger = httpContext.RequestServices.GetRequiredService<ILogger<SsoSignInEvents>>();
                logger.LogWarning("Single sign-on could not reach {Scheme}'s provider: {Failure}.", scheme, e.Message);
                await Failed(httpContext).ExecuteAsync(httpContext);
            }
        }
    }

    /// <summary>Whether the token carries one of the accepted amr values (the claim may repeat) or acr
    /// values.</summary>
    public static bool SecondFactorGiven(ClaimsPrincipal principal, SsoProviderRow row) =>
        principal.FindAll("amr").Any(c => row.AmrValues.Contains(c.Value, StringComparer.Ordinal))
        || principal.FindAll("acr").Any(c => row.AcrValues.Contains(c.Value, StringComparer.Ordinal));

    private async Task<SsoPersonRow?> FindOrLinkAsync(
        long funderId,
        string issuer,
        string subject,
        ClaimsPrincipal principal,
        CancellationToken ct
    )
    {
        var now = clock.GetUtcNow();
        if (await store.FindLinkedPersonAsync(funderId, issuer, subject, ct) is { } linked)
        {
            await store.TouchLinkAsync(funderId, issuer, subject, now, ct);
            return linked;
        }

        // A linked person who is not active signs in again only once an admin has invited them again (after a
        // seizure); a seized or disabled person's subject is never linked again by email.
        if (await store.FindLinkedIdAsync(funderId, issuer, subject, ct) is { } linkedId)
        {
            return await store.ActivateReinvitedAsync(funderId, linkedId, now, ct)
                ? await store.FindActivePersonAsync(funderId, linkedId, ct)
                : null;
        }

        if (VerifiedEmail(principal) is not { } email)
        {
            return null;
        }

        var personId = await store.LinkInvitedAsync(funderId, email.ToLowerInvariant(), issuer, subject, now, ct);
        return personId is { } id ? await store.FindActivePersonAsync(funderId, id, ct) : null;
    }

    /// <summary>The token's email when the provider verified it (<c>email_verified</c> true), else null.</summary>
    private static string? VerifiedEmail(ClaimsPrincipal principal) =>
        principal.FindFirstValue("email") is { Length: > 0 and <= 320 } email
        && string.Equals(principal.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase)
            ? email.Trim()
            : null;

    private Task RefuseAsync(HttpContext http, SsoProviderRow? row, SsoRefusal why)
    {
        logger.LogWarning("Single sign-on refused for funder {FunderId}: {Refusal}.", row?.FunderId, why);
        var (title, text) = why switch
        {
            SsoRefusal.NoSecondFactor => (
                "A second factor is required",
                "Your organisation's sign-in did not report a second factor (multi-factor authentication), which"
                    + " this fund requires. Sign in again with your second factor, or ask your administrator to turn"
                    + " multi-factor authentication on for your account. You are not signed in to FundAudit."
            ),
            SsoRefusal.NotInvited => (
                "No FundAudit account for this sign-in",
                "Your organisation knows you, but this fund has not invited you to FundAudit (or your invitation has"
                    + " expired, or your provider did not confirm your email address). Ask an administrator of the"
                    + " fund to invite you with the email address your organisation uses. You are not signed in."
            ),
            _ => (
                "Single sign-on failed",
                "Your organisation's sign-in could not be used. Nothing was changed. Ask your administrator."
            ),
        };
        return ConsoleRender.Message(http, title, text, StatusCodes.Status403Forbidden).ExecuteAsync(http);
    }
}

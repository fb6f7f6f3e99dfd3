using FundAudit.Api.Features.Pages;
using FundAudit.Api.Features.Pages.Components;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace FundAudit.Api.Features.SingleSignOn;

/// <summary>
/// Step-up through the funder's provider, for people who sign in by single sign-on (and so may have no TOTP of
/// FundAudit's): <c>GET /app/step-up/sso?returnUrl=…</c> sends the signed-in person to their provider with
/// <c>prompt=login</c> and <c>max_age=0</c>; the answer must be the same person (by issuer and subject), prove a second
/// factor (an accepted amr or acr) and a fresh authentication (<c>auth_time</c> after the request); then the session
/// records "second factor given now" and the person goes back to <c>returnUrl</c> to repeat their action. The
/// session and person travel in the protected <c>state</c> (the console cookie is SameSite=Strict and does not come
/// back with the provider's cross-site redirect).
/// </summary>
internal sealed class SsoStepUp(
    SsoStore store,
    ConsoleSessionStore sessions,
    SsoOptions options,
    TimeProvider clock,
    ILogger<SsoStepUp> logger
)
{
    private const string SessionItem = "fa_step_up_session";
    private const string PersonItem = "fa_step_up_person";
    private const string ReturnItem = "fa_step_up_return";
    private const string AskedItem = "fa_step_up_asked";

    /// <summary>Starts a step-up for the signed-in person at their funder's provider.</summary>
    public static async Task<IResult> StartAsync(
        HttpContext http,
        string? returnUrl,
        SsoStore store,
        SsoSchemeCache cache
    )
    {
        var user = http.User;
        if (user.StaffPersonId() is not { } personId || user.SessionId() is not { } sessionId)
        {
            return Message(http, "Not available", "Only a person's console session can confirm a second factor.", 403);
        }

        if (await store.FindOfFunderAsync(user.FunderId(), http.RequestAborted) is not { Enabled: true } row)
        {
            return Message(http, "No single sign-on", "Your fund does not sign in through its own provider.", 404);
        }

        var properties = new AuthenticationProperties { RedirectUri = "/app" };
        properties.Items[SessionItem] = sessionId.ToString(CultureInfo.InvariantCulture);
        properties.Items[PersonItem] = personId.ToString(CultureInfo.InvariantCulture);
        properties.Items[ReturnItem] = ConsoleAccount.LocalOrHome(returnUrl);
        properties.Items[AskedItem] = TimeProvider
            .System.GetUtcNow()
            .ToUnixTimeSeconds()
            .ToString(CultureInfo.InvariantCulture);
        return SsoSignInEvents.Challenge(properties, cache.Remember(row));
    }

    public static bool IsStepUp(AuthenticationProperties? properties) =>
        properties?.Items.ContainsKey(SessionItem) == true;

    /// <summary>Asks the provider for a new authentication, whatever session it has.</summary>
    public static void AskAgain(RedirectContext context)
    {
        if (IsStepUp(context.Properties))
        {
            context.ProtocolMessage.Prompt = "login";
            context.ProtocolMessage.MaxAge = "0";
        }
    }

    /// <summary>Checks the provider's answer to a step-up and records the second factor on the session.</summary>
    public async Task CompleteAsync(TokenValidatedContext context, SsoProviderRow row, string subject)
    {
        var http = context.HttpContext;
        var items = context.Properties!.Items;
        var principal = context.Principal!;
        var sessionId = long.Parse(items[SessionItem]!, CultureInfo.InvariantCulture);
        var personId = long.Parse(items[PersonItem]!, CultureInfo.InvariantCulture);
        var asked = long.Parse(items[AskedItem]!, CultureInfo.InvariantCulture);
        var person = await store.FindLinkedPersonAsync(
            row.FunderId,
            context.SecurityToken.Issuer,
            subject,
            http.RequestAborted
        );
        string? refusal =
            person?.Id != personId ? "This sign-in belongs to another person than the one signed in to FundAudit."
            : !SsoSignInEvents.SecondFactorGiven(principal, row)
                ? "Your organisation's sign-in did not report a second factor (multi-factor authentication)."
            : !Fresh(principal, asked) ? "Your organisation did not ask you to sign in again."
            : null;
        if (refusal is not null)
        {
            logger.LogWarning("Single sign-on step-up refused for funder {FunderId}.", row.FunderId);
            await Message(http, "The second factor was not confirmed", refusal + " Nothing was changed.", 403)
                .ExecuteAsync(http);
            return;
        }

        await sessions.StepUpAsync(sessionId, clock.GetUtcNow(), http.RequestAborted);
        var back = items[ReturnItem] ?? "/app";
        await PageResult
            .Render<ConsoleSsoSignedIn>(
                new
                {
                    Home = back,
                    Title = "Confirmed",
                    Text = "Your second factor is confirmed: send your form again.",
                }
            )
            .ExecuteAsync(http);
    }

    /// <summary>The provider authenticated the person after the step-up was asked (<c>auth_time</c>,
    /// required).</summary>
    private bool Fresh(ClaimsPrincipal principal, long asked) =>
        long.TryParse(principal.FindFirstValue("auth_time"), CultureInfo.InvariantCulture, out var at)
        && at >= asked - options.ClockSkewSeconds;

    private static IResult Message(HttpContext http, string title, string text, int status) =>
        ConsoleRender.Message(http, title, text, status);
}

using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>
/// The console's authentication scheme: reads the session cookie (and nothing else), checks the session and its key,
/// and sends anyone without a live session to the sign-in page. The API never accepts this cookie.
/// </summary>
internal sealed class ConsoleSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConsoleSessionStore sessions,
    ConsoleSessionOptions settings,
    TimeProvider clock
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ConsoleSession";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[ConsoleSessions.CookieName] is not { Length: > 0 and <= 100 } token)
        {
            return AuthenticateResult.NoResult();
        }

        var ct = Context.RequestAborted;
        var session = await sessions.FindLiveAsync(token, ct);
        var now = clock.GetUtcNow();
        if (
            session is null
            || now >= session.ExpiresAt
            || now - session.LastSeenAt >= TimeSpan.FromMinutes(settings.IdleMinutes)
        )
        {
            return AuthenticateResult.Fail("No live console session (signed out, expired, or its key revoked).");
        }

        if (now - session.LastSeenAt >= TimeSpan.FromSeconds(settings.TouchEverySeconds))
        {
            await sessions.TouchAsync(session.Id, now, ct);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(session.Principal(SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        string back =
            Request.Method == HttpMethods.Get
                ? (Request.PathBase + Request.Path + Request.QueryString).ToString()
                : "/app";
        Response.Redirect("/app/sign-in?returnUrl=" + Uri.EscapeDataString(back));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.Redirect("/app/forbidden");
        return Task.CompletedTask;
    }
}

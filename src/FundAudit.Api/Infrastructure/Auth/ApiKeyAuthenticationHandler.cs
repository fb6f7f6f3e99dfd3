using System.Text.Encodings.Web;
using FundAudit.Api.Features.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>
/// Accepts <c>Authorization: Bearer fa_…</c> only. A key in a query string or any other header is never read,
/// so such a request is simply unauthenticated (401).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier keys,
    IProblemDetailsService problemDetails
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Where the reason a presented key was refused waits for the challenge's problem.</summary>
    private const string RefusalItem = "fundaudit.key-refusal";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = header["Bearer ".Length..].Trim();
        if (!ApiKeySecret.TryGetKeyId(presented, out _))
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        var check = await keys.CheckAsync(presented, Context.RequestAborted);
        if (check.Key is not { } key)
        {
            Context.Items[RefusalItem] = check.Problem;
            return AuthenticateResult.Fail(check.Problem);
        }

        return AuthenticateResult.Success(
            new AuthenticationTicket(FunderPrincipal.FromKey(key, SchemeName), SchemeName)
        );
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return WriteProblemAsync(
            StatusCodes.Status401Unauthorized,
            "Authentication required",
            Context.Items[RefusalItem] is string refusal and not KeyCheck.Unknown
                ? refusal
                : "Send a valid API key " + "as 'Authorization: Bearer <key>'."
        );
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This key's role may not do this.");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problemDetails.WriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = Context,
                ProblemDetails =
                {
                    Status = status,
                    Title = title,
                    Detail = detail,
                },
            }
        );
    }
}

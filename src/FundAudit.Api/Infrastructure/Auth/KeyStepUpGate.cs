using FundAudit.Api.Features.People;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>The endpoints whose calls with an API key need the key owner's TOTP code (for the OpenAPI document).
/// </summary>
internal sealed class KeyStepUpMetadata
{
    public static readonly KeyStepUpMetadata Instance = new();
}

/// <summary>Puts <see cref="KeyStepUp"/> on an endpoint.</summary>
internal static class KeyStepUpGate
{
    /// <summary>Calls made with an API key need the owner's TOTP code in <see cref="KeyStepUp.Header"/>.</summary>
    public static RouteHandlerBuilder RequireKeyStepUp(this RouteHandlerBuilder builder) =>
        builder
            .AddEndpointFilter(
                async (context, next) =>
                {
                    var http = context.HttpContext;
                    if (http.User.Identity?.AuthenticationType != ApiKeyAuthenticationHandler.SchemeName)
                    {
                        return await next(context);
                    }

                    var problem = await http.RequestServices.GetRequiredService<KeyStepUp>().CheckAsync(http);
                    return problem ?? await next(context);
                }
            )
            .WithMetadata(KeyStepUpMetadata.Instance)
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
}

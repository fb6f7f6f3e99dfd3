using FundAudit.Api.Features.Tenancy;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>
/// The endpoint filter on the actions an API key may take only when its funder switches them on for integrations
/// (approve, decline, record or read payment details, disburse, reveal a case's sensitive fields, shred a case): a
/// caller authenticated by API key gets 403 while the funder's <c>keys_may_decide</c> is off. People in the console are
/// not concerned; when it is on, four-eyes rules count the key's owner.
/// </summary>
internal static class KeyDecisionGate
{
    public const string Detail =
        "An API key may not approve, decline, record or read payment details, disburse, reveal sensitive fields or "
        + "shred a case "
        + "unless the funder switches that on for integrations (an admin: PUT /api/settings/integrations with "
        + "keysMayDecide true).";

    /// <summary>Puts the gate on an endpoint.</summary>
    public static RouteHandlerBuilder RequireKeySwitch(this RouteHandlerBuilder builder) =>
        builder
            .AddEndpointFilter(
                async (context, next) =>
                {
                    var http = context.HttpContext;
                    if (
                        http.User.Identity?.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName
                        && !await http
                            .RequestServices.GetRequiredService<TenancyStore>()
                            .KeysMayDecideAsync(http.User.FunderId(), http.RequestAborted)
                    )
                    {
                        return TypedResults.Problem(
                            statusCode: StatusCodes.Status403Forbidden,
                            title: "Not for API keys",
                            detail: Detail
                        );
                    }

                    return await next(context);
                }
            )
            .ProducesProblem(StatusCodes.Status403Forbidden);
}

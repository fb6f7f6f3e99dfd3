using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace FundAudit.Api.Infrastructure.Auth;

internal static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddFundAuditAuth(this IServiceCollection services)
    {
        services
            .AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName,
                null
            )
            .AddScheme<AuthenticationSchemeOptions, ConsoleSessionHandler>(ConsoleSessionHandler.SchemeName, null);
        services
            .AddAuthorizationBuilder()
            .SetFallbackPolicy(
                new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(FunderClaims.FunderId).Build()
            )
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.PortfolioRead, p =>
                p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Analyst, Roles.Officer)
            )
            .AddPolicy(Policies.PortfolioWrite, p =>
                p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Analyst)
            )
            .AddPolicy(Policies.Officer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Officer))
            .AddPolicy(Policies.Finance, p => p.RequireAuthenticatedUser().RequireRole(Roles.Finance))
            .AddPolicy(Policies.ShredCase, p => MayShredCases(p.RequireAuthenticatedUser()))
            .AddPolicy(Policies.ConsoleShredCase, p => MayShredCases(Console(p)))
            .AddPolicy(Policies.RapidResponse, p =>
                p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Officer, Roles.Finance)
            )
            .AddPolicy(Policies.Console, p => Console(p))
            .AddPolicy(Policies.ConsoleRapidResponse, p =>
                Console(p).RequireRole(Roles.Admin, Roles.Officer, Roles.Finance)
            )
            .AddPolicy(Policies.ConsoleOfficer, p => Console(p).RequireRole(Roles.Admin, Roles.Officer))
            .AddPolicy(Policies.ConsolePortfolio, p =>
                Console(p).RequireRole(Roles.Admin, Roles.Analyst, Roles.Officer)
            );
        return services;
    }

    /// <summary>
    /// Who may shred a case, over the API and in the console: admins. The one place to add the step-up by a second
    /// factor once staff are people with one.
    /// </summary>
    private static AuthorizationPolicyBuilder MayShredCases(AuthorizationPolicyBuilder policy) =>
        policy.RequireRole(Roles.Admin);

    /// <summary>Console policies authenticate with the session cookie only: an API key opens no page, the cookie calls
    /// no API.</summary>
    private static AuthorizationPolicyBuilder Console(AuthorizationPolicyBuilder policy) =>
        policy
            .AddAuthenticationSchemes(ConsoleSessionHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(FunderClaims.FunderId);
}

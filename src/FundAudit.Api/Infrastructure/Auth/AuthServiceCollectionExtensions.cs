using FundAudit.Api.Features.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace FundAudit.Api.Infrastructure.Auth;

internal static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddFundAuditAuth(this IServiceCollection services)
    {
        services.AddSingleton<TenancyStore>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(FunderClaims.FunderId).Build())
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.PortfolioRead, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Analyst, Roles.Officer))
            .AddPolicy(Policies.PortfolioWrite, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Analyst));
        return services;
    }
}

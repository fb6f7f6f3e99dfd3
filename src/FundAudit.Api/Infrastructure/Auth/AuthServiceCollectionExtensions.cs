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
            .AddPolicy(Policies.PortfolioWrite, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Analyst))
            .AddPolicy(Policies.Officer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Officer))
            .AddPolicy(Policies.Finance, p => p.RequireAuthenticatedUser().RequireRole(Roles.Finance))
            .AddPolicy(Policies.RapidResponse, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Officer, Roles.Finance));
        return services;
    }
}

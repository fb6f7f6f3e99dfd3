using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.SingleSignOn;

/// <summary>
/// Single sign-on through a funder's own OpenID Connect provider: the admins' settings (<c>/api/sso</c> and the
/// console's <c>/app/sso</c>) and the sign-in (<c>/app/sign-in/sso/{slug}</c>) through ASP.NET Core's OpenID Connect
/// handler, one scheme per funder made on demand (<see cref="SsoSchemeProvider"/>).
/// </summary>
internal static class SsoEndpoints
{
    public static IServiceCollection AddSingleSignOn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.Bound<SsoOptions>(SsoOptions.Section));
        services.AddHttpContextAccessor();
        services.AddSingleton<SsoStore>();
        services.AddSingleton<SsoSecrets>();
        services.AddSingleton<SsoUseCases>();
        services.AddSingleton<SsoSchemeCache>();
        services.AddSingleton<IAuthenticationSchemeProvider, SsoSchemeProvider>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, SsoOidcOptionsSetup>();

        // What AddOpenIdConnect registers besides a scheme: the handler's defaults (configuration manager from the
        // authority, the app's Data Protection for state and nonce, the back channel).
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<
                IPostConfigureOptions<OpenIdConnectOptions>,
                OpenIdConnectPostConfigureOptions
            >()
        );
        services.AddScoped<SsoSignInEvents>();
        services.AddScoped<SsoStepUp>();
        services.AddScoped<IValidator<SsoSettings.Request>, SsoSettings.Validator>();
        return services;
    }

    public static IEndpointRouteBuilder MapSingleSignOn(this IEndpointRouteBuilder app)
    {
        var sso = app.MapGroup("/api/sso").WithTags("Single sign-on").RequireAuthorization(Policies.Admin);
        sso.MapGet("/", SsoSettings.GetAsync)
            .WithName("GetSsoProvider")
            .WithSummary("The funder's OpenID Connect provider (never its client secret)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        sso.MapPut("/", SsoSettings.PutAsync)
            .WithName("PutSsoProvider")
            .WithSummary("Set the funder's OpenID Connect provider")
            .WithValidation<SsoSettings.Request>()
            .RequireKeyStepUp()
            .ProducesProblem(StatusCodes.Status409Conflict);
        sso.MapDelete("/", SsoSettings.DeleteAsync)
            .WithName("DeleteSsoProvider")
            .WithSummary("Remove the funder's OpenID Connect provider (single sign-on stops at once)")
            .RequireKeyStepUp()
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapConsoleSso();
        return app;
    }
}

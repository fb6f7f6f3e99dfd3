using FundAudit.Api.Infrastructure;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace FundAudit.Api.Features.Tenancy;

internal static class TenancyEndpoints
{
    public static IServiceCollection AddTenancy(this IServiceCollection services)
    {
        services.AddSingleton<TenancyStore>();
        services.AddSingleton<ApiKeyIssuer>();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<RoleGrantStore>();
        services.AddSingleton<TenancyUseCases>();
        services.AddScoped<FluentValidation.IValidator<RoleGrants.Request>, RoleGrants.Validator>();
        services.AddSingleton(sp =>
            sp.GetRequiredService<IConfiguration>().Bound<ApiKeyOptions>(ApiKeyOptions.Section)
        );
        services.AddScoped<FluentValidation.IValidator<CreateApiKey.Request>, CreateApiKey.Validator>();
        services.AddScoped<FluentValidation.IValidator<IntegrationSettings.Settings>, IntegrationSettings.Validator>();
        return services;
    }

    public static IEndpointRouteBuilder MapTenancy(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", GetCurrentCaller.HandleAsync)
            .WithTags("Tenancy")
            .WithName("GetCurrentCaller")
            .WithSummary("The funder and role of the calling key")
            .RequireAuthorization();

        var keys = app.MapGroup("/api/keys").WithTags("Tenancy").RequireAuthorization(Policies.Admin);
        keys.MapGet("/", ListApiKeys.HandleAsync).WithName("ListApiKeys").WithSummary("List the funder's API keys");
        keys.MapPost("/", CreateApiKey.HandleAsync)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key (the " + "secret is shown once)")
            .WithValidation<CreateApiKey.Request>()
            .RequireKeyStepUp()
            .ProducesProblem(Status422UnprocessableEntity);
        keys.MapDelete("/{keyId}", RevokeApiKey.HandleAsync)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key")
            .RequireKeyStepUp()
            .ProducesProblem(Status404NotFound);

        MapRoleGrants(app);
        var settings = app.MapGroup("/api/settings").WithTags("Tenancy").RequireAuthorization(Policies.Admin);
        settings
            .MapGet("/integrations", IntegrationSettings.GetAsync)
            .WithName("GetIntegrationSettings")
            .WithSummary("Whether the funder's API keys may approve, decline, pay, disburse and reveal");
        settings
            .MapPut("/integrations", IntegrationSettings.PutAsync)
            .WithName("SetIntegrationSettings")
            .WithSummary("Switch API keys' decisions on or off (off by default; four-eyes then counts key owners)")
            .WithValidation<IntegrationSettings.Settings>()
            .RequireKeyStepUp();
        return app;
    }

    /// <summary>Four-eyes on roles: a grant, pending or applied, and a second admin's confirmation.</summary>
    private static void MapRoleGrants(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api").WithTags("Tenancy").RequireAuthorization(Policies.Admin);
        admin
            .MapPost("/people/{personId:long}/role-grants", RoleGrants.RequestAsync)
            .WithName("RequestRoleGrant")
            .WithSummary(
                "Grant a role to a person (admin, officer or finance wait for a second admin when the funder has two)"
            )
            .WithValidation<RoleGrants.Request>()
            .RequireKeyStepUp()
            .ProducesProblems(Status404NotFound, Status409Conflict, Status422UnprocessableEntity);
        admin
            .MapPost("/role-grants/{id:long}/confirm", RoleGrants.ConfirmAsync)
            .WithName("ConfirmRoleGrant")
            .WithSummary("A second admin confirms a pending grant (the admin who asked cannot)")
            .RequireKeyStepUp()
            .ProducesProblems(Status404NotFound, Status409Conflict);
        admin
            .MapGet("/role-grants", RoleGrants.ListAsync)
            .WithName("ListRoleGrants")
            .WithSummary("The funder's role grants, pending and applied, newest first");
    }
}

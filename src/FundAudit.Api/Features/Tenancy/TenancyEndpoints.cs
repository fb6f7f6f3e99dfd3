namespace FundAudit.Api.Features.Tenancy;

internal static class TenancyEndpoints
{
    public static IServiceCollection AddTenancy(this IServiceCollection services)
    {
        services.AddSingleton<TenancyStore>();
        services.AddSingleton<ApiKeyIssuer>();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddScoped<FluentValidation.IValidator<CreateApiKey.Request>, CreateApiKey.Validator>();
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
            .WithValidation<CreateApiKey.Request>();
        keys.MapDelete("/{keyId}", RevokeApiKey.HandleAsync)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}

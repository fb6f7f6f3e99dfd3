using static Microsoft.AspNetCore.Http.StatusCodes;

namespace FundAudit.Api.Features.GrantIngest;

internal static class GrantIngestEndpoints
{
    public static IServiceCollection AddGrantIngest(this IServiceCollection services)
    {
        services.AddSingleton<GrantStore>();
        services.AddSingleton<SensitiveGrantStore>();
        services.AddSingleton<GrantIngestUseCases>();
        services.AddSingleton<UploadGrantPackage>();
        services.AddScoped<FluentValidation.IValidator<GrantPackage>, ImportGrantPackage.Validator>();
        services.AddScoped<FluentValidation.IValidator<ListGrants.Request>, ListGrants.Validator>();
        services.AddScoped<FluentValidation.IValidator<SetGrantSensitive.Request>, SetGrantSensitive.Validator>();
        services.AddScoped<FluentValidation.IValidator<ListSensitiveGrants.Request>, ListSensitiveGrants.Validator>();
        return services;
    }

    public static IEndpointRouteBuilder MapGrantIngest(this IEndpointRouteBuilder app)
    {
        var grants = app.MapGroup("/api/grants").WithTags("Grants").RequireAuthorization(Policies.PortfolioRead);

        grants
            .MapPost("/", ImportGrantPackage.HandleAsync)
            .WithName("ImportGrantPackage")
            .WithSummary("Load a 360Giving grant package")
            .WithDescription(
                "Takes a 360Giving JSON grant package ({\"grants\": [...]}) as published. The package is "
                    + "all or nothing: "
                    + "if any grant is invalid the answer is 400 with every problem named as grants[i].field, "
                    + "and nothing is stored. "
                    + "Grants are upserted by (funder, id); posting the same package again changes nothing "
                    + "(all 'unchanged'). Award and planned dates may be written as publishers write them "
                    + "(DD/MM/YYYY, MM/DD/YYYY, MM/YYYY, D Month YYYY) and are stored as ISO dates: slash dates are "
                    + "read in the order dateFormat names, else the one the package's dates prove; when none "
                    + "decides, or two disagree, the answer is 400 naming the date."
            )
            .RequireAuthorization(Policies.PortfolioWrite)
            .Accepts<GrantPackage>("application/json")
            .AddEndpointFilter<PackageDatesFilter>()
            .WithValidation<GrantPackage>(Status413PayloadTooLarge, Status415UnsupportedMediaType);

        grants
            .MapGet("/", ListGrants.HandleAsync)
            .WithName("ListGrants")
            .WithSummary("List grants with filters and keyset pagination")
            .WithValidation<ListGrants.Request>();

        // One grant lives under /api/grants/by-id/{id}: an identifier may be any word ("imports", "export.csv"), so
        // it never shares a segment with the collection's own routes. /api/grants/{id} stays as an undocumented alias.
        grants
            .MapGet("/by-id/{id}", GetGrant.HandleAsync)
            .WithName("GetGrant")
            .WithSummary("Get one grant by its 360Giving identifier (URL-encoded)")
            .ProducesProblem(Status404NotFound);

        grants
            .MapDelete("/by-id/{id}", DeleteGrant.HandleAsync)
            .WithName("DeleteGrant")
            .WithSummary("Delete one grant by its 360Giving identifier (URL-encoded)")
            .ProducesProblem(Status404NotFound)
            .RequireAuthorization(Policies.PortfolioWrite);

        MapSensitive(grants);

        grants.MapGet("/{id}", GetGrant.HandleAsync).ExcludeFromDescription();
        grants
            .MapDelete("/{id}", DeleteGrant.HandleAsync)
            .ExcludeFromDescription()
            .RequireAuthorization(Policies.PortfolioWrite);

        return app;
    }

    /// <summary>The sensitive mark, which the 360Giving exports anonymise (issue 14, item 6).</summary>
    private static void MapSensitive(RouteGroupBuilder grants)
    {
        grants
            .MapPut("/by-id/{id}/sensitive", SetGrantSensitive.HandleAsync)
            .WithName("SetGrantSensitive")
            .WithSummary("Mark a grant sensitive (or not): the 360Giving exports then publish it anonymised")
            .WithDescription(
                "Body {\"sensitive\": true|false}. The mark is the funder's own: no import or package upsert "
                    + "changes it, and every report keeps counting the grant as it is."
            )
            .WritesPortfolio<SetGrantSensitive.Request>(Status404NotFound);
        grants
            .MapGet("/sensitive", ListSensitiveGrants.HandleAsync)
            .WithName("ListSensitiveGrants")
            .WithSummary("The grants marked sensitive, a keyset page at a time")
            .WithValidation<ListSensitiveGrants.Request>();
    }
}

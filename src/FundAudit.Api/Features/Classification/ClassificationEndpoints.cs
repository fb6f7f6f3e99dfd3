using System.Text.Json;
using FundAudit.Api.Features.GrantIngest;

namespace FundAudit.Api.Features.Classification;

internal static class ClassificationEndpoints
{
    public static IServiceCollection AddClassification(this IServiceCollection services)
    {
        services.AddSingleton<ClassificationStore>();
        services.AddSingleton<FunderClassifier>();
        services.AddSingleton<RuleSetDryRunStore>();
        services.AddSingleton<ClassificationUseCases>();
        services.AddScoped<ReclassifyPortfolioJob>();
        services.AddScoped<FluentValidation.IValidator<JsonElement>, PutRuleSet.Validator>();
        services.AddScoped<FluentValidation.IValidator<SetCorrection.Request>, SetCorrection.Validator>();
        services.AddScoped<FluentValidation.IValidator<ListReviewQueue.Request>, ListReviewQueue.Validator>();
        return services;
    }

    public static IEndpointRouteBuilder MapClassification(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/classification")
            .WithTags("Classification")
            .RequireAuthorization(Policies.PortfolioRead);
        group
            .MapGet("/rules", GetRuleSet.HandleAsync)
            .WithName("GetClassificationRules")
            .WithSummary("The funder's current classification rule set (its own copy, else the default)");
        group
            .MapPut("/rules", PutRuleSet.HandleAsync)
            .WithName("PutClassificationRules")
            .WithSummary("Replace the funder's rule set and re-classify its portfolio")
            .WithDescription(
                "The document is validated as a whole; each problem is named by its JSON path. The "
                    + "version must be new; "
                    + "the answer is 202 while a job re-classifies this funder's grants. Manual corrections "
                    + "survive."
            )
            .WritesPortfolio<JsonElement>(StatusCodes.Status409Conflict);
        MapDryRun(group);
        group
            .MapGet("/review", ListReviewQueue.HandleAsync)
            .WithName("ListClassificationReview")
            .WithSummary("Grants whose level or purpose needs a person: unclassified or low confidence")
            .WithValidation<ListReviewQueue.Request>();

        // A grant is addressed under /api/grants/by-id/ (an identifier may be any word, "imports" included);
        // /api/grants/{id}/classification stays as an undocumented alias for existing clients (README).
        var corrections = app.MapGroup(GrantIdentifier.Prefix + "{id}/classification")
            .WithTags("Classification")
            .RequireAuthorization(Policies.PortfolioWrite);
        corrections
            .MapPut("/", SetCorrection.HandleAsync)
            .WithName("SetClassificationCorrection")
            .WithSummary("Correct a grant's level, purpose or flexibility by hand (survives re-classification)")
            .WithValidation<SetCorrection.Request>(StatusCodes.Status404NotFound);
        corrections
            .MapDelete("/", RemoveCorrection.HandleAsync)
            .WithName("RemoveClassificationCorrection")
            .WithSummary("Remove a grant's manual correction")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var aliases = app.MapGroup("/api/grants/{id}/classification")
            .ExcludeFromDescription()
            .RequireAuthorization(Policies.PortfolioWrite);
        aliases.MapPut("/", SetCorrection.HandleAsync).WithValidation<SetCorrection.Request>();
        aliases.MapDelete("/", RemoveCorrection.HandleAsync);
        return app;
    }

    private static void MapDryRun(RouteGroupBuilder group) =>
        group
            .MapPost("/rules/dry-run", DryRunRuleSet.HandleAsync)
            .WithName("DryRunClassificationRules")
            .WithSummary("What a rule set (the body of PUT) would change if saved now; stores nothing")
            .WithDescription(
                "Classifies every grant of the funder with the rule set tried and counts the grants and the money (per "
                    + "currency) whose effective level or purpose would change, by from → to. Corrections win, so a "
                    + "corrected dimension never moves. The document is validated as PUT validates it."
            )
            .WritesPortfolio<JsonElement>();
}

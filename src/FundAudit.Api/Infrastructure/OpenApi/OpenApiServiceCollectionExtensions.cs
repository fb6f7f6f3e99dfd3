using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FundAudit.Api.Infrastructure.OpenApi;

internal static class OpenApiServiceCollectionExtensions
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddFundAuditOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, o =>
        {
            // Use cases nest their Request/Response types; name schemas after the use case (ListGrantsRequest, …).
            o.CreateSchemaReferenceId = type =>
                type.Type.IsNested && type.Type.DeclaringType is { } owner
                    ? owner.Name + type.Type.Name
                    : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            o.AddDocumentTransformer<BearerSecuritySchemeTransformer>();
            o.AddDocumentTransformer(
                (doc, _, _) =>
                {
                    doc.Info = new OpenApiInfo
                    {
                        Title = "FundAudit API",
                        Version = "v1",
                        Description =
                            "Grant ingest, classification and audit of protection funding for human rights "
                            + "defenders, and a rapid-response workflow. "
                            + "Every endpoint needs 'Authorization: Bearer <API key>' unless marked anonymous.",
                    };
                    return Task.CompletedTask;
                }
            );
            o.AddDocumentTransformer<ContractDocumentTransformer>();
            o.AddOperationTransformer<StepUpHeaderTransformer>();
        });
        return services;
    }
}

/// <summary>Declares the bearer API-key scheme and requires it on every operation that is not anonymous.</summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(
        OpenApiDocument document,
        OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken
    )
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "fa_{keyId}_{secret}",
            Description = "A FundAudit API key, bound to one funder and one role.",
        };

        var anonymous = context
            .DescriptionGroups.SelectMany(g => g.Items)
            .Where(d =>
                d.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any()
            )
            .Select(d => (d.HttpMethod ?? "").ToUpperInvariant() + " /" + d.RelativePath)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (anonymous.Contains(method.Method.ToUpperInvariant() + " " + path))
                {
                    // An empty requirement is OpenAPI's explicit "no authentication needed".
                    operation.Security = [new OpenApiSecurityRequirement()];
                    continue;
                }

                operation.Security ??= [];
                operation.Security.Add(
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] }
                );
                operation.Responses ??= [];
                operation.Responses.TryAdd(
                    "401",
                    new OpenApiResponse { Description = "No valid API key " + "(ProblemDetails)." }
                );
                operation.Responses.TryAdd(
                    "403",
                    new OpenApiResponse { Description = "The key's role may not do this " + "(ProblemDetails)." }
                );
            }
        }

        return Task.CompletedTask;
    }
}

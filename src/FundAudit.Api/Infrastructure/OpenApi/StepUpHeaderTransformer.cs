using FundAudit.Api.Features.People;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FundAudit.Api.Infrastructure.OpenApi;

/// <summary>Declares the <c>X-FundAudit-Step-Up</c> header on the operations that need the key owner's TOTP code
/// (<see cref="KeyStepUpGate"/>).</summary>
internal sealed class StepUpHeaderTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken
    )
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<KeyStepUpMetadata>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(
                new OpenApiParameter
                {
                    Name = KeyStepUp.Header,
                    In = ParameterLocation.Header,
                    Required = true,
                    Description =
                        "The key owner's current authenticator (TOTP) code, 6 digits, accepted once. Without it, or "
                        + "with a wrong or used code, the answer is 403; after repeated wrong codes 429 with "
                        + "Retry-After (the sign-in backoff).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{6}$" },
                }
            );
        }

        return Task.CompletedTask;
    }
}

using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace FundAudit.Api.Infrastructure.Http;

internal static class HealthEndpoints
{
    /// <summary>/health/live (the process answers) and /health/ready (the database answers). Anonymous.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .WithMetadata(new HttpMethodMetadata(["GET"]))
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") })
            .WithMetadata(new HttpMethodMetadata(["GET"]))
            .AllowAnonymous();
        return app;
    }
}

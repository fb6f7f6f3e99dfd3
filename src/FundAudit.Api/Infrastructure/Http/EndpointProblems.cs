namespace FundAudit.Api.Infrastructure.Http;

/// <summary>The problems a route may answer, listed in one call.</summary>
internal static class EndpointProblems
{
    /// <summary>
    /// Documents a ProblemDetails answer for each of <paramref name="statusCodes"/>, in their order (what as many
    /// <c>ProducesProblem</c> calls would do).
    /// </summary>
    /// <param name="builder">The route.</param>
    /// <param name="statusCodes">The status codes of the problems the route may answer.</param>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>The access a kind of route needs, stated once for every route of that kind.</summary>
internal static class RouteAccess
{
    /// <summary>
    /// A change to the portfolio: the <see cref="Policies.PortfolioWrite"/> role, the body's validator (400
    /// ValidationProblem) and the problems the change may answer, in that order.
    /// </summary>
    /// <typeparam name="TRequest">The validated request.</typeparam>
    /// <param name="route">The route.</param>
    /// <param name="problems">The status codes of the problems the route may answer besides 400.</param>
    public static RouteHandlerBuilder WritesPortfolio<TRequest>(
        this RouteHandlerBuilder route,
        params int[] problems
    ) => route.RequireAuthorization(Policies.PortfolioWrite).WithValidation<TRequest>(problems);
}

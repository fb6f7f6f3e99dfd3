namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The conventions the pages' route tables repeat: a group of forms (the framework's antiforgery off, the pages' own
/// check on, which answers an expired form with a page), the API's PortfolioWrite roles under the console's session,
/// and the console's "too many requests" page.
/// </summary>
internal static class PageRoutes
{
    /// <summary>A group of forms under <paramref name="prefix"/>, each POST checked by
    /// <see cref="PageSecurity.RequireAntiforgeryAsync"/>.</summary>
    public static RouteGroupBuilder MapForms(this IEndpointRouteBuilder routes, string prefix = "/") =>
        routes.MapGroup(prefix).CheckedForms();

    /// <summary>The pages' antiforgery check instead of the framework's, on a form or a group of forms.</summary>
    public static TBuilder CheckedForms<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.DisableAntiforgery().AddEndpointFilter(PageSecurity.RequireAntiforgeryAsync);

    /// <summary>The API's PortfolioWrite roles (administrators and analysts), signed in to the console; others are
    /// sent to the forbidden page.</summary>
    public static TBuilder RequirePortfolioWrite<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p =>
            p.AddAuthenticationSchemes(ConsoleSessionHandler.SchemeName).RequireRole(Roles.Admin, Roles.Analyst)
        );

    /// <summary>Administrators, signed in to the console (the funds and people pages); others are sent to the
    /// forbidden page.</summary>
    public static TBuilder RequireConsoleAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p =>
            p.AddAuthenticationSchemes(ConsoleSessionHandler.SchemeName).RequireRole(Roles.Admin)
        );

    /// <summary>The console's page for a request the rate limiter refused.</summary>
    public static RateLimitRejectionPage ConsoleTooMany() =>
        new(
            (http, status) =>
                ConsoleRender.Message(http, ConsoleText.T("TooMany_Title"), ConsoleText.T("TooMany_Text"), status)
        );
}

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>One route of a report: its endpoint, operation name, summary and (the JSON route's) description.</summary>
/// <param name="Endpoint">The route as mapped at the call site (<c>group.MapGet(path, Use.HandleAsync)</c>), where
/// the request delegate generator sees its handler and builds its request delegate at compile time.</param>
/// <param name="Name">The operation id.</param>
/// <param name="Summary">The one-line summary in the OpenAPI document.</param>
/// <param name="Description">The longer description, or null for none.</param>
internal sealed record ReportRoute(
    RouteHandlerBuilder Endpoint,
    string Name,
    string Summary,
    string? Description = null
);

/// <summary>
/// The reports that come as JSON at a path, as CSV at path.csv and as an SVG chart at path.svg: the three routes take
/// one request, run its one validator and answer the same problems, so they are described together.
/// </summary>
internal static class ReportRoutes
{
    /// <summary>Names and describes a report's three routes, each running <typeparamref name="TRequest"/>'s
    /// validator.</summary>
    /// <param name="json">The JSON route.</param>
    /// <param name="csv">The CSV route.</param>
    /// <param name="svg">The SVG chart's route.</param>
    /// <param name="problems">The status codes of the problems every one of the three may answer.</param>
    public static void Map<TRequest>(ReportRoute json, ReportRoute csv, ReportRoute svg, params int[] problems)
    {
        foreach (var route in new[] { json, csv, svg })
        {
            var endpoint = route.Endpoint.WithName(route.Name).WithSummary(route.Summary);
            if (route.Description is not null)
            {
                endpoint.WithDescription(route.Description);
            }

            endpoint.WithValidation<TRequest>(problems);
        }
    }

    /// <summary>A report's CSV or SVG download for the console, named <c>ConsoleDownload{name}</c> (MixCsv,
    /// MixSvg…), running <typeparamref name="TRequest"/>'s validator.</summary>
    /// <param name="download">The route, as mapped at the call site.</param>
    /// <param name="name">The end of the operation name.</param>
    public static RouteHandlerBuilder AsDownload<TRequest>(this RouteHandlerBuilder download, string name) =>
        download.WithValidation<TRequest>().WithName("ConsoleDownload" + name);
}

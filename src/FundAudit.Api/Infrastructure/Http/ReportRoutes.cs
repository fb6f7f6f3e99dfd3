namespace FundAudit.Api.Infrastructure.Http;

/// <summary>One route of a report: its handler, operation name, summary and (the JSON route's) description.</summary>
/// <param name="Handler">The static handler (a use case's HandleAsync, CsvAsync or SvgAsync).</param>
/// <param name="Name">The operation id.</param>
/// <param name="Summary">The one-line summary in the OpenAPI document.</param>
/// <param name="Description">The longer description, or null for none.</param>
internal sealed record ReportRoute(Delegate Handler, string Name, string Summary, string? Description = null);

/// <summary>
/// The reports that come as JSON at a path, as CSV at path.csv and as an SVG chart at path.svg: the three routes take
/// one request, run its one validator and answer the same problems, so they are mapped together.
/// </summary>
internal static class ReportRoutes
{
    /// <summary>Maps <paramref name="path"/>, <paramref name="path"/>.csv and <paramref name="path"/>.svg.</summary>
    /// <param name="group">The group the routes belong to.</param>
    /// <param name="path">The JSON route's path; the CSV and SVG routes add their extension.</param>
    /// <param name="json">The JSON route.</param>
    /// <param name="csv">The CSV route.</param>
    /// <param name="svg">The SVG chart's route.</param>
    /// <param name="problems">The status codes of the problems every one of the three may answer.</param>
    public static void MapReport<TRequest>(
        this RouteGroupBuilder group,
        string path,
        ReportRoute json,
        ReportRoute csv,
        ReportRoute svg,
        params int[] problems
    )
    {
        foreach (var (extension, route) in new[] { ("", json), (".csv", csv), (".svg", svg) })
        {
            var endpoint = group
                .MapGet(path + extension, route.Handler)
                .WithName(route.Name)
                .WithSummary(route.Summary);
            if (route.Description is not null)
            {
                endpoint.WithDescription(route.Description);
            }

            endpoint.WithValidation<TRequest>(problems);
        }
    }

    /// <summary>
    /// Maps a report's downloads for the console: <paramref name="path"/>.csv, named <c>ConsoleDownload{name}Csv</c>,
    /// and, when there is a chart, <paramref name="path"/>.svg, named <c>ConsoleDownload{name}Svg</c>; both run the
    /// request's validator.
    /// </summary>
    /// <param name="group">The console's downloads group.</param>
    /// <param name="path">The report's path without extension.</param>
    /// <param name="name">The middle of the operation names.</param>
    /// <param name="csv">The CSV handler.</param>
    /// <param name="svg">The SVG chart's handler, or null where the report has none.</param>
    public static void MapDownloads<TRequest>(
        this RouteGroupBuilder group,
        string path,
        string name,
        Delegate csv,
        Delegate? svg = null
    )
    {
        group.MapGet(path + ".csv", csv).WithValidation<TRequest>().WithName($"ConsoleDownload{name}Csv");
        if (svg is not null)
        {
            group.MapGet(path + ".svg", svg).WithValidation<TRequest>().WithName($"ConsoleDownload{name}Svg");
        }
    }
}

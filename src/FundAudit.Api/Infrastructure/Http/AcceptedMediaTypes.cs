using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// What a request's endpoint accepts, for the 415 that routing answers itself (an endpoint's <c>Accepts</c> metadata
/// refuses any other <c>Content-Type</c> before its handler runs, so the handler's own message never comes): the
/// content types of every endpoint whose route and method match the request, read once from the endpoint table.
/// </summary>
internal sealed class AcceptedMediaTypes(EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyList<Accepting>> _all = new(() => Read(endpoints));

    private sealed record Accepting(TemplateMatcher Route, IReadOnlyList<string> Methods, IReadOnlyList<string> Types);

    /// <summary>The content types, in declaration order, once each; none when no endpoint declares any.</summary>
    public IReadOnlyList<string> For(HttpRequest request)
    {
        var types = new List<string>();
        foreach (var a in _all.Value)
        {
            if (
                (a.Methods.Count == 0 || a.Methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase))
                && a.Route.TryMatch(request.Path, [])
            )
            {
                types.AddRange(a.Types.Where(t => !types.Contains(t, StringComparer.OrdinalIgnoreCase)));
            }
        }

        return types;
    }

    /// <summary>
    /// Adds the accepted types to a 415 that says nothing else (<see cref="HttpSetup"/>'s ProblemDetails hook).
    /// </summary>
    public static void Explain(ProblemDetailsContext context)
    {
        if (context.ProblemDetails is not { Status: StatusCodes.Status415UnsupportedMediaType, Detail: null })
        {
            return;
        }

        var types = context
            .HttpContext.RequestServices.GetService<AcceptedMediaTypes>()
            ?.For(context.HttpContext.Request);
        if (types is { Count: > 0 })
        {
            context.ProblemDetails.Detail = ProblemText.T("Use_AcceptedMediaTypes", string.Join(", ", types));
        }
    }

    private static List<Accepting> Read(EndpointDataSource endpoints) =>
        [
            .. endpoints
                .Endpoints.OfType<RouteEndpoint>()
                .Select(e => (Endpoint: e, Accepts: e.Metadata.GetMetadata<IAcceptsMetadata>()))
                .Where(x => x.Accepts is { ContentTypes.Count: > 0 })
                .Select(x => new Accepting(
                    new TemplateMatcher(new RouteTemplate(x.Endpoint.RoutePattern), []),
                    x.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [],
                    x.Accepts!.ContentTypes
                )),
        ];
}

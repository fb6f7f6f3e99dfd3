using Microsoft.AspNetCore.Http.Features;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// A 360Giving identifier in a URL path is URL-encoded by the client and may contain '/', '%', '#' or spaces.
/// ASP.NET leaves "%2F" encoded in route values but decodes everything else, which makes "a%252Fb" and "a%2Fb"
/// indistinguishable; so the identifier is decoded once from the raw request target instead.
/// </summary>
internal static class GrantIdentifier
{
    /// <summary>Where one grant is addressed: the identifier follows, so it may be any word.</summary>
    public const string Prefix = "/api/grants/by-id/";

    /// <param name="trailingSegments">Literal segments after the identifier, e.g. 1 for
    /// /api/grants/{id}/classification.</param>
    /// <param name="context">The request whose raw target holds the identifier.</param>
    /// <param name="routeValue">The identifier as routing gave it, used when the server has no raw target.</param>
    public static string FromPath(HttpContext context, string routeValue, int trailingSegments = 0)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            // Servers without a raw target (the in-memory test host) hand over the route value decoded but for "%2F".
            return routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        var segments = path.Split('/');
        var index = segments.Length - 1 - trailingSegments;
        return index > 0 ? Uri.UnescapeDataString(segments[index]) : routeValue;
    }
}

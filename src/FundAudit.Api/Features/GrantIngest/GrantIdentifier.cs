using Microsoft.AspNetCore.Http.Features;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// A 360Giving identifier in a URL path is URL-encoded by the client and may contain '/', '%', '#' or spaces.
/// ASP.NET leaves "%2F" encoded in route values but decodes everything else, which makes "a%252Fb" and "a%2Fb"
/// indistinguishable; so the identifier is decoded once from the raw request target instead.
/// </summary>
internal static class GrantIdentifier
{
    public static string FromPath(HttpContext context, string routeValue)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            // Servers without a raw target (the in-memory test host) hand over the route value decoded but for "%2F".
            return routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        var slash = path.LastIndexOf('/');
        return slash >= 0 ? Uri.UnescapeDataString(path[(slash + 1)..]) : routeValue;
    }
}

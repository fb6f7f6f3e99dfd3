namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>Web addresses as the 360Giving standard's URI fields take them.</summary>
internal static class WebAddresses
{
    /// <summary>
    /// <paramref name="text"/> as the absolute http(s) address the standard's URI fields need, or null. A web address
    /// written without its scheme, as publishers often do (<c>www.example.org</c>, <c>example.org/grants</c>: 2,011
    /// recipients' addresses in four real files), is given <c>http://</c>, as a browser or Django's URLField reads it
    /// (a site served over https redirects); text with white space, an <c>@</c> (an e-mail address), another scheme, or
    /// a host without a dot and a top-level name of letters stays out.
    /// </summary>
    public static string? Published(string text)
    {
        var trimmed = text.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return trimmed;
        }

        if (trimmed.Contains("://", StringComparison.Ordinal) || trimmed.Any(c => char.IsWhiteSpace(c) || c == '@'))
        {
            return null;
        }

        var written = "http://" + trimmed;
        return
            Uri.TryCreate(written, UriKind.Absolute, out uri)
            && uri.HostNameType == UriHostNameType.Dns
            && uri.Host.LastIndexOf('.') is > 0 and var dot
            && uri.Host[(dot + 1)..] is { Length: >= 2 } top
            && top.All(char.IsAsciiLetter)
            ? written
            : null;
    }
}

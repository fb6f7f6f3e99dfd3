using System.Net;
using System.Text.RegularExpressions;

namespace FundAudit.Api.Tests.Pages;

/// <summary>A page as the server sent it.</summary>
internal sealed partial record HtmlPage(HttpResponseMessage Response, string Html)
{
    public HttpStatusCode Status => Response.StatusCode;

    /// <summary>The value of the first hidden input named <paramref name="name"/>, decoded.</summary>
    public string? Hidden(string name) =>
        HiddenInput()
            .Matches(Html)
            .Where(m => WebUtility.HtmlDecode(m.Groups["name"].Value) == name)
            .Select(m => WebUtility.HtmlDecode(m.Groups["value"].Value))
            .FirstOrDefault();

    /// <summary>The text of an element carrying <paramref name="attribute"/> (e.g. data-case-code).</summary>
    public string? TextOf(string attribute) =>
        Regex.Match(Html, "<[a-z0-9]+[^>]*\\s" + Regex.Escape(attribute) + "(=\"[^\"]*\")?[^>]*>(?<text>[^<]*)<")
            is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups["text"].Value).Trim()
            : null;

    public string Header(string name) =>
        Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : "";

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}

/// <summary>
/// A browser-like session over HTTP: keeps cookies by hand (the console cookie is Secure, which HttpClient's container
/// would not send over http), carries the antiforgery token of the last page into the next form, follows no redirect.
/// </summary>
internal sealed class PageSession(HttpClient client)
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    /// <summary>The Set-Cookie headers of the last response, as sent.</summary>
    public IReadOnlyList<string> LastSetCookies { get; private set; } = [];

    public string? AcceptLanguage { get; set; }

    /// <summary>The antiforgery field of the last page that had one.</summary>
    public string? Token { get; private set; }

    public Task<HtmlPage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>Posts a form; the last page's antiforgery token is added unless <paramref name="withToken"/> is false.</summary>
    public Task<HtmlPage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var all = fields.ToList();
        if (withToken && Token is not null)
        {
            all.Add(new("_form", Token));
        }

        return SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(all) });
    }

    public Task<HtmlPage> PostAsync(string url, params (string Name, string Value)[] fields) =>
        PostAsync(url, fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Posts with another session's cookies and token: a forged or mixed-up form.</summary>
    public Task<HtmlPage> PostWithAsync(
        IReadOnlyDictionary<string, string> cookies,
        string token,
        string url,
        params (string Name, string Value)[] fields
    )
    {
        foreach (var (name, value) in cookies)
        {
            _cookies[name] = value;
        }

        Token = token;
        return PostAsync(url, fields);
    }

    public void Forget(string cookie) => _cookies.Remove(cookie);

    public void Set(string cookie, string value) => _cookies[cookie] = value;

    private async Task<HtmlPage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        if (AcceptLanguage is not null)
        {
            request.Headers.Add("Accept-Language", AcceptLanguage);
        }

        var response = await client.SendAsync(request);
        LastSetCookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToList() : [];
        foreach (var header in LastSetCookies)
        {
            var pair = header.Split(';')[0];
            var name = pair[..pair.IndexOf('=', StringComparison.Ordinal)];
            var value = pair[(name.Length + 1)..];
            if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = value;
            }
        }

        var page = new HtmlPage(response, await response.Content.ReadAsStringAsync());
        if (page.Hidden("_form") is { } token)
        {
            Token = token;
        }

        return page;
    }
}

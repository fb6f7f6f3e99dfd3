using System.Net;
using System.Text.RegularExpressions;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// A browser-like client of the officers' console over HTTP, signed in through the sign-in page with a personal key.
/// Cookies are kept by hand (the session cookie is Secure outside Development, and a CookieContainer would not send it
/// over the test server's http), redirects are not followed, and the antiforgery token of the last page read is sent
/// with the next form, as a browser would.
/// </summary>
public sealed partial class ConsoleClient : IDisposable
{
    public const string SessionCookie = "fa_console";
    public const string FormCookie = "fa_form";
    public const string TokenField = "_form";

    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    private ConsoleClient(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    /// <summary>The antiforgery token of the last page read (null before any page with a form).</summary>
    public string? Token { get; private set; }

    /// <summary>A cookie the server has set and not deleted.</summary>
    public string? Cookie(string name) => _cookies.GetValueOrDefault(name);

    /// <summary>A client not signed in: it has only what a first visit gives (nothing until a page sets a cookie).</summary>
    public static ConsoleClient Anonymous(FundAuditApp app) =>
        new(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    /// <summary>Signs in the way a person does: the sign-in page, its token and cookie, the key posted, the session cookie kept.</summary>
    public static async Task<ConsoleClient> SignInAsync(FundAuditApp app, string key)
    {
        var client = Anonymous(app);
        await client.GetPageAsync("/app/sign-in");
        var response = await client.PostFormAsync("/app/sign-in", new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = "/app" });
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"Sign-in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.NotNull(client.Cookie(SessionCookie));
        return client;
    }

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// <summary>GETs a page, checks its status and answers its HTML (the page's form token is kept for the next post).</summary>
    public async Task<string> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"GET {path}: expected {(int)expected}, got {(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>Posts a form, with the last page's antiforgery token unless <paramref name="withToken"/> is false.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var values = fields.ToList();
        if (withToken)
        {
            values.Add(new(TokenField, Token ?? throw new InvalidOperationException("No page with a form was read before this post.")));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(values) };
        return await SendAsync(request);
    }

    /// <summary>Posts a form and answers the status and the HTML of the page that came back.</summary>
    public async Task<(HttpStatusCode Status, string Html)> PostPageAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var response = await PostFormAsync(path, fields, withToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value)));
        }

        var response = await Http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                Keep(header);
            }
        }

        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            await response.Content.LoadIntoBufferAsync();
            if (TokenPattern().Match(await response.Content.ReadAsStringAsync()) is { Success: true } token)
            {
                Token = WebUtility.HtmlDecode(token.Groups[1].Value);
            }
        }

        return response;
    }

    /// <summary>Applies one Set-Cookie header: a value is kept, an empty or expired one deletes the cookie.</summary>
    private void Keep(string header)
    {
        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        var eq = parts[0].IndexOf('=', StringComparison.Ordinal);
        var (name, value) = (parts[0][..eq], parts[0][(eq + 1)..]);
        var expired = parts.Skip(1).Any(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(p["expires=".Length..], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            && at < DateTimeOffset.UtcNow);
        if (value.Length == 0 || expired)
        {
            _cookies.Remove(name);
        }
        else
        {
            _cookies[name] = value;
        }
    }

    [GeneratedRegex("name=\"" + TokenField + "\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => Http.Dispose();
}

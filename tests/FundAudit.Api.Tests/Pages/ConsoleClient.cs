using System.Net;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// A browser-like client of the officers' console over HTTP, signed in as a person (see <see cref="TestPeople"/>):
/// a <see cref="PageSession"/> (cookies by hand, no redirect followed, the last page's antiforgery token sent with the
/// next form) with the assertions the console tests repeat.
/// </summary>
public sealed class ConsoleClient : IDisposable
{
    public const string SessionCookie = "fa_console";
    public const string FormCookie = "fa_form";
    public const string TokenField = "_form";

    private readonly PageSession _session;

    private ConsoleClient(HttpClient http)
    {
        Http = http;
        _session = new PageSession(http);
    }

    public HttpClient Http { get; }

    /// <summary>The antiforgery token of the last page read (null before any page with a form).</summary>
    public string? Token => _session.Token;

    /// <summary>The Accept-Language header sent with every request (null: none).</summary>
    public string? AcceptLanguage
    {
        get => _session.AcceptLanguage;
        set => _session.AcceptLanguage = value;
    }

    /// <summary>A cookie the server has set and not deleted.</summary>
    public string? Cookie(string name) => _session.Cookies.GetValueOrDefault(name);

    /// <summary>A client not signed in: it has only what a first visit gives (nothing until a page sets a cookie).</summary>
    public static ConsoleClient Anonymous(FundAuditApp app) =>
        new(
            app.CreateClient(
                new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
            )
        );

    /// <summary>Signs in as the person behind a key (<see cref="TestPeople"/>): enrolled through their invitation the
    /// first time, then through the sign-in form; the session cookie kept.</summary>
    public static Task<ConsoleClient> SignInAsync(FundAuditApp app, string key) =>
        SignInAsync(app, Anonymous(app), key);

    /// <summary>The same on an app with other settings (<see cref="FundAuditApp.WithWebHostBuilder"/>) over the same
    /// database.</summary>
    public static Task<ConsoleClient> SignInAsync(FundAuditApp app, ContractCheckedFactory other, string key) =>
        SignInAsync(
            app,
            new ConsoleClient(
                other.CreateClient(
                    new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
                )
            ),
            key
        );

    /// <summary>The same over <paramref name="http"/> (a client of a differently configured app, for example).</summary>
    public static Task<ConsoleClient> SignInAsync(FundAuditApp app, HttpClient http, string key) =>
        SignInAsync(app, new ConsoleClient(http), key);

    private static async Task<ConsoleClient> SignInAsync(FundAuditApp app, ConsoleClient client, string key)
    {
        await TestPeople.SignInAsync(app, client._session, key);
        Assert.NotNull(client.Cookie(SessionCookie));
        return client;
    }

    public async Task<HttpResponseMessage> GetAsync(string path) => (await _session.GetAsync(path)).Response;

    /// <summary>GETs a page, checks its status and answers its HTML (the page's form token is kept for the next post).</summary>
    public async Task<string> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var page = await _session.GetAsync(path);
        Assert.True(
            expected == page.Status,
            $"GET {path}: expected {(int)expected}, got {(int)page.Status}: {page.Html}"
        );
        return page.Html;
    }

    /// <summary>Posts a form, with the last page's antiforgery token unless <paramref name="withToken"/> is false.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(
        string path,
        IEnumerable<KeyValuePair<string, string>> fields,
        bool withToken = true
    )
    {
        if (withToken && Token is null)
        {
            throw new InvalidOperationException("No page with a form was read before this post.");
        }

        return (await _session.PostAsync(path, fields, withToken)).Response;
    }

    /// <summary>Posts a form and answers the status and the HTML of the page that came back.</summary>
    public async Task<(HttpStatusCode Status, string Html)> PostPageAsync(
        string path,
        IEnumerable<KeyValuePair<string, string>> fields,
        bool withToken = true
    )
    {
        var page = await _session.PostAsync(path, fields, withToken);
        return (page.Status, page.Html);
    }

    public void Dispose() => Http.Dispose();
}

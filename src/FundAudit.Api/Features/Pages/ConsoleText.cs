using System.Resources;
using Microsoft.AspNetCore.Localization;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The console's text: ConsoleText.resx (English, the fallback) and ConsoleText.{es,fr,pt}.resx, kept apart from the
/// defender's <see cref="PageText"/>. Components read it through <c>IStringLocalizer&lt;ConsoleText&gt;</c>; handlers
/// (titles, notices, problems shown beside fields) through <see cref="T"/>, in the request's culture.
/// </summary>
public sealed class ConsoleText
{
    private static readonly ResourceManager Resources = new(
        typeof(ConsoleText).FullName!,
        typeof(ConsoleText).Assembly
    );

    /// <summary>The languages the console speaks, English first (the fallback).</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "es", "fr", "pt"];

    /// <summary>The cookie that keeps the console's language once a <c>?lang=</c> link picked it (path /app).</summary>
    public const string LanguageCookie = "fa_lang";

    /// <summary>The text of <paramref name="key"/> in the current UI culture, its arguments formatted in the current
    /// culture; the key itself when no language has it (a test checks every used key exists).</summary>
    public static string T(string key, params object?[] args)
    {
        var text = Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key;
        return args.Length == 0 ? text : string.Format(CultureInfo.CurrentCulture, text, args);
    }

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/> (tests compare with it).</summary>
    public static string? Get(string key, string language) =>
        Resources.GetString(key, CultureInfo.GetCultureInfo(language));

    /// <summary>A language's name in that language, for the shell's language links.</summary>
    public static string NativeName(string language) => Get("Lang_Name", language) ?? language;

    /// <summary>The keys of one language's own file (no fallback).</summary>
    public static IReadOnlyList<string> Keys(string? language = null) => PageText.KeysOf(Resources, language);

    /// <summary>
    /// The console's language: <c>?lang=</c>, then the language cookie a <c>?lang=</c> link set (so links, forms and
    /// redirects keep it), then Accept-Language, else English.
    /// </summary>
    public static RequestLocalizationOptions LocalizationOptions()
    {
        var cultures = Languages.Select(CultureInfo.GetCultureInfo).ToList();
        return new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("en"),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
            ApplyCurrentCultureToResponseHeaders = true,
            RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider
                {
                    QueryStringKey = PageText.LanguageKey,
                    UIQueryStringKey = PageText.LanguageKey,
                },
                new CookieRequestCultureProvider { CookieName = LanguageCookie },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ],
        };
    }

    /// <summary>Keeps a language picked by a <c>?lang=</c> link in a cookie for the console's other pages.</summary>
    public static Task RememberLanguageAsync(HttpContext http, Func<Task> next)
    {
        var asked = http.Request.Query[PageText.LanguageKey].ToString();
        if (Languages.FirstOrDefault(l => l.Equals(asked, StringComparison.OrdinalIgnoreCase)) is { } language)
        {
            http.Response.Cookies.Append(
                LanguageCookie,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
                new CookieOptions
                {
                    Path = "/app",
                    HttpOnly = true,
                    Secure = http.Request.IsHttps,
                    SameSite = SameSiteMode.Lax,
                    MaxAge = TimeSpan.FromDays(365),
                    IsEssential = true,
                }
            );
        }

        return next();
    }

    /// <summary>The current page's address with <c>?lang=</c> set to <paramref name="language"/> (other query
    /// values kept), for the shell's language links.</summary>
    public static string LinkIn(HttpContext http, string language)
    {
        var query = http
            .Request.Query.Where(q => !q.Key.Equals(PageText.LanguageKey, StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new KeyValuePair<string, string?>(PageText.LanguageKey, language));
        return http.Request.PathBase + http.Request.Path + QueryString.Create(query);
    }
}

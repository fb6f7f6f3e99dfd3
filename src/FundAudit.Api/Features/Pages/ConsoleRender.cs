using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>The console's frame: title, who is signed in, which section is current, the token for its forms, a
/// notice.</summary>
public sealed record ConsoleChrome(
    string Title,
    string Section,
    string? Person,
    string? Role,
    FormToken Token,
    string? Notice = null,
    bool NoticeIsError = false
)
{
    public bool SignedIn => Person is not null;

    /// <summary>The page's language (<c>&lt;html lang&gt;</c>).</summary>
    public string Lang { get; init; } = "en";

    /// <summary>This page in each of the console's languages: (language, address).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> LanguageLinks { get; init; } = [];
}

/// <summary>
/// Renders console pages. Console components take their data as <c>object Data</c> and cast it to the internal record
/// their handler built: Razor components are public classes, and the use cases' records are internal.
/// </summary>
internal static class ConsoleRender
{
    public static IResult Page<TComponent>(
        HttpContext http,
        string title,
        string section,
        object data,
        string? notice = null,
        bool noticeIsError = false,
        int status = StatusCodes.Status200OK
    )
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        PageResult.Render<TComponent>(
            new { Chrome = Chrome(http, title, section, notice, noticeIsError), Data = data },
            status
        );

    public static IResult Message(HttpContext http, string title, string text, int status) =>
        PageResult.Render<ConsoleMessage>(new { Chrome = Chrome(http, title, "", null, false), Text = text }, status);

    public static ConsoleChrome Chrome(
        HttpContext http,
        string title,
        string section,
        string? notice,
        bool noticeIsError
    )
    {
        var user = http.User;
        var signedIn =
            user.Identity?.IsAuthenticated == true
            && user.Identity.AuthenticationType == ConsoleSessionHandler.SchemeName;
        return new ConsoleChrome(
            title,
            section,
            signedIn ? Display(user) : null,
            signedIn ? user.Role() : null,
            PageSecurity.Token(http),
            notice,
            noticeIsError
        ).InLanguage(http);
    }

    /// <summary>The frame of a page nobody is signed in to (sign-in, self-seizure).</summary>
    public static ConsoleChrome Anonymous(HttpContext http, string title) =>
        new ConsoleChrome(title, "", null, null, PageSecurity.Token(http)).InLanguage(http);

    /// <summary>The request's language (set by the console's request localization) and the language links.</summary>
    private static ConsoleChrome InLanguage(this ConsoleChrome chrome, HttpContext http)
    {
        var lang = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        return chrome with
        {
            Lang = ConsoleText.Languages.Contains(lang) ? lang : "en",
            LanguageLinks = ConsoleText
                .Languages.Select(l => KeyValuePair.Create(l, ConsoleText.LinkIn(http, l)))
                .ToList(),
        };
    }

    /// <summary>The person's display name, else their key's label, else the key.</summary>
    private static string Display(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Name) ?? user.FindFirstValue(FunderClaims.Person) ?? user.Actor();
}

using System.Resources;
using Microsoft.AspNetCore.Localization;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The defender's pages' text: PageText.resx (English, the fallback) and PageText.{es,fr,pt,ar,ru,sw}.resx. Pages
/// read it through <c>IStringLocalizer&lt;PageText&gt;</c>; nothing shown to an applicant is written in the markup.
/// </summary>
public sealed class PageText
{
    private static readonly ResourceManager Resources = new(typeof(PageText).FullName!, typeof(PageText).Assembly);

    /// <summary>The languages the pages speak, English first (the fallback).</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "es", "fr", "pt", "ar", "ru", "sw"];

    /// <summary>The query-string key that picks a language (<c>?lang=es</c>); no cookie remembers it.</summary>
    public const string LanguageKey = "lang";

    /// <summary>A language's name in that language, for the language links.</summary>
    public static string NativeName(string language) =>
        Resources.GetString("Lang_Name", CultureInfo.GetCultureInfo(language)) ?? language;

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/> (tests compare the resource files
    /// with it).</summary>
    public static string? Get(string key, string language) =>
        Resources.GetString(key, CultureInfo.GetCultureInfo(language));

    /// <summary>The keys of one language's own file (no fallback): tests check every language has every English
    /// key.</summary>
    public static IReadOnlyList<string> Keys(string? language = null) => KeysOf(Resources, language);

    /// <summary>The keys of one language's own resource file of <paramref name="resources"/> (no fallback; English is
    /// the neutral file), for the defender's and the console's texts alike.</summary>
    internal static IReadOnlyList<string> KeysOf(ResourceManager resources, string? language)
    {
        var culture = language is null or "en" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(language);
        // cached by the manager: never dispose it
        var set = resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false);
        return set is null
            ? []
            : set.Cast<System.Collections.DictionaryEntry>()
                .Select(e => (string)e.Key)
                .Order(StringComparer.Ordinal)
                .ToList();
    }

    /// <summary>Picks the language from <c>?lang=</c>, then Accept-Language; never from a cookie.</summary>
    public static void ConfigureLocalization(RequestLocalizationOptions options)
    {
        var cultures = Languages.Select(CultureInfo.GetCultureInfo).ToList();
        options.DefaultRequestCulture = new RequestCulture("en");
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        options.ApplyCurrentCultureToResponseHeaders = true;
        options.RequestCultureProviders =
        [
            new QueryStringRequestCultureProvider { QueryStringKey = LanguageKey, UIQueryStringKey = LanguageKey },
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }
}

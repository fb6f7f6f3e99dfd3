using System.Text;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// Which language a fund's pages speak: the fund's <c>languages</c> decide which of the pages' languages are offered
/// (in the fund's order); <c>?lang=</c> picks one of them, else the best of Accept-Language, else the fund's first.
/// Also how numbers and dates are written for a culture, and how numbers typed in other digits are read.
/// </summary>
internal static class PageLanguage
{
    private const string OfferedKey = "fundaudit.page-languages";

    /// <summary>
    /// The pages' languages a fund offers, in the order the fund lists them: "pt-BR" offers "pt". A fund that lists
    /// none of them (or nothing) offers them all, so its form is never without a language.
    /// </summary>
    public static IReadOnlyList<string> Offered(string fundLanguages)
    {
        var offered = fundLanguages
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Match)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return offered.Count > 0 ? offered : PageText.Languages;
    }

    /// <summary>
    /// The language to answer in: the link's, if offered; else the best offered one in Accept-Language; else the first.
    /// </summary>
    public static string Choose(HttpContext http, IReadOnlyList<string> offered)
    {
        if (Match(http.Request.Query[PageText.LanguageKey].ToString()) is { } linked && offered.Contains(linked))
        {
            return linked;
        }

        var accepted = http
            .Request.GetTypedHeaders()
            .AcceptLanguage.Where(h => h.Quality is null or > 0)
            .OrderByDescending(h => h.Quality ?? 1); // stable: equal qualities keep the header's order
        foreach (var header in accepted)
        {
            if (Match(header.Value.ToString()) is { } wanted && offered.Contains(wanted))
            {
                return wanted;
            }
        }

        return offered[0];
    }

    /// <summary>
    /// Chooses the language for this fund's page and makes it the current culture of this handler; the returned wrapper
    /// renders the page in it too (a culture set in an async handler does not flow back to the code that renders its
    /// result).
    /// </summary>
    public static IReadOnlyList<string> Apply(HttpContext http, string fundLanguages)
    {
        var offered = Offered(fundLanguages);
        var culture = CultureInfo.GetCultureInfo(Choose(http, offered));
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        http.Response.Headers.ContentLanguage = culture.Name;
        http.Items[OfferedKey] = offered;
        return offered;
    }

    /// <summary>The languages <see cref="Apply"/> found for this request's fund, or null (no fund).</summary>
    public static IReadOnlyList<string>? OfferedFor(HttpContext http) =>
        http.Items[OfferedKey] as IReadOnlyList<string>;

    /// <summary>Renders <paramref name="inner"/> in the current culture of the handler that built it.</summary>
    public static IResult InCurrentCulture(IResult inner) => new CultureResult(inner, CultureInfo.CurrentCulture);

    /// <summary>
    /// A number or date as the culture writes it, in the culture's own digits where it has them (Arabic: ٠١٢٣٤٥٦٧٨٩,
    /// as ICU's default numbering for "ar"; .NET formats with the culture's separators but Western digits).
    /// </summary>
    public static string Digits(string formatted, CultureInfo culture)
    {
        var native = culture.NumberFormat.NativeDigits;
        if (native.Length != 10 || native[0] == "0")
        {
            return formatted;
        }

        var builder = new StringBuilder(formatted.Length);
        foreach (var ch in formatted)
        {
            builder.Append(ch is >= '0' and <= '9' ? native[ch - '0'] : ch.ToString());
        }

        return builder.ToString();
    }

    /// <summary>
    /// A typed number in plain ASCII: any script's decimal digits (Arabic-Indic ١٢٣, Persian ۱۲۳, …) as 0-9, the Arabic
    /// decimal separator (٫) as a dot and the Arabic comma (،) as a comma; spaces of every width, the Arabic thousands
    /// separator (٬) and direction marks are dropped.
    /// </summary>
    public static string NormalizeNumber(string typed)
    {
        var builder = new StringBuilder(typed.Length);
        foreach (var ch in typed)
        {
            if (
                char.IsWhiteSpace(ch)
                || ch
                    is '\u066c'
                        or '\u200e'
                        or '\u200f'
                        or '\u061c'
                        or (>= '\u202a' and <= '\u202e')
                        or (>= '\u2066' and <= '\u2069')
            )
            {
                continue;
            }

            if (
                char.GetUnicodeCategory(ch) == UnicodeCategory.DecimalDigitNumber
                && char.GetNumericValue(ch) is >= 0 and <= 9 and var v
            )
            {
                builder.Append((char)('0' + (int)v));
            }
            else
            {
                builder.Append(
                    ch switch
                    {
                        '\u066b' => '.',
                        '\u060c' => ',',
                        _ => ch,
                    }
                );
            }
        }

        return builder.ToString();
    }

    /// <summary>The pages' language a BCP 47 tag names, in itself ("ar-SD" → "العربية"), or null.</summary>
    public static string? NativeNameOf(string tag) => Match(tag) is { } language ? PageText.NativeName(language) : null;

    /// <summary>The page language a BCP 47 tag asks for ("pt-BR" → "pt"), or null.</summary>
    private static string? Match(string? tag) =>
        string.IsNullOrWhiteSpace(tag)
            ? null
            : PageText.Languages.FirstOrDefault(l =>
                tag.Equals(l, StringComparison.OrdinalIgnoreCase)
                || tag.StartsWith(l + "-", StringComparison.OrdinalIgnoreCase)
            );

    private sealed class CultureResult(IResult inner, CultureInfo culture) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            await inner.ExecuteAsync(httpContext);
        }
    }
}

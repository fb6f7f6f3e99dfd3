using FundAudit.Api.Features.Audit.Charts;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// Numbers, amounts, dates and times on console pages, in the request's culture (<c>?lang=</c>, the language
/// cookie or Accept-Language): "1,500.00" in English, "1.500,00" in Spanish and Portuguese, "1 500,00" in French.
/// English keeps ISO dates (2025-03-31), as the console always wrote them; the other languages write their own
/// short dates (31/03/2025). Values put in links and form fields stay invariant (<see cref="ConsolePortfolio.Day"/>).
/// </summary>
internal static class ConsoleFormat
{
    private static CultureInfo Culture => CultureInfo.CurrentCulture;

    private static bool English => Culture.TwoLetterISOLanguageName == "en";

    /// <summary>A whole number with the culture's group separators.</summary>
    public static string Count(long n) => n.ToString("N0", Culture);

    /// <summary>An amount with two decimals.</summary>
    public static string Money(decimal amount) => amount.ToString("N2", Culture);

    /// <summary>A number in a custom pattern ("0.00", "0.0") with the culture's decimal separator.</summary>
    public static string Number(decimal value, string format) => value.ToString(format, Culture);

    /// <summary>A date: ISO in English, the culture's short date otherwise.</summary>
    public static string Date(DateOnly date) =>
        English ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : date.ToString("d", Culture);

    /// <summary>A date of an instant (UTC).</summary>
    public static string Date(DateTimeOffset at) => Date(DateOnly.FromDateTime(at.UtcDateTime));

    /// <summary>An instant to the minute, in UTC, marked so.</summary>
    public static string When(DateTimeOffset at) =>
        (
            English
                ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
                : at.UtcDateTime.ToString("d", Culture) + " " + at.UtcDateTime.ToString("HH:mm", Culture)
        ) + " UTC";

    /// <summary>The text of an audit chart drawn on a console page: the page's language, its culture's numbers and
    /// this class's dates (the API's charts stay invariant).</summary>
    public static ChartText Chart() => new(CultureInfo.CurrentUICulture, Culture, Date);

    /// <summary>An instant to the second, in UTC, marked so.</summary>
    public static string WhenSeconds(DateTimeOffset at) =>
        (
            English
                ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                : at.UtcDateTime.ToString("d", Culture) + " " + at.UtcDateTime.ToString("HH:mm:ss", Culture)
        ) + " UTC";
}

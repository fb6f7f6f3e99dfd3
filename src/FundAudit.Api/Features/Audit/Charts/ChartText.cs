using System.Resources;

namespace FundAudit.Api.Features.Audit.Charts;

/// <summary>
/// The words and numbers inside an audit chart: titles, axis names, the legend's heading and the names of levels and
/// purposes, from ChartText.resx (English) and ChartText.{es,fr,pt}.resx. The API's SVG exports use
/// <see cref="Invariant"/> (English, the taxonomy's codes as they are, invariant numbers and ISO dates, as they always
/// were); a console page passes its own language, culture and date format.
/// </summary>
internal sealed class ChartText(CultureInfo language, CultureInfo culture, Func<DateOnly, string> date)
{
    private static readonly ResourceManager Resources = new(typeof(ChartText).FullName!, typeof(ChartText).Assembly);

    /// <summary>The API's text: English, codes as they are, invariant numbers, ISO dates.</summary>
    public static ChartText Invariant { get; } =
        new(CultureInfo.InvariantCulture, CultureInfo.InvariantCulture, d =>
            d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        );

    /// <summary>The culture numbers are written in.</summary>
    public CultureInfo Culture => culture;

    private bool IsInvariant => ReferenceEquals(language, CultureInfo.InvariantCulture);

    /// <summary>The text of <paramref name="key"/> with <paramref name="args"/> in its placeholders, numbers in the
    /// chart's culture.</summary>
    public string T(string key, params object?[] args) =>
        string.Format(culture, Resources.GetString(key, language) ?? key, args);

    /// <summary>A level's or purpose's name (its code in the API's charts).</summary>
    public string Name(string code) => IsInvariant ? code : Resources.GetString("Name_" + code, language) ?? code;

    /// <summary>A date as the chart's reader writes it.</summary>
    public string Date(DateOnly day) => date(day);

    /// <summary>A share or value with up to two decimals.</summary>
    public string Number(decimal value) => value.ToString("0.##", culture);

    /// <summary>The keys of one language's own file (no fallback); English when <paramref name="language"/> is
    /// null.</summary>
    public static IReadOnlyList<string> Keys(string? language = null) => Pages.PageText.KeysOf(Resources, language);

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/> (tests compare with it).</summary>
    public static string? Get(string key, string language) =>
        Resources.GetString(key, CultureInfo.GetCultureInfo(language));
}

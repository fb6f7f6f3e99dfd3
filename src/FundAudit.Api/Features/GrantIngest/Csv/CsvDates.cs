using System.Numerics;
using System.Text.RegularExpressions;

namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>
/// The date forms a grant CSV may use: ISO 8601 (date or date-time, any offset: the date part is kept),
/// <c>DD/MM/YYYY</c> or <c>MM/DD/YYYY</c> (optionally with <c>HH:MM[:SS]</c>), <c>MM/YYYY</c> (the first of the month)
/// and <c>D Month YYYY</c> with an English month name (unambiguous, seen in published files).
/// </summary>
internal static partial class CsvDates
{
    internal enum Outcome
    {
        Ok,

        /// <summary>Not one of the accepted forms.</summary>
        Unrecognised,

        /// <summary>An accepted form, but no such day (31/02/2020).</summary>
        Impossible,
    }

    /// <summary>Evidence a three-part slash date gives about the date order.</summary>
    internal enum Evidence
    {
        None,
        Ambiguous,
        DayFirst,
        MonthFirst,
    }

    /// <summary>For pass 1: what <paramref name="text"/> says about day-first or month-first.</summary>
    public static Evidence Examine(ReadOnlySpan<char> text)
    {
        var m = SlashDate().Match(text.Trim().ToString());
        if (!m.Success)
        {
            return Evidence.None;
        }

        var a = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var b = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return (a, b) switch
        {
            _ when a == b => Evidence.None, // 05/05/2020 reads the same both ways
            _ when a > 12 && b is >= 1 and <= 12 => Evidence.DayFirst,
            _ when b > 12 && a is >= 1 and <= 12 => Evidence.MonthFirst,
            _ when a <= 12 && b <= 12 => Evidence.Ambiguous,
            _ => Evidence.None, // impossible either way: a row error later
        };
    }

    /// <summary>Parses a date cell. <paramref name="order"/> decides three-part slash dates (none: read
    /// day-first).</summary>
    public static Outcome TryParse(string text, DateOrder order, out DateOnly date)
    {
        date = default;
        var s = text.Trim();
        if (TryParsePlainIso(s.AsSpan(), out var isoYear, out var isoMonth, out var isoDay))
        {
            return Make(isoYear, isoMonth, isoDay, true, out date);
        }

        var iso = IsoDate().Match(s);
        if (iso.Success)
        {
            return Make(Int(iso, "y"), Int(iso, "m"), Int(iso, "d"), TimeOk(iso), out date);
        }

        var slash = SlashDate().Match(s);
        if (slash.Success)
        {
            var a = Int(slash, 1);
            var b = Int(slash, 2);
            var (day, month) = order == DateOrder.MonthFirst ? (b, a) : (a, b);
            return Make(Int(slash, 3), month, day, TimeOk(slash), out date);
        }

        var monthYear = MonthYear().Match(s);
        if (monthYear.Success)
        {
            return Make(Int(monthYear, 2), Int(monthYear, 1), 1, true, out date);
        }

        var named = NamedMonth().Match(s);
        if (named.Success && MonthNumber(named.Groups[2].Value) is { } namedMonth)
        {
            return Make(Int(named, 3), namedMonth, Int(named, 1), true, out date);
        }

        return Outcome.Unrecognised;
    }

    /// <summary>
    /// The usual cell as UTF-8, read without making it a string: true with the date when it is exactly
    /// <c>YYYY-MM-DD</c>
    /// and such a day exists (what <see cref="TryParse"/> says of it); false for anything else, which TryParse then
    /// reads.
    /// </summary>
    public static bool TryParsePlain(ReadOnlySpan<byte> utf8, out DateOnly date)
    {
        date = default;
        return TryParsePlainIso(utf8, out var year, out var month, out var day)
            && Make(year, month, day, true, out date) == Outcome.Ok;
    }

    /// <summary>
    /// The usual cell, exactly <c>YYYY-MM-DD</c> in ASCII digits: what <see cref="IsoDate"/> matches without a time,
    /// read without the pattern (which costs more than the rest of the row's cells together). Anything else returns
    /// false.
    /// </summary>
    private static bool TryParsePlainIso<T>(ReadOnlySpan<T> s, out int year, out int month, out int day)
        where T : unmanaged, IBinaryInteger<T>
    {
        year = month = day = 0;
        T zero = T.CreateTruncating('0'),
            nine = T.CreateTruncating('9'),
            dash = T.CreateTruncating('-');
        if (
            s.Length != 10
            || s[4] != dash
            || s[7] != dash
            || s[..4].ContainsAnyExceptInRange(zero, nine)
            || s[5..7].ContainsAnyExceptInRange(zero, nine)
            || s[8..].ContainsAnyExceptInRange(zero, nine)
        )
        {
            return false;
        }

        year = (Digit(s[0]) * 1000) + (Digit(s[1]) * 100) + (Digit(s[2]) * 10) + Digit(s[3]);
        month = (Digit(s[5]) * 10) + Digit(s[6]);
        day = (Digit(s[8]) * 10) + Digit(s[9]);
        return true;

        static int Digit(T c) => int.CreateTruncating(c) - '0';
    }

    /// <summary>January to December, as the invariant culture names them (its 13th name is empty).</summary>
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];

    /// <summary>The month a name (ASCII letters, any case) gives in full or by its first three letters.</summary>
    private static int? MonthNumber(string name)
    {
        for (var i = 0; i < MonthNames.Length; i++)
        {
            if (
                name.Equals(MonthNames[i], StringComparison.OrdinalIgnoreCase)
                || (name.Length == 3 && MonthNames[i].StartsWith(name, StringComparison.OrdinalIgnoreCase))
            )
            {
                return i + 1;
            }
        }

        return null;
    }

    private static Outcome Make(int year, int month, int day, bool timeOk, out DateOnly date)
    {
        date = default;
        if (!timeOk || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return Outcome.Impossible;
        }

        date = new DateOnly(year, month, day);
        return Outcome.Ok;
    }

    private static bool TimeOk(Match m) =>
        (!m.Groups["h"].Success || Int(m, "h") < 24)
        && (!m.Groups["mi"].Success || Int(m, "mi") < 60)
        && (!m.Groups["s"].Success || Int(m, "s") < 60);

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static int Int(Match m, int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(
        @"^(?<y>[0-9]{4})-(?<m>[0-9]{2})-(?<d>[0-9]{2})"
            + @"(?:[T ](?<h>[0-9]{2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2})(?:[.,][0-9]{1,9})?)?"
            + @"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$",
        RegexOptions.CultureInvariant
    )]
    private static partial Regex IsoDate();

    [GeneratedRegex(
        @"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?: (?<h>[0-9]{1,2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2}))?)?$",
        RegexOptions.CultureInvariant
    )]
    private static partial Regex SlashDate();

    [GeneratedRegex(@"^([0-9]{1,2})/([0-9]{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthYear();

    [GeneratedRegex(@"^([0-9]{1,2}) ([A-Za-z]{3,9}) ([0-9]{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex NamedMonth();
}

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// An amount of money as a person types it, in any of the pages' languages, after
/// <see cref="PageLanguage.NormalizeNumber"/> (other digits, Arabic separators and spaces already folded). Dot and
/// comma are both read, by position, never by guessing from the language: a separator followed by one or two digits at
/// the end is the decimal mark ("1500,50", "1,200.50", "1.200,50"); a separator followed by three digits groups
/// thousands ("1,200", "1.200", "1 200 000"), since money has at most two decimals. Anything else (mixed grouping, a
/// group that is not three digits, two decimal marks) is refused, so the person is asked again instead of a request
/// for 1.2 being sent when 1,200 was meant.
/// </summary>
internal static class TypedAmount
{
    public static bool TryParse(string? typed, out decimal amount)
    {
        amount = 0;
        var text = typed?.Trim() ?? "";
        if (text.Length == 0 || text.Any(c => c is not (>= '0' and <= '9' or '.' or ',')))
        {
            return false;
        }

        var last = text.LastIndexOfAny(['.', ',']);
        if (last < 0)
        {
            return decimal.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount);
        }

        var decimals = text.Length - last - 1;
        var (whole, fraction) = decimals is 1 or 2 ? (text[..last], text[(last + 1)..]) : (text, "");
        if (decimals is not (1 or 2 or 3) || !IsGrouped(whole, text[last], decimalMark: decimals is not 3))
        {
            return false;
        }

        var digits = new string(whole.Where(char.IsAsciiDigit).ToArray());
        return decimal.TryParse(
            fraction.Length > 0 ? digits + "." + fraction : digits,
            NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture,
            out amount
        );
    }

    /// <summary>
    /// Whether <paramref name="whole"/> is digits, optionally grouped by threes with one separator throughout: the
    /// other one than <paramref name="last"/> when that is the decimal mark, else <paramref name="last"/> itself.
    /// </summary>
    private static bool IsGrouped(string whole, char last, bool decimalMark)
    {
        var separators = whole.Where(c => c is '.' or ',').Distinct().ToList();
        if (separators.Count == 0)
        {
            return whole.Length > 0;
        }

        if (separators.Count > 1 || (separators[0] == last) == decimalMark)
        {
            return false;
        }

        var groups = whole.Split(separators[0]);
        return groups[0].Length is >= 1 and <= 3 && groups.Skip(1).All(g => g.Length == 3);
    }
}

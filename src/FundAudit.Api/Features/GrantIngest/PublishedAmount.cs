using System.Globalization;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// An amount in a published 360Giving JSON or CSV file, read as a spreadsheet keeps it. Files converted from a
/// workbook carry the binary noise of a double (<c>41133.770000000004</c> for the cell <c>41133.77</c>); the XLSX
/// reader writes every number cell with the 15 significant digits Excel keeps, and the JSON package and the CSV import
/// (<c>GrantRowBuilder</c>) get the same reading, so one publisher's workbook and its JSON and CSV twins import alike.
/// </summary>
internal static class PublishedAmount
{
    private const int SignificantDigits = 15;

    /// <summary>The finest minor unit of any currency FundAudit knows (4 decimals).</summary>
    private const int FinestDecimals = 4;

    /// <summary>
    /// The amount rounded to 15 significant digits when that drops only digits beyond the fourth decimal place (the
    /// finest minor unit of any currency) and leaves at most four decimals; any other amount as sent. So a real
    /// fraction of a minor unit (<c>1.005</c> GBP, <c>1.0000001</c>) is still refused by the currency's rule, and
    /// no digit a person wrote is ever changed.
    /// </summary>
    public static decimal? WithoutDoubleNoise(decimal? amount) =>
        amount is { } value ? WithoutDoubleNoise(value) : null;

    /// <inheritdoc cref="WithoutDoubleNoise(decimal?)"/>
    public static decimal WithoutDoubleNoise(decimal value)
    {
        if (value.Scale <= FinestDecimals)
        {
            return value; // nothing beyond the fourth decimal to drop: every amount a person wrote, read at no cost
        }

        var whole = decimal.Truncate(Math.Abs(value));
        var wholeDigits = whole == 0 ? 0 : whole.ToString(CultureInfo.InvariantCulture).Length;
        var decimals = SignificantDigits - wholeDigits;
        if (decimals <= FinestDecimals)
        {
            return value;
        }

        var rounded = Math.Round(value, decimals, MidpointRounding.ToEven);
        if (rounded == value || Math.Round(rounded, FinestDecimals) != rounded)
        {
            return value;
        }

        // Without the trailing zeros of the rounding's scale: 41133.77, as the spreadsheet shows it.
        return decimal.Parse(
            rounded.ToString("G29", CultureInfo.InvariantCulture),
            NumberStyles.Float,
            CultureInfo.InvariantCulture
        );
    }
}

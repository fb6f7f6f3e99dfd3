using System.Globalization;

namespace FundAudit.Core.Money;

/// <summary>Converts between decimal amounts as people write them and <c>long</c> minor units.</summary>
public static class MinorUnits
{
    /// <summary>
    /// Converts a decimal amount to minor units of <paramref name="currency"/>.
    /// Fails (returns false) when the amount has more decimals than the currency allows
    /// or does not fit in a long: money is never rounded silently.
    /// </summary>
    public static bool TryFromDecimal(decimal amount, string currency, out long minor)
    {
        minor = 0;
        if (!Currencies.IsKnown(currency))
        {
            return false;
        }

        var scaled = amount * Pow10(Currencies.Exponent(currency));
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue || scaled < long.MinValue)
        {
            return false;
        }

        minor = (long)scaled;
        return true;
    }

    public static decimal ToDecimal(long minor, string currency) => minor / Pow10(Currencies.Exponent(currency));

    /// <summary>Parses an invariant-culture number ("1234.50", "1,234.50") to minor units.</summary>
    public static bool TryParse(string? text, string currency, out long minor)
    {
        minor = 0;
        return TryParseNumber(text, out var value) && TryFromDecimal(value, currency, out minor);
    }

    /// <summary>Parses an invariant-culture number ("1234.50", "1,234.50") as written, every digit kept.</summary>
    public static bool TryParseNumber(string? text, out decimal value)
    {
        value = 0;
        return !string.IsNullOrWhiteSpace(text)
            && decimal.TryParse(
                text.Trim(),
                NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands,
                CultureInfo.InvariantCulture,
                out value
            );
    }

    private static decimal Pow10(int exponent) =>
        exponent switch
        {
            0 => 1m,
            1 => 10m,
            2 => 100m,
            3 => 1000m,
            4 => 10000m,
            _ => throw new ArgumentOutOfRangeException(nameof(exponent)),
        };
}

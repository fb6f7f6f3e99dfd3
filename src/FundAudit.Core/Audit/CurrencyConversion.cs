using FundAudit.Core.Money;

namespace FundAudit.Core.Audit;

/// <summary>
/// Converts minor units of one currency to minor units of another with exact decimal arithmetic.
/// <para>
/// The rule (one, documented): rates are quoted against a common base (1 base = <c>rate</c> units of the
/// currency, the ECB convention). An amount of <c>a</c> minor units of S converts to T as
/// <c>a × rate(T) × 10^e(T) / (rate(S) × 10^e(S))</c>, computed in <see cref="decimal"/> (28 significant digits),
/// then rounded <b>once</b>, half to even (banker's rounding), to T's minor unit. The amount rounded once is the
/// exact sum of the grants of one currency awarded on one day with the same level, purpose and flexibility (and
/// region, country or programme when a report groups by them): they share the rate. For a portfolio with one grant
/// per such group it is exactly one rounding per grant; cells and totals are sums of those rounded amounts and are
/// never rounded again.
/// </para>
/// </summary>
public static class CurrencyConversion
{
    public static long Convert(long amountMinor, string source, decimal sourceRate, string target, decimal targetRate)
    {
        if (sourceRate <= 0 || targetRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceRate), "Rates are positive.");
        }

        if (string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
        {
            return amountMinor;
        }

        var exact =
            (decimal)amountMinor
            * targetRate
            * Pow10(Currencies.Exponent(target))
            / (sourceRate * Pow10(Currencies.Exponent(source)));
        return (long)Math.Round(exact, 0, MidpointRounding.ToEven);
    }

    /// <summary>Rounds an exact value in target minor units (e.g. a median) with the same rule.</summary>
    public static long RoundMinor(decimal exactMinor) => (long)Math.Round(exactMinor, 0, MidpointRounding.ToEven);

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10m;
        }

        return result;
    }
}

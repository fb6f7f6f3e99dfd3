using FundAudit.Core.Money;

namespace FundAudit.Api.Features.Audit;

/// <summary>The conversion factors a median report converts its grants with (<see cref="MixMedians"/>).</summary>
internal static class MixFactors
{
    /// <summary>
    /// Report minor units per source minor unit, for each (currency, award day) of the sums, from its rate pair
    /// (source and target per unit) and the report currency <paramref name="target"/>.
    /// </summary>
    public static Dictionary<(string Currency, DateOnly Date), decimal> Of(
        Dictionary<(string Currency, DateOnly Date), (decimal Source, decimal Target)> pairs,
        string target
    )
    {
        var targetExponent = Pow10(Currencies.Exponent(target));
        return pairs.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Target * targetExponent / (kv.Value.Source * Pow10(Currencies.Exponent(kv.Key.Currency)))
        );
    }

    private static decimal Pow10(int exponent)
    {
        var r = 1m;
        for (var i = 0; i < exponent; i++)
        {
            r *= 10m;
        }

        return r;
    }
}

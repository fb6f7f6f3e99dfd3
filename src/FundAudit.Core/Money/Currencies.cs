using System.Collections.Frozen;

namespace FundAudit.Core.Money;

/// <summary>
/// Active ISO 4217 currencies with their minor-unit exponent. Money is stored as <c>long</c>
/// minor units, so the exponent decides how "12.34" becomes 1234 (GBP) or 12 (JPY, refused if it has decimals).
/// </summary>
public static class Currencies
{
    private static readonly FrozenDictionary<string, int> Exponents = Build();

    public static bool IsKnown(string? code) => code is { Length: 3 } && Exponents.ContainsKey(code.ToUpperInvariant());

    public static int Exponent(string code) =>
        Exponents.TryGetValue(code.ToUpperInvariant(), out var e)
            ? e
            : throw new ArgumentException($"Unknown ISO 4217 currency '{code}'.", nameof(code));

    public static IReadOnlyCollection<string> All => Exponents.Keys;

    private static FrozenDictionary<string, int> Build()
    {
        // ISO 4217 list one (active codes). Exponent 2 unless listed otherwise below.
        const string twoDecimals =
            "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD "
            + "CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS "
            + "GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD "
            + "MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR "
            + "PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP "
            + "TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL";
        const string zeroDecimals = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
        const string threeDecimals = "BHD IQD JOD KWD LYD OMR TND";
        const string fourDecimals = "CLF UYW";

        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        Add(map, twoDecimals, 2);
        Add(map, zeroDecimals, 0);
        Add(map, threeDecimals, 3);
        Add(map, fourDecimals, 4);
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static void Add(Dictionary<string, int> map, string codes, int exponent)
    {
        foreach (var code in codes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            map[code] = exponent;
        }
    }
}

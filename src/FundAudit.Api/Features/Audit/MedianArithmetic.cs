using System.Numerics;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// One conversion factor (report minor units per source minor unit) held so that a grant's converted value,
/// <c>Math.Round(amount * factor, 6, MidpointRounding.AwayFromZero)</c> in <see cref="decimal"/>, is found in integers:
/// the answer is that value times 10^6 (<see cref="Micros"/>), equal to the decimal path's for every amount.
/// <para>
/// The decimal path multiplies exactly and, when the product's mantissa needs more than 96 bits, rounds it half to
/// even at the finest scale that fits, then rounds half away from zero at 6 decimals. Here: with the factor
/// <c>M / 10^s</c>, <c>P = |amount| × M</c> (an <see cref="UInt128"/>) is exact. When the decimal product would be
/// exact (P under 2^96) and s ≤ 6 the value is <c>P × 10^(6−s)</c>. Otherwise the answer is <c>P / 10^(s−6)</c>
/// rounded to an integer, and it is found as <c>|amount| × G</c> with <c>G = ⌊M × 2^64 / 10^(s−6)⌋</c>: its upper
/// 64 bits are the integer part and its lower 64 bits the fraction, short of the true one by less than |amount|
/// units of 2^-64; the decimal product's own rounding (at scale s − k, k digits dropped) moves the value by at
/// most half a unit of 10^-(s−k−6). When the fraction with both margins is clearly under or over one half, the
/// rounding is decided; in the rest (a fraction within about 10^-8 of a half, almost never) and in every case out
/// of these bounds (products of 127 bits or more, decimal scales at or under 6 that round, values over a long) the
/// decimal path itself answers.
/// </para>
/// </summary>
internal readonly struct ExactFactor
{
    private static readonly UInt128[] Pow10 = Powers();

    /// <summary>2^96 × 10^k, saturated: P is under it exactly when the decimal product keeps k digits fewer.</summary>
    private static readonly UInt128[] Fits96 =
    [
        .. Pow10.Select(p => p > UInt128.MaxValue >> 96 ? UInt128.MaxValue : p << 96),
    ];

    private const ulong Half = 1UL << 63;

    private readonly decimal _factor;
    private readonly UInt128 _m;
    private readonly UInt128 _g;
    private readonly int _scale;
    private readonly int _mBits;
    private readonly int _gBits;
    private readonly ulong _wideDrift;

    /// <summary>Holds <paramref name="factor"/> (report minor units per source minor unit) to convert with.</summary>
    public ExactFactor(decimal factor)
    {
        _factor = factor;
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(factor, bits);
        _m = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        _scale = (bits[3] >> 16) & 0xFF;
        _mBits = factor < 0 ? 999 : 128 - (int)UInt128.LeadingZeroCount(_m); // a negative factor: decimal path
        _gBits = 999;
        if (_scale > 6)
        {
            var g = ((BigInteger)_m << 64) / BigInteger.Pow(10, _scale - 6);
            if (g <= (BigInteger)UInt128.MaxValue)
            {
                _g = (UInt128)g;
                _gBits = 128 - (int)UInt128.LeadingZeroCount(_g);
            }
        }

        // From scale 18 on, any decimal product under 2^127 keeps at least 7 decimals after dropping its k ≤ 10
        // digits (11 if its rounding reaches 2^96): one unit of 10^-(s−17) bounds how far that moves the value.
        _wideDrift = _scale >= WideScale ? 2 * HalfUnit(_scale - 17) : 0;
    }

    /// <summary>The scale from which the drift of the decimal product's own rounding is bounded in advance.</summary>
    private const int WideScale = 18;

    /// <summary>
    /// <c>Math.Round(amount * factor, 6, MidpointRounding.AwayFromZero) * 10^6</c> into <paramref name="micros"/>;
    /// false (and 0) when that is not a long (the decimal path would throw only past 7.9 × 10^28).
    /// </summary>
    public bool Micros(long amount, out long micros)
    {
        var negative = amount < 0;
        var u = negative ? (ulong)-(amount + 1) + 1 : (ulong)amount;
        var uBits = 64 - BitOperations.LeadingZeroCount(u);
        if (uBits + _mBits <= 127 && Fast(u, uBits, out var v) && v <= long.MaxValue)
        {
            micros = negative ? -(long)v : (long)v;
            return true;
        }

        return ByDecimal(amount, out micros);
    }

    /// <summary>The integer path (see the type); false when it cannot decide.</summary>
    private bool Fast(ulong u, int uBits, out ulong value)
    {
        value = 0;
        if (_scale >= WideScale)
        {
            return uBits + _gBits <= 128 && Rounded(u, _wideDrift, out value);
        }

        var p = (UInt128)u * _m;
        var k = 0;
        while (p >= Fits96[k])
        {
            k++;
        }

        if (k == 0 && _scale <= 6)
        {
            var exact = p * Pow10[6 - _scale];
            value = exact > ulong.MaxValue ? ulong.MaxValue : (ulong)exact;
            return exact <= ulong.MaxValue;
        }

        if (_scale - k <= 6 || uBits + _gBits > 128 || (k > 0 && p >= Fits96[k] - Pow10[k]))
        {
            return false; // rounds at 6 decimals or coarser, or too wide, or next to 2^96 after rounding
        }

        return Rounded(u, k == 0 ? 0UL : HalfUnit(_scale - k - 6), out value);
    }

    /// <summary>
    /// |amount| × G rounded to an integer, when the fraction, short by less than |amount| units of 2^-64 and moved
    /// by at most <paramref name="drift"/> units either way, is clearly on one side of a half.
    /// </summary>
    private bool Rounded(ulong u, ulong drift, out ulong value)
    {
        value = 0;
        var x = (UInt128)u * _g;
        var whole = (ulong)(x >> 64);
        var fraction = (ulong)x;
        if (fraction >= Half && fraction - Half >= drift)
        {
            value = whole + 1;
            return whole < ulong.MaxValue;
        }

        if (fraction < Half && Half - fraction > u + drift)
        {
            value = whole;
            return true;
        }

        return false;
    }

    /// <summary>Half a unit of 10^-<paramref name="digits"/>, in units of 2^-64, rounded up.</summary>
    private static ulong HalfUnit(int digits) =>
        digits >= 20 ? 1UL : (ulong)(((UInt128)Half + Pow10[digits] - 1) / Pow10[digits]);

    private bool ByDecimal(long amount, out long micros)
    {
        micros = 0;
        try
        {
            var scaled = Math.Round(amount * _factor, 6, MidpointRounding.AwayFromZero) * 1_000_000m;
            if (scaled is < long.MinValue or > long.MaxValue)
            {
                return false;
            }

            micros = (long)scaled;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>The decimal of <paramref name="micros"/> / 10^6, exact.</summary>
    public static decimal ToDecimal(long micros)
    {
        var negative = micros < 0;
        var u = negative ? (ulong)-(micros + 1) + 1 : (ulong)micros;
        return new decimal((int)(uint)u, (int)(uint)(u >> 32), 0, negative, 6);
    }

    private static UInt128[] Powers()
    {
        var p = new UInt128[39];
        p[0] = 1;
        for (var i = 1; i < p.Length; i++)
        {
            p[i] = p[i - 1] * 10;
        }

        return p;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace FundAudit.Core.EmergencyRequests;

/// <summary>Why text is not a case code.</summary>
public enum CaseCodeError
{
    /// <summary>It is a case code.</summary>
    None = 0,

    /// <summary>Nothing was typed.</summary>
    Empty,

    /// <summary>Too few or too many characters (separators not counted).</summary>
    WrongLength,

    /// <summary>A character outside Crockford base32 (after the O/0, I/L/1 corrections).</summary>
    InvalidCharacter,

    /// <summary>The check character does not match: most likely a typo.</summary>
    ChecksumMismatch,
}

/// <summary>
/// The applicant's case code: their only credential, in place of an account. 27 symbols (135 bits) drawn from
/// <see cref="RandomNumberGenerator"/> plus one check symbol, in Crockford base32, shown as seven groups of four:
/// <c>7KQ2-M9XD-0PTV-4HRA-ZC3N-8W1E-6GJ5</c> (shape only).
/// </summary>
/// <remarks>
/// <para>Made to be typed on a phone: input is case-insensitive; spaces, dashes and dots are ignored; O reads as 0 and
/// I or L as 1 (Crockford base32 has no I, L, O or U). The last symbol is a Luhn mod 32 check over the others, which
/// catches every single mistyped character and most swaps of neighbours, so a typo gets "check your code" instead of
/// "not found".</para>
/// <para>Store only <see cref="ComputeLookupHash"/> (HMAC-SHA-256 with a server-held key; preferred) or
/// <see cref="ComputeSha256"/>, and look the case up by that hash. Equality of codes is compared in constant time.
/// Never log a code; <see cref="ToString"/> returns it in full because it is meant to be shown to the applicant
/// once.</para>
/// </remarks>
public sealed class CaseCode : IEquatable<CaseCode>
{
    /// <summary>Crockford's base32 alphabet.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Random symbols in a code.</summary>
    public const int RandomSymbols = 27;

    /// <summary>Bits of entropy: 5 per random symbol.</summary>
    public const int EntropyBits = RandomSymbols * 5;

    /// <summary>Symbols in a code, check symbol included (separators not counted).</summary>
    public const int Length = RandomSymbols + 1;

    /// <summary>Symbols per dash-separated group when displayed.</summary>
    public const int GroupSize = 4;

    /// <summary>The smallest HMAC key accepted by <see cref="ComputeLookupHash"/>, in bytes.</summary>
    public const int MinimumKeyBytes = 32;

    private const int MaxInputLength = 200;
    private readonly string _canonical;

    private CaseCode(string canonical) => _canonical = canonical;

    /// <summary>The 28 symbols, upper case, without separators: the form to hash.</summary>
    public string Canonical => _canonical;

    /// <summary>A new code from the operating system's CSPRNG.</summary>
    public static CaseCode Generate() => FromRandomSymbols(RandomNumberGenerator.GetString(Alphabet, RandomSymbols));

    /// <summary>Reads a code as a person typed it (see remarks on the class).</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out CaseCode? code) =>
        TryParse(input, out code, out _);

    /// <summary>Reads a code as a person typed it, saying why it is not one.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out CaseCode? code, out CaseCodeError error)
    {
        code = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = CaseCodeError.Empty;
            return false;
        }

        if (input.Length > MaxInputLength)
        {
            error = CaseCodeError.WrongLength;
            return false;
        }

        var symbols = new StringBuilder(Length);
        foreach (var raw in input)
        {
            if (IsSeparator(raw))
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                error = CaseCodeError.InvalidCharacter;
                return false;
            }

            symbols.Append(c);
        }

        if (symbols.Length != Length)
        {
            error = CaseCodeError.WrongLength;
            return false;
        }

        var canonical = symbols.ToString();
        if (CheckSymbol(canonical.AsSpan(0, RandomSymbols)) != canonical[RandomSymbols])
        {
            error = CaseCodeError.ChecksumMismatch;
            return false;
        }

        error = CaseCodeError.None;
        code = new CaseCode(canonical);
        return true;
    }

    /// <summary>Reads a code or throws <see cref="FormatException"/>.</summary>
    public static CaseCode Parse(string input) =>
        TryParse(input, out var code, out var error)
            ? code
            : throw new FormatException($"Not a case code " + $"({WireName.Of(error)}).");

    /// <summary>The canonical form of typed input, or null when it is not a valid code.</summary>
    public static string? Normalize(string? input) => TryParse(input, out var code) ? code.Canonical : null;

    /// <summary>The code for display: groups of four joined by dashes.</summary>
    public override string ToString() =>
        string.Join(
            '-',
            Enumerable
                .Range(0, (Length + GroupSize - 1) / GroupSize)
                .Select(i => _canonical.Substring(i * GroupSize, Math.Min(GroupSize, Length - i * GroupSize)))
        );

    /// <summary>HMAC-SHA-256 of the canonical code under <paramref name="key"/>, as 64 lower-case hex digits: the value
    /// to store and look up by.</summary>
    /// <param name="key">A secret of at least <see cref="MinimumKeyBytes"/> bytes kept outside the database
    /// (configuration
    /// or a protected key file). Rotating it needs a key id stored beside each hash.</param>
    public string ComputeLookupHash(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"The key must be at least {MinimumKeyBytes} bytes.", nameof(key));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(_canonical)));
    }

    /// <summary>
    /// SHA-256 of the canonical code, as 64 lower-case hex digits: an unkeyed fallback. With 135 random bits it cannot
    /// be reversed by guessing, but <see cref="ComputeLookupHash"/> also keeps a stolen database from confirming codes.
    /// </summary>
    public string ComputeSha256() => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(_canonical)));

    /// <summary>Constant-time comparison of two codes.</summary>
    public bool Equals(CaseCode? other) =>
        other is not null
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(_canonical),
            Encoding.ASCII.GetBytes(other._canonical)
        );

    /// <summary>Constant-time comparison of two stored hashes (e.g. after loading a row by a prefix or id).</summary>
    public static bool HashesEqual(string? a, string? b) =>
        a is not null
        && b is not null
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(a.ToLowerInvariant()),
            Encoding.ASCII.GetBytes(b.ToLowerInvariant())
        );

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CaseCode other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_canonical);

    /// <summary>A code from 27 given symbols (tests and migrations); the check symbol is added.</summary>
    internal static CaseCode FromRandomSymbols(string symbols)
    {
        if (symbols.Length != RandomSymbols || symbols.Any(c => Alphabet.IndexOf(c, StringComparison.Ordinal) < 0))
        {
            throw new ArgumentException("Expected 27 Crockford base32 symbols.", nameof(symbols));
        }

        return new CaseCode(symbols + CheckSymbol(symbols));
    }

    /// <summary>Luhn mod 32 check symbol.</summary>
    internal static char CheckSymbol(ReadOnlySpan<char> symbols)
    {
        const int n = 32;
        var factor = 2;
        var sum = 0;
        for (var i = symbols.Length - 1; i >= 0; i--)
        {
            var addend = factor * Alphabet.IndexOf(symbols[i], StringComparison.Ordinal);
            factor = factor == 2 ? 1 : 2;
            sum += addend / n + addend % n;
        }

        return Alphabet[(n - sum % n) % n];
    }

    private static bool IsSeparator(char c) =>
        char.IsWhiteSpace(c)
        || c is '-' or '.' or '_' or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212';
}

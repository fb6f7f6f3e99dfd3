using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FundAudit.Core.Logs;

/// <summary>
/// The hash of one link of a tamper-evident log: SHA-256 over a canonical encoding of the row's content-free fields
/// followed by the previous link's hash. Each field is written as <c>n;</c> when null, otherwise as <c>s</c>, the
/// length of its UTF-8 bytes in decimal, <c>:</c>, the bytes and <c>;</c>; so no two different lists of fields encode
/// alike, whatever characters they hold. Numbers are invariant decimals, instants UTC in ISO 8601 with seven
/// fractional digits. The answer is 64 lowercase hexadecimal digits.
/// </summary>
public static class LogChainHash
{
    /// <summary>
    /// The hash of a link whose fields are <paramref name="fields"/> (already canonical text, null allowed) and whose
    /// previous link's hash is <paramref name="previousHash"/> (null for the first link of a chain).
    /// </summary>
    public static string Compute(IReadOnlyList<string?> fields, string? previousHash)
    {
        var text = new StringBuilder(256);
        foreach (var field in fields)
        {
            Append(text, field);
        }

        Append(text, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The canonical text of a number.</summary>
    public static string? Text(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>The canonical text of an instant: UTC, ISO 8601, seven fractional digits.</summary>
    public static string Text(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder text, string? field)
    {
        if (field is null)
        {
            text.Append("n;");
            return;
        }

        text.Append('s')
            .Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture))
            .Append(':')
            .Append(field)
            .Append(';');
    }
}

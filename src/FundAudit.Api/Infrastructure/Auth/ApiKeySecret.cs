using System.Security.Cryptography;
using System.Text;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>
/// An API key is <c>fa_{keyId}_{secret}</c>: a public key id (for lookup, revocation and logs) and a
/// 256-bit secret from the OS CSPRNG. Only the SHA-256 of the whole key is stored: the secret has full
/// entropy, so a slow password hash adds nothing.
/// </summary>
internal static class ApiKeySecret
{
    private const string Prefix = "fa_";

    public static (string KeyId, string Key) Generate()
    {
        var keyId = Base32(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
        var secret = Convert
            .ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=')
            .Replace('+', '-')
            .Replace('/', '_');
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Splits a presented key into its id; false for anything not shaped like a key.</summary>
    public static bool TryGetKeyId(string presented, out string keyId)
    {
        keyId = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return false;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != 16)
        {
            return false;
        }

        keyId = rest[..separator].ToString();
        return true;
    }

    public static bool Matches(string presented, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Hash(presented)),
            Encoding.ASCII.GetBytes(storedHash)
        );

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new StringBuilder();
        int buffer = 0,
            bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        return output.ToString();
    }
}

using System.Security.Cryptography;
using System.Text;
using FundAudit.Api.Infrastructure.Security;

namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>
/// The stable, non-reversible identifier an anonymised grant is published under: HMAC-SHA256, under a service secret
/// (<see cref="ServiceSecrets"/>, "360giving-anonymisation", kept as Data Protection ciphertext), of the funder's id
/// and
/// the grant's identifier, 128 bits in hex. The same grant keeps its id from one export to the next; nobody without
/// the secret can tell which grant it is, nor link two funders' grants.
/// </summary>
internal sealed class GrantAnonymiser(ServiceSecrets secrets)
{
    /// <summary>The service secret's name.</summary>
    public const string SecretName = "360giving-anonymisation";

    /// <summary>How an anonymised grant id starts.</summary>
    public const string IdPrefix = "360G-anonymised-";

    /// <summary>The function from a grant identifier to its published id, for one funder.</summary>
    public async Task<Func<string, string>> ForFunderAsync(long funderId, CancellationToken ct)
    {
        var key = await secrets.GetOrCreateAsync(SecretName, 32, ct);
        var prefix = funderId.ToString(CultureInfo.InvariantCulture) + "\n";
        return identifier =>
        {
            var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(prefix + identifier));
            return IdPrefix + Convert.ToHexStringLower(mac.AsSpan(0, 16));
        };
    }
}

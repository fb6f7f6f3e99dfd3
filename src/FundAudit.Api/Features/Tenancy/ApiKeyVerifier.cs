namespace FundAudit.Api.Features.Tenancy;

/// <summary>
/// Which active key a presented secret (fa_…) opens: the one check behind the API's bearer keys and the console's
/// sign-in, so that authentication never reads the tenancy's store itself.
/// </summary>
internal sealed class ApiKeyVerifier(TenancyStore store)
{
    /// <summary>The key, or null for a malformed, unknown, revoked or wrong secret alike.</summary>
    public async Task<ApiKeyRow?> VerifyAsync(string presented, CancellationToken ct) =>
        ApiKeySecret.TryGetKeyId(presented, out var keyId)
        && await store.FindActiveKeyAsync(keyId, ct) is { } key
        && ApiKeySecret.Matches(presented, key.KeyHash)
            ? key
            : null;
}

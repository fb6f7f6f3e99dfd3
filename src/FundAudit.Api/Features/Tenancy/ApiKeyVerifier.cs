namespace FundAudit.Api.Features.Tenancy;

/// <summary>What a presented key is: usable (with the key), or why not (a problem's detail for the 401).</summary>
internal sealed record KeyCheck(ApiKeyRow? Key, string Problem)
{
    public const string Unknown = "Unknown or revoked API key.";

    public static KeyCheck Usable(ApiKeyRow key) => new(key, "");

    public static KeyCheck Refused(string problem) => new(null, problem);
}

/// <summary>
/// Which active key a presented secret (fa_…) opens: the one check behind the API's bearer keys and the console's
/// sign-in, so that authentication never reads the tenancy's store itself. A key is refused once it has expired, when
/// it has no owner, or when its owner is seized or removed; its use is recorded at most once a minute.
/// </summary>
internal sealed class ApiKeyVerifier(TenancyStore store, ApiKeyOptions options, TimeProvider clock)
{
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    /// <summary>The key, or null for a malformed, unknown, revoked, expired or ownerless key alike.</summary>
    public async Task<ApiKeyRow?> VerifyAsync(string presented, CancellationToken ct) =>
        (await CheckAsync(presented, ct)).Key;

    /// <summary>The key, or why it is refused.</summary>
    public async Task<KeyCheck> CheckAsync(string presented, CancellationToken ct)
    {
        if (
            !ApiKeySecret.TryGetKeyId(presented, out var keyId)
            || await store.FindActiveKeyAsync(keyId, ct) is not { } key
            || !ApiKeySecret.Matches(presented, key.KeyHash)
        )
        {
            return KeyCheck.Refused(KeyCheck.Unknown);
        }

        var now = clock.GetUtcNow();
        if (now >= options.ExpiryOf(key))
        {
            return KeyCheck.Refused(
                $"API key {key.KeyId} expired at {options.ExpiryOf(key):u}: an admin issues a new one "
                    + "(POST /api/keys)."
            );
        }

        if (key.OwnerPersonId is null || !KeyOwners.IsLive(key.OwnerStatus))
        {
            return KeyCheck.Refused(
                $"API key {key.KeyId} has no active owner (never set, seized or removed): it no longer works."
            );
        }

        if (key.LastUsedAt is not { } last || now - last >= TouchEvery)
        {
            await store.TouchKeyAsync(key, now, ct);
        }

        return KeyCheck.Usable(key);
    }
}

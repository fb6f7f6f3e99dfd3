namespace FundAudit.Api.Features.Tenancy;

/// <summary>Creates API keys: the secret is returned once and only its hash is stored.</summary>
internal sealed class ApiKeyIssuer(TenancyStore store, TimeProvider clock)
{
    public async Task<(ApiKeyRow Row, string Key)> IssueAsync(
        long funderId,
        string role,
        string? label,
        CancellationToken ct
    )
    {
        if (!Roles.IsKnown(role))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        var (keyId, key) = ApiKeySecret.Generate();
        var row = await store.CreateKeyAsync(
            funderId,
            keyId,
            role,
            ApiKeySecret.Hash(key),
            label,
            clock.GetUtcNow(),
            ct
        );
        return (row, key);
    }
}

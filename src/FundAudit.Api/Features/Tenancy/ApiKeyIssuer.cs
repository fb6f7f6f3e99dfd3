namespace FundAudit.Api.Features.Tenancy;

/// <summary>
/// Creates API keys: the secret is returned once and only its hash is stored. Every key has an owner, a person of the
/// same funder who holds the key's role and is not seized or removed, and an expiry no later than the configured
/// maximum. Each key issued goes to the administration log with its role, owner and expiry (the actor is the caller,
/// or the operator for the command line).
/// </summary>
internal sealed class ApiKeyIssuer(TenancyStore store, ApiKeyOptions options, TimeProvider clock)
{
    public async Task<(ApiKeyRow Row, string Key)> IssueAsync(
        long funderId,
        string role,
        string? label,
        long ownerPersonId,
        CancellationToken ct,
        DateTimeOffset? expiresAt = null,
        string actor = Logs.AdminLog.OperatorActor
    )
    {
        if (!Roles.IsKnown(role))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        var now = clock.GetUtcNow();
        var owner = await store.FindOwnerAsync(funderId, ownerPersonId, ct);
        if (owner is null || !owner.IsLive)
        {
            throw new KeyIssueException("A key's owner must be an invited or active person of your funder.");
        }

        if (!owner.RoleList.Contains(role, StringComparer.Ordinal))
        {
            throw new KeyIssueException(
                $"A key never has more roles than its owner: the owner holds {string.Join(", ", owner.RoleList)}, "
                    + $"not {role}."
            );
        }

        var expiry = expiresAt ?? now.AddDays(options.DefaultLifetimeDays);
        if (expiry <= now || expiry > now.AddDays(options.MaxLifetimeDays))
        {
            throw new KeyIssueException(
                $"expiresAt must be in the future and at most {options.MaxLifetimeDays} days from now."
            );
        }

        var (keyId, key) = ApiKeySecret.Generate();
        var row = await store.CreateKeyAsync(
            new ApiKeyRow
            {
                KeyId = keyId,
                FunderId = funderId,
                Role = role,
                KeyHash = ApiKeySecret.Hash(key),
                Label = label,
                CreatedAt = now,
                OwnerPersonId = owner.Id,
                ExpiresAt = expiry,
            },
            actor,
            ct
        );
        return (row, key);
    }
}

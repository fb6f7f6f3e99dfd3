namespace FundAudit.Api.Features.Tenancy;

/// <summary>Creates API keys: the secret is returned once and only its hash is stored.</summary>
internal sealed class ApiKeyIssuer(TenancyStore store, TimeProvider clock)
{
    /// <summary>A key issued by the operator's command line (the administration log names the operator).</summary>
    public Task<(ApiKeyRow Row, string Key)> IssueAsync(
        long funderId,
        string role,
        string? label,
        CancellationToken ct
    ) => IssueAsync(funderId, role, label, Logs.AdminLog.OperatorActor, ct);

    /// <summary>A key issued by <paramref name="actor"/> (a key or person id), who goes to the administration
    /// log.</summary>
    public async Task<(ApiKeyRow Row, string Key)> IssueAsync(
        long funderId,
        string role,
        string? label,
        string actor,
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
            actor,
            clock.GetUtcNow(),
            ct
        );
        return (row, key);
    }
}

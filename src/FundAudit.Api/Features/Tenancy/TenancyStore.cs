namespace FundAudit.Api.Features.Tenancy;

internal sealed class FunderRow
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class ApiKeyRow
{
    public long Id { get; init; }

    public string KeyId { get; init; } = "";

    public long FunderId { get; init; }

    public string Role { get; init; } = "";

    public string KeyHash { get; init; } = "";

    public string? Label { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>Funders (tenants) and their API keys.</summary>
internal sealed class TenancyStore(Db db)
{
    private const string SelectFunderById = "SELECT id, name, created_at FROM funders WHERE id = @Id";
    private const string SelectFundersByName =
        "SELECT id, name, created_at FROM funders WHERE name = @Name ORDER BY " + "id";
    private const string SelectActiveKey = """
        SELECT id, key_id, funder_id, role, key_hash, label, created_at, revoked_at
        FROM api_keys WHERE key_id = @KeyId AND revoked_at IS NULL
        """;
    private const string SelectKeysOfFunder = """
        SELECT id, key_id, funder_id, role, key_hash, label, created_at, revoked_at
        FROM api_keys WHERE funder_id = @FunderId ORDER BY id
        """;
    private const string RevokeKeySql =
        "UPDATE api_keys SET revoked_at = @Now WHERE key_id = @KeyId AND revoked_at " + "IS NULL";
    private const string RevokeKeyOfFunderSql =
        "UPDATE api_keys SET revoked_at = @Now WHERE key_id = @KeyId AND "
        + "funder_id = @FunderId AND revoked_at IS NULL";

    private static readonly string[] FunderColumns = ["name", "created_at"];
    private static readonly string[] KeyColumns = ["key_id", "funder_id", "role", "key_hash", "label", "created_at"];

    public async Task<FunderRow> CreateFunderAsync(string name, DateTimeOffset now, CancellationToken ct)
    {
        var id = await db.InsertReturningIdAsync("funders", FunderColumns, new { name, created_at = now }, ct);
        return new FunderRow
        {
            Id = id,
            Name = name,
            CreatedAt = now,
        };
    }

    public Task<FunderRow?> FindFunderAsync(long id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<FunderRow>(SelectFunderById, new { Id = id }, ct);

    public async Task<IReadOnlyList<FunderRow>> FindFundersByNameAsync(string name, CancellationToken ct) =>
        await db.QueryListAsync<FunderRow>(SelectFundersByName, new { Name = name }, ct);

    public async Task<ApiKeyRow> CreateKeyAsync(
        long funderId,
        string keyId,
        string role,
        string keyHash,
        string? label,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var args = new
        {
            key_id = keyId,
            funder_id = funderId,
            role,
            key_hash = keyHash,
            label,
            created_at = now,
        };
        var id = await db.InsertReturningIdAsync("api_keys", KeyColumns, args, ct);
        return new ApiKeyRow
        {
            Id = id,
            KeyId = keyId,
            FunderId = funderId,
            Role = role,
            KeyHash = keyHash,
            Label = label,
            CreatedAt = now,
        };
    }

    public Task<ApiKeyRow?> FindActiveKeyAsync(string keyId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<ApiKeyRow>(SelectActiveKey, new { KeyId = keyId }, ct);

    public async Task<IReadOnlyList<ApiKeyRow>> ListKeysAsync(long funderId, CancellationToken ct) =>
        await db.QueryListAsync<ApiKeyRow>(SelectKeysOfFunder, new { FunderId = funderId }, ct);

    /// <summary>Revokes a key of any funder (operator command line).</summary>
    public async Task<bool> RevokeKeyAsync(string keyId, DateTimeOffset now, CancellationToken ct) =>
        await db.ExecuteAsync(RevokeKeySql, new { KeyId = keyId, Now = now }, ct) == 1;

    /// <summary>Revokes a key of one funder (its admin over HTTP): another funder's key id is simply not
    /// found.</summary>
    public async Task<bool> RevokeKeyAsync(long funderId, string keyId, DateTimeOffset now, CancellationToken ct)
    {
        var args = new
        {
            KeyId = keyId,
            FunderId = funderId,
            Now = now,
        };
        return await db.ExecuteAsync(RevokeKeyOfFunderSql, args, ct) == 1;
    }
}

using FundAudit.Api.Features.Logs;

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

/// <summary>Funders (tenants) and their API keys. Every change is written to the administration log in its own
/// transaction (<see cref="AdminLog"/>).</summary>
internal sealed class TenancyStore(Db db, AdminLog adminLog)
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
    private const string SelectFunderOfActiveKey =
        "SELECT funder_id FROM api_keys WHERE key_id = @KeyId AND revoked_at IS " + "NULL";
    private const string RevokeKeyOfFunderSql =
        "UPDATE api_keys SET revoked_at = @Now WHERE key_id = @KeyId AND "
        + "funder_id = @FunderId AND revoked_at IS NULL";

    private static readonly string[] FunderColumns = ["name", "created_at"];
    private static readonly string[] KeyColumns = ["key_id", "funder_id", "role", "key_hash", "label", "created_at"];

    /// <summary>Creates a funder (the operator's command line), logged as the operator's.</summary>
    public async Task<FunderRow> CreateFunderAsync(string name, DateTimeOffset now, CancellationToken ct)
    {
        long id = 0;
        await db.InTransactionAsync(
            async tx =>
            {
                id = await InsertReturningIdAsync(tx, "funders", FunderColumns, new { name, created_at = now }, ct);
                var entry = new AdminLogEntry(
                    id,
                    AdminLog.OperatorActor,
                    AdminActions.FunderCreated,
                    "funder",
                    Invariant(id)
                );
                await adminLog.AppendAsync(tx, entry, ct);
            },
            ct
        );
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
        string actor,
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
        long id = 0;
        await db.InTransactionAsync(
            async tx =>
            {
                id = await InsertReturningIdAsync(tx, "api_keys", KeyColumns, args, ct);
                var entry = new AdminLogEntry(
                    funderId,
                    actor,
                    AdminActions.KeyIssued,
                    "api_key",
                    keyId,
                    "role=" + role
                );
                await adminLog.AppendAsync(tx, entry, ct);
            },
            ct
        );
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

    /// <summary>Revokes a key of any funder (operator command line), logged as the operator's.</summary>
    public async Task<bool> RevokeKeyAsync(string keyId, DateTimeOffset now, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<long?>(SelectFunderOfActiveKey, new { KeyId = keyId }, ct) is { } funderId
        && await RevokeKeyAsync(funderId, keyId, AdminLog.OperatorActor, now, ct);

    /// <summary>Revokes a key of one funder (its admin over HTTP): another funder's key id is simply not
    /// found. <paramref name="actor"/> goes to the administration log with the revocation.</summary>
    public Task<bool> RevokeKeyAsync(
        long funderId,
        string keyId,
        string actor,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var args = new
        {
            KeyId = keyId,
            FunderId = funderId,
            Now = now,
        };
        var entry = new AdminLogEntry(funderId, actor, AdminActions.KeyRevoked, "api_key", keyId);
        return db.WriteIfAsync(
            async tx => await tx.ExecuteAsync(RevokeKeyOfFunderSql, args, ct) == 1,
            tx => adminLog.AppendAsync(tx, entry, ct),
            ct
        );
    }

    private Task<long> InsertReturningIdAsync(
        DbTransaction tx,
        string table,
        IReadOnlyList<string> columns,
        object args,
        CancellationToken ct
    ) => tx.ExecuteScalarAsync<long>(db.Dialect.InsertReturningId(table, columns, "id"), args, ct);

    private static string Invariant(long id) => id.ToString(CultureInfo.InvariantCulture);
}

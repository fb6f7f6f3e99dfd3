using FundAudit.Api.Features.Logs;
using FundAudit.Api.Features.People;

namespace FundAudit.Api.Features.Tenancy;

internal sealed class FunderRow
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An API key as stored, with its owner's roles, status and name as read with it.</summary>
internal sealed record ApiKeyRow
{
    public long Id { get; init; }

    public string KeyId { get; init; } = "";

    public long FunderId { get; init; }

    public string Role { get; init; } = "";

    public string KeyHash { get; init; } = "";

    public string? Label { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The staff person who owns the key (null only for a key made before owners existed, of a funder that
    /// had no admin person then: such a key is refused).</summary>
    public long? OwnerPersonId { get; init; }

    /// <summary>When the key stops working (null only for keys made before expiry existed: see
    /// <see cref="ApiKeyOptions.LegacyExpiry"/>).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>The owner's roles (comma-separated) as read with the key.</summary>
    public string? OwnerRoles { get; init; }

    /// <summary>The owner's status (invited, active, seized, disabled) as read with the key.</summary>
    public string? OwnerStatus { get; init; }

    /// <summary>The owner's display name, for the list of keys.</summary>
    public string? OwnerName { get; init; }

    /// <summary>The key's public id only: a record would print the hash and the owner's name, and no log may.</summary>
    public override string ToString() => $"api key {KeyId}";
}

/// <summary>A staff person as a key's owner is checked: roles and status.</summary>
internal sealed class KeyOwnerRow
{
    public long Id { get; init; }

    public string Roles { get; init; } = "";

    public string Status { get; init; } = "";

    /// <summary>The roles as a list.</summary>
    public IReadOnlyList<string> RoleList => KeyOwners.Split(Roles);

    /// <summary>Invited or active: a seized or disabled person owns no working key.</summary>
    public bool IsLive => KeyOwners.IsLive(Status);
}

/// <summary>What makes a person a key's owner.</summary>
internal static class KeyOwners
{
    public static IReadOnlyList<string> Split(string? roles) =>
        (roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool IsLive(string? status) => status is "invited" or "active";
}

/// <summary>Funders (tenants) and their API keys. Every change is written to the administration log in its own
/// transaction (<see cref="AdminLog"/>).</summary>
internal sealed class TenancyStore(Db db, AdminLog adminLog)
{
    private const string SelectFunderById = "SELECT id, name, created_at FROM funders WHERE id = @Id";
    private const string SelectFundersByName =
        "SELECT id, name, created_at FROM funders WHERE name = @Name ORDER BY " + "id";
    private const string KeyColumnList = """
        k.id, k.key_id, k.funder_id, k.role, k.key_hash, k.label, k.created_at, k.revoked_at, k.owner_person_id,
            k.expires_at, k.last_used_at, p.roles AS owner_roles, p.status AS owner_status,
            p.display_name AS owner_name
        FROM api_keys k LEFT JOIN staff_people p ON p.id = k.owner_person_id AND p.funder_id = k.funder_id
        """;
    private const string SelectActiveKey =
        "SELECT " + KeyColumnList + " WHERE k.key_id = @KeyId AND k.revoked_at IS NULL";
    private const string SelectKeysOfFunder =
        "SELECT " + KeyColumnList + " WHERE k.funder_id = @FunderId ORDER BY k.id";
    private const string TouchKeySql =
        "UPDATE api_keys SET last_used_at = @Now WHERE key_id = @KeyId AND funder_id = @FunderId";
    private const string SelectOwner =
        "SELECT id, roles, status FROM staff_people WHERE funder_id = @FunderId AND id = @Id";
    private const string SelectKeysMayDecide = "SELECT keys_may_decide FROM funders WHERE id = @Id";
    private const string UpdateKeysMayDecide = "UPDATE funders SET keys_may_decide = @Value WHERE id = @Id";
    private const string SelectFunderOfActiveKey =
        "SELECT funder_id FROM api_keys WHERE key_id = @KeyId AND revoked_at IS " + "NULL";
    private const string RevokeKeyOfFunderSql =
        "UPDATE api_keys SET revoked_at = @Now WHERE key_id = @KeyId AND "
        + "funder_id = @FunderId AND revoked_at IS NULL";

    private static readonly string[] FunderColumns = ["name", "created_at"];
    private static readonly string[] KeyColumns =
    [
        "key_id",
        "funder_id",
        "role",
        "key_hash",
        "label",
        "created_at",
        "owner_person_id",
        "expires_at",
    ];

    /// <summary>Creates a funder (the operator's command line), logged as the operator's.</summary>
    public async Task<FunderRow> CreateFunderAsync(string name, DateTimeOffset now, CancellationToken ct)
    {
        var id = await adminLog.InsertLoggedAsync(
            "funders",
            FunderColumns,
            new { name, created_at = now },
            id => new AdminLogEntry(id, AdminLog.OperatorActor, AdminActions.FunderCreated, "funder", Invariant(id)),
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

    /// <summary>Stores a new key (its owner already checked by <see cref="ApiKeyIssuer"/>), logged as
    /// <paramref name="actor"/>'s.</summary>
    public async Task<ApiKeyRow> CreateKeyAsync(ApiKeyRow key, string actor, CancellationToken ct)
    {
        var id = await adminLog.InsertLoggedAsync(
            "api_keys",
            KeyColumns,
            RowArgs.OfColumns(key, KeyColumns),
            _ => new AdminLogEntry(
                key.FunderId,
                actor,
                AdminActions.KeyIssued,
                "api_key",
                key.KeyId,
                $"role={key.Role};owner={key.OwnerPersonId};expires={key.ExpiresAt:O}"
            ),
            ct
        );
        return key with { Id = id };
    }

    /// <summary>A person of the funder as a key's owner, or null.</summary>
    public Task<KeyOwnerRow?> FindOwnerAsync(long funderId, long personId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<KeyOwnerRow>(SelectOwner, new { FunderId = funderId, Id = personId }, ct);

    /// <summary>
    /// A person made by the operator's command line so that its keys have an owner (the first admin of a new funder, or
    /// the holder of a key made there): invited, without a password, with one role. The email is a placeholder
    /// (<c>.invalid</c>) unless one is given.
    /// </summary>
    public async Task<long> CreateKeyHolderAsync(
        long funderId,
        string displayName,
        string role,
        string email,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        return await adminLog.InsertLoggedAsync(
            NewPersonRow.Table,
            NewPersonRow.Columns,
            NewPersonRow.Invited(funderId, email, displayName, role, now),
            id => new AdminLogEntry(
                funderId,
                AdminLog.OperatorActor,
                AuthzActions.PersonCreated,
                "person",
                Invariant(id),
                "role=" + role
            ),
            ct
        );
    }

    /// <summary>Records a key's use, best effort (the caller writes at most once a minute per key): skipped rather
    /// than waited for while another writer (a portfolio import on SQLite) holds the lock.</summary>
    public Task TouchKeyAsync(ApiKeyRow key, DateTimeOffset now, CancellationToken ct) =>
        db.TryExecuteWithoutWaitingAsync(
            new CommandDefinition(
                TouchKeySql,
                new
                {
                    key.KeyId,
                    key.FunderId,
                    Now = now,
                },
                cancellationToken: ct
            )
        );

    /// <summary>Whether the funder lets API keys approve, decline, record payment details, disburse and
    /// reveal.</summary>
    public async Task<bool> KeysMayDecideAsync(long funderId, CancellationToken ct) =>
        await db.ExecuteScalarAsync<bool>(SelectKeysMayDecide, new { Id = funderId }, ct);

    /// <summary>Sets the funder's switch for keys (admin only), logged as <paramref name="actor"/>'s.</summary>
    public Task SetKeysMayDecideAsync(long funderId, bool value, string actor, CancellationToken ct) =>
        db.InTransactionAsync(
            async tx =>
            {
                await tx.ExecuteAsync(UpdateKeysMayDecide, new { Id = funderId, Value = value }, ct);
                var entry = new AdminLogEntry(
                    funderId,
                    actor,
                    AuthzActions.KeysMayDecideSet,
                    "funder",
                    Invariant(funderId),
                    value ? "keys_may_decide=true" : "keys_may_decide=false"
                );
                await adminLog.AppendAsync(tx, entry, ct);
            },
            ct
        );

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

    private static string Invariant(long id) => id.ToString(CultureInfo.InvariantCulture);
}

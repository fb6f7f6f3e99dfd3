using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.AspNetCore.WebUtilities;

namespace FundAudit.Api.Infrastructure.Security;

/// <summary>
/// One column that holds Data Protection ciphertext: its table, the columns that identify a row, the protector's
/// purpose, whether the value is base64 of the protected bytes (else base64url, as
/// <c>IDataProtector.Protect(string)</c> writes it), whether the table is in the main database rather than the
/// rapid-response one (<see cref="RapidResponseDb"/>: on SQLite a file of its own), and the column whose value is the
/// protector's sub-purpose (a case key's purpose names its case).
/// </summary>
internal sealed record ProtectedColumn(
    string Table,
    string Column,
    IReadOnlyList<string> Keys,
    string Purpose,
    bool Base64 = false,
    bool MainDatabase = false,
    string? SubPurposeColumn = null
)
{
    /// <summary>The protector of one row's value.</summary>
    public IDataProtector ProtectorFor(IDataProtectionProvider provider, IDictionary<string, object?> row) =>
        SubPurposeColumn is null
            ? provider.CreateProtector(Purpose)
            : provider.CreateProtector(Purpose, (string)row[SubPurposeColumn]!);
}

/// <summary>What one re-protection pass found and did.</summary>
internal sealed record ReprotectReport(int Scanned, int Reprotected, int Skipped);

/// <summary>
/// Key rotation: a new key, every protected value re-protected under the current default key (so older keys can be
/// revoked and destroyed), and revocation of the keys nothing needs any more. Runs from the <c>keyring</c> command
/// and the <see cref="KeyRotationJob"/>; every pass is idempotent (a value already under the current key is left
/// alone) and a value changed meanwhile by the service is left for the next pass.
/// </summary>
internal sealed class KeyRotation(
    Db db,
    RapidResponseDb rapidResponseDb,
    IDataProtectionProvider provider,
    IKeyManager keys,
    IKeyRingProvider ring,
    ILogger<KeyRotation> logger
)
{
    private const string SensitivePurpose = "FundAudit.EmergencyRequests.SensitiveFields.v1";
    private const string CaseKeysPurpose = "FundAudit.EmergencyRequests.CaseKeys.v1";

    /// <summary>The prefix of a value under a case key (never Data Protection ciphertext).</summary>
    private const string CaseValuePrefix = "c1.";

    /// <summary>The purpose protecting staff people's TOTP secrets (<c>staff_totp_factors.secret_protected</c>,
    /// written by <c>IDataProtector.Protect(string)</c>: base64url).</summary>
    public const string TotpSecretPurpose = "FundAudit.People.TotpSecrets.v1";

    /// <summary>
    /// Every column holding Data Protection ciphertext (the protectors' purposes are those of <c>CaseKeys</c>,
    /// <c>SensitiveFields</c>, <c>IdempotencyStore</c> and <see cref="ServiceSecrets"/>). A new protected column
    /// must be added here, or key rotation leaves it under an old key. The case keys are re-protected, not the fields
    /// under them; the eight sensitive-field columns hold Data Protection ciphertext only in cases from before case
    /// keys (a value under a case key, <c>c1.</c>…, is not Data Protection's and is left alone).
    /// </summary>
    public static readonly IReadOnlyList<ProtectedColumn> Columns =
    [
        new("case_keys", "key_protected", ["request_id"], CaseKeysPurpose, SubPurposeColumn: "reference"),
        new("emergency_requests", "alias_protected", ["id"], SensitivePurpose),
        new("emergency_requests", "contact_protected", ["id"], SensitivePurpose),
        new("emergency_requests", "situation_protected", ["id"], SensitivePurpose),
        new("emergency_requests", "endorser_protected", ["id"], SensitivePurpose),
        new("emergency_requests", "decline_reason_protected", ["id"], SensitivePurpose),
        new("request_messages", "body_protected", ["id"], SensitivePurpose),
        new("request_payment_details", "details_protected", ["request_id"], SensitivePurpose),
        new("disbursements", "reference_protected", ["id"], SensitivePurpose),
        new("funds", "webhook_secret_protected", ["id"], SensitivePurpose),
        new("idempotent_responses", "response_protected", ["scope", "key_hash"], "FundAudit.IdempotentResponses.v1"),
        new("service_secrets", "value_protected", ["name"], ServiceSecrets.Purpose, Base64: true, MainDatabase: true),
        new("staff_totp_factors", "secret_protected", ["id"], TotpSecretPurpose, MainDatabase: true),
        new(
            "funder_sso_providers",
            "client_secret_protected",
            ["funder_id"],
            Features.SingleSignOn.SsoSecrets.Purpose,
            MainDatabase: true
        ),
    ];

    /// <summary>Creates a key that is the default from now on (activation now, the usual 90-day lifetime).</summary>
    public async Task<IKey> CreateKeyAsync(CancellationToken ct)
    {
        // Data Protection chooses its default key by the system clock, not by the app's TimeProvider: a key activated
        // at another "now" would not be the current one.
        var now = TimeProvider.System.GetUtcNow();
        var key = keys.CreateNewKey(now, now.AddDays(90));

        // The key ring is refreshed in the background: wait until protecting uses the new key.
        await WaitForAsync(() => CurrentKeyId() == key.KeyId, $"key {key.KeyId:D} to become current", ct);
        return key;
    }

    /// <summary>Re-protects every value not under the current default key (revoked keys included).</summary>
    public Task<ReprotectReport> ReprotectAsync(CancellationToken ct) => PassAsync(write: true, ct);

    /// <summary>Counts the values not under the current default key, changing nothing.</summary>
    public Task<ReprotectReport> CheckAsync(CancellationToken ct) => PassAsync(write: false, ct);

    /// <summary>
    /// Revokes every key but the current default one, once no stored value needs them; answers the revoked ids, or
    /// null (nothing revoked) when some value is still under an older key.
    /// </summary>
    public async Task<IReadOnlyList<Guid>?> RevokeOlderKeysAsync(string reason, CancellationToken ct)
    {
        if ((await CheckAsync(ct)).Skipped > 0)
        {
            return null;
        }

        var current = CurrentKeyId();
        var revoked = new List<Guid>();
        foreach (var key in keys.GetAllKeys().Where(k => !k.IsRevoked && k.KeyId != current))
        {
            keys.RevokeKey(key.KeyId, reason);
            revoked.Add(key.KeyId);
        }

        // As with a new key, the ring in use learns of revocations in the background: wait for it.
        await WaitForAsync(() => revoked.All(IsRevokedInCurrentRing), "the revocation to reach the key ring", ct);
        return revoked;
    }

    /// <summary>The key new values are protected with now.</summary>
    public Guid CurrentKeyId()
    {
        // A protected probe's header names its key: magic number (4 bytes), then the key id.
        var probe = provider.CreateProtector("FundAudit.KeyRotation.Probe").Protect([0]);
        return new Guid(probe.AsSpan(4, 16));
    }

    private bool IsRevokedInCurrentRing(Guid keyId)
    {
        ring.GetCurrentKeyRing().GetAuthenticatedEncryptorByKeyId(keyId, out var isRevoked);
        return isRevoked;
    }

    private static async Task WaitForAsync(Func<bool> done, string what, CancellationToken ct)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (!done())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new InvalidOperationException($"Gave up waiting for {what}.");
            }

            await Task.Delay(50, ct);
        }
    }

    private async Task<ReprotectReport> PassAsync(bool write, CancellationToken ct)
    {
        var report = new ReprotectReport(0, 0, 0);
        foreach (var (database, main) in new[] { ((Db)rapidResponseDb, false), (db, true) })
        {
            await using var connection = await database.OpenAsync(ct);
            var before = report.Reprotected;
            foreach (var column in Columns.Where(c => c.MainDatabase == main))
            {
                report = await ColumnPassAsync(connection, column, write, report, ct);
            }

            if (report.Reprotected > before)
            {
                await database.Engine.FlushErasedAsync(connection, ct);
            }
        }

        if (report.Reprotected > 0)
        {
            logger.LogInformation("Re-protected {Count} values under the current key", report.Reprotected);
        }

        return report;
    }

    private async Task<ReprotectReport> ColumnPassAsync(
        DbConnection connection,
        ProtectedColumn column,
        bool write,
        ReprotectReport report,
        CancellationToken ct
    )
    {
        var (scanned, reprotected, skipped) = report;
        var extra = column.SubPurposeColumn is { } sub ? ", " + sub : "";
        var select =
            $"SELECT {string.Join(", ", column.Keys)}{extra}, {column.Column} AS protected_value FROM {column.Table} "
            + $"WHERE {column.Column} IS NOT NULL";
        var rows = (await connection.QueryAsync(new CommandDefinition(select, cancellationToken: ct)))
            .Cast<IDictionary<string, object?>>()
            .ToList();
        foreach (var row in rows)
        {
            var stored = (string)row["protected_value"]!;
            if (stored.StartsWith(CaseValuePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            scanned++;
            var protector = (IPersistedDataProtector)column.ProtectorFor(provider, row);
            var bytes = column.Base64 ? Convert.FromBase64String(stored) : WebEncoders.Base64UrlDecode(stored);
            var plain = protector.DangerousUnprotect(bytes, true, out var requiresMigration, out _);
            if (!requiresMigration)
            {
                continue;
            }

            if (!write || !await UpdateAsync(connection, column, row, stored, protector.Protect(plain), ct))
            {
                skipped++;
                continue;
            }

            reprotected++;
        }

        return new ReprotectReport(scanned, reprotected, skipped);
    }

    /// <summary>Replaces one value if it is still the one read (a concurrent write wins).</summary>
    private static async Task<bool> UpdateAsync(
        DbConnection connection,
        ProtectedColumn column,
        IDictionary<string, object?> row,
        string old,
        byte[] protectedBytes,
        CancellationToken ct
    )
    {
        var parameters = new DynamicParameters();
        parameters.Add("Old", old);
        parameters.Add(
            "New",
            column.Base64 ? Convert.ToBase64String(protectedBytes) : WebEncoders.Base64UrlEncode(protectedBytes)
        );
        var where = new List<string> { $"{column.Column} = @Old" };
        for (var i = 0; i < column.Keys.Count; i++)
        {
            parameters.Add("K" + i.ToString(CultureInfo.InvariantCulture), row[column.Keys[i]]);
            where.Add($"{column.Keys[i]} = @K{i.ToString(CultureInfo.InvariantCulture)}");
        }

        var sql = $"UPDATE {column.Table} SET {column.Column} = @New WHERE {string.Join(" AND ", where)}";
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct)) == 1;
    }
}

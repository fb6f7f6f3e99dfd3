using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace FundAudit.Api.Infrastructure.Security;

/// <summary>
/// Random server-held secrets (e.g. an HMAC key) created on first use and kept in service_secrets only as Data
/// Protection ciphertext, so they are as safe as the key ring. Every instance on the same database gets the same
/// secret.
/// </summary>
internal sealed class ServiceSecrets(Db db, IDataProtectionProvider protection, TimeProvider clock)
{
    private const string Select = "SELECT value_protected FROM service_secrets WHERE name = @Name";
    private const string Insert =
        "INSERT INTO service_secrets (name, value_protected, created_at) VALUES (@Name, " + "@Value, @Now)";

    /// <summary>The protector's purpose (also re-protected by <see cref="KeyRotation"/>).</summary>
    public const string Purpose = "FundAudit.ServiceSecrets.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public async Task<byte[]> GetOrCreateAsync(string name, int bytes, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var stored = await connection.ExecuteScalarAsync<string?>(
            new CommandDefinition(Select, new { Name = name }, cancellationToken: ct)
        );
        if (stored is not null)
        {
            return _protector.Unprotect(Convert.FromBase64String(stored));
        }

        var secret = RandomNumberGenerator.GetBytes(bytes);
        try
        {
            await connection.ExecuteAsync(
                new CommandDefinition(
                    Insert,
                    new
                    {
                        Name = name,
                        Value = Convert.ToBase64String(_protector.Protect(secret)),
                        Now = clock.GetUtcNow(),
                    },
                    cancellationToken: ct
                )
            );
            return secret;
        }
        catch (Exception ex) when (db.Dialect.IsUniqueViolation(ex))
        {
            // Another instance created it first: use theirs.
            stored = await connection.ExecuteScalarAsync<string>(
                new CommandDefinition(Select, new { Name = name }, cancellationToken: ct)
            );
            return _protector.Unprotect(Convert.FromBase64String(stored!));
        }
    }
}

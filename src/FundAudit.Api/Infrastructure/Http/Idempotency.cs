using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>A stored first answer to an Idempotency-Key.</summary>
internal sealed record IdempotentResponse(string RequestHash, int StatusCode, string Body);

/// <summary>
/// Idempotency-Key answers in idempotent_responses: the key and the request are stored as SHA-256 hashes, the answer as
/// Data Protection ciphertext (it may hold a secret shown once, e.g. a case code). The caller saves the answer in the
/// same transaction as the work, so a concurrent retry hits the primary key and reads the winner's answer instead.
/// </summary>
internal sealed class IdempotencyStore(RapidResponseDb db, IDataProtectionProvider protection)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    private const string Select =
        "SELECT request_hash, status_code, response_protected FROM idempotent_responses "
        + "WHERE scope = @Scope AND key_hash = @KeyHash";
    private const string Insert = """
        INSERT INTO idempotent_responses (scope, key_hash, request_hash, status_code, response_protected, created_at)
        VALUES (@Scope, @KeyHash, @RequestHash, @StatusCode, @Response, @Now)
        """;
    private const string DeleteOld = "DELETE FROM idempotent_responses WHERE created_at < @Before";

    private readonly IDataProtector _protector = protection.CreateProtector("FundAudit.IdempotentResponses.v1");

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public async Task<IdempotentResponse?> FindAsync(string scope, string key, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<(string RequestHash, int StatusCode, string ResponseProtected)?>(
            Select,
            new { Scope = scope, KeyHash = Hash(key) },
            ct
        );
        return row is { } r
            ? new IdempotentResponse(r.RequestHash, r.StatusCode, _protector.Unprotect(r.ResponseProtected))
            : null;
    }

    public Task SaveAsync(
        DbConnection connection,
        DbTransaction tx,
        string scope,
        string key,
        string requestHash,
        int statusCode,
        string body,
        DateTimeOffset now,
        CancellationToken ct
    ) =>
        connection.ExecuteAsync(
            new CommandDefinition(
                Insert,
                new
                {
                    Scope = scope,
                    KeyHash = Hash(key),
                    RequestHash = requestHash,
                    StatusCode = statusCode,
                    Response = _protector.Protect(body),
                    Now = now,
                },
                tx,
                cancellationToken: ct
            )
        );

    /// <summary>Forgets answers older than <paramref name="before"/> (they may hold secrets shown once).</summary>
    public Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken ct) =>
        db.ExecuteAsync(DeleteOld, new { Before = before }, ct);
}

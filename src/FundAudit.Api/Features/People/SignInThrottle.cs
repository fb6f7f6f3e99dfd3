using System.Security.Cryptography;
using System.Text;
using FundAudit.Api.Infrastructure.Security;

namespace FundAudit.Api.Features.People;

/// <summary>
/// The sign-in backoff, per account (email) and per client address, kept in the database so that every instance
/// sees it. After <see cref="PeopleOptions.FreeFailures"/> failures each further one doubles the wait, up to a cap
/// that is short per account (no one can shut a person out by failing on purpose) and longer per address. Never a
/// lockout: after the wait, a right answer signs in. Subjects are stored as an HMAC under a server secret, never as
/// the email or address.
/// </summary>
internal sealed class SignInThrottle(ThrottleStore store, ServiceSecrets secrets, PeopleOptions options)
{
    public const string AccountScope = "account";
    public const string AddressScope = "address";

    /// <summary>How long the caller must still wait before trying (zero when they may try now).</summary>
    public async Task<TimeSpan> WaitAsync(string email, string? address, DateTimeOffset now, CancellationToken ct)
    {
        var wait = TimeSpan.Zero;
        foreach (var (scope, subject) in await SubjectsAsync(email, address, ct))
        {
            var row = await store.FindAsync(scope, subject, ct);
            if (row is not null && row.NextAllowedAt > now && row.NextAllowedAt - now > wait)
            {
                wait = row.NextAllowedAt - now;
            }
        }

        return wait;
    }

    /// <summary>Counts a failure against the account and the address.</summary>
    public async Task FailedAsync(string email, string? address, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var (scope, subject) in await SubjectsAsync(email, address, ct))
        {
            var row = await store.FindAsync(scope, subject, ct);
            var failures =
                (
                    row is null || now - row.LastFailureAt > TimeSpan.FromHours(options.BackoffResetHours)
                        ? 0
                        : row.Failures
                ) + 1;
            var cap = scope == AccountScope ? options.AccountBackoffMaxSeconds : options.AddressBackoffMaxSeconds;
            var over = failures - options.FreeFailures;
            var seconds =
                over <= 0 ? 0 : Math.Min(cap, options.BackoffBaseSeconds * Math.Pow(2, Math.Min(over - 1, 30)));
            await store.SaveAsync(scope, subject, failures, now, now.AddSeconds(seconds), ct);
        }
    }

    /// <summary>A successful sign-in clears the account's count (the address's stays until it ages out).</summary>
    public async Task SucceededAsync(string email, CancellationToken ct)
    {
        var (scope, subject) = (await SubjectsAsync(email, null, ct))[0];
        await store.ClearAsync(scope, subject, ct);
    }

    private async Task<List<(string Scope, string Subject)>> SubjectsAsync(
        string email,
        string? address,
        CancellationToken ct
    )
    {
        var key = await secrets.GetOrCreateAsync("people-sign-in-throttle", 32, ct);
        var subjects = new List<(string, string)> { (AccountScope, Mac(key, PeopleStore.EmailKey(email))) };
        if (!string.IsNullOrEmpty(address))
        {
            subjects.Add((AddressScope, Mac(key, address)));
        }

        return subjects;
    }

    private static string Mac(byte[] key, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));
}

/// <summary>A throttle's state: failures so far, the last one, and when the next attempt is allowed.</summary>
internal sealed class ThrottleRow
{
    public int Failures { get; init; }

    public DateTimeOffset LastFailureAt { get; init; }

    public DateTimeOffset NextAllowedAt { get; init; }
}

/// <summary>The sign-in throttles' rows (<c>staff_sign_in_throttles</c>), by scope and subject hash.</summary>
internal sealed class ThrottleStore(Db db)
{
    private const string Select =
        "SELECT failures, last_failure_at, next_allowed_at FROM staff_sign_in_throttles "
        + "WHERE scope = @Scope AND subject_hash = @Subject";
    private const string Update = """
        UPDATE staff_sign_in_throttles SET failures = @Failures, last_failure_at = @Now, next_allowed_at = @Next
        WHERE scope = @Scope AND subject_hash = @Subject
        """;
    private const string Insert = """
        INSERT INTO staff_sign_in_throttles (scope, subject_hash, failures, last_failure_at, next_allowed_at)
        VALUES (@Scope, @Subject, @Failures, @Now, @Next)
        """;
    private const string Delete =
        "DELETE FROM staff_sign_in_throttles WHERE scope = @Scope AND subject_hash = @Subject";

    public Task<ThrottleRow?> FindAsync(string scope, string subject, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<ThrottleRow>(Select, new { Scope = scope, Subject = subject }, ct);

    public Task SaveAsync(
        string scope,
        string subject,
        int failures,
        DateTimeOffset now,
        DateTimeOffset next,
        CancellationToken ct
    ) =>
        db.UpdateOrInsertAsync(
            Update,
            Insert,
            new
            {
                Scope = scope,
                Subject = subject,
                Failures = failures,
                Now = now,
                Next = next,
            },
            ct
        );

    public Task ClearAsync(string scope, string subject, CancellationToken ct) =>
        db.ExecuteAsync(Delete, new { Scope = scope, Subject = subject }, ct);
}

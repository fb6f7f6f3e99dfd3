using System.Security.Cryptography;
using System.Text;
using FundAudit.Api.Features.Tenancy;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary><c>Console:*</c>: the officers' console session.</summary>
internal sealed class ConsoleSessionOptions
{
    public const string Section = "Console";

    /// <summary>A session unused this long ends (default 30 minutes).</summary>
    public int IdleMinutes { get; set; } = 30;

    /// <summary>A session ends this long after sign-in, however busy (default 12 hours).</summary>
    public int AbsoluteHours { get; set; } = 12;

    /// <summary>
    /// Whether the cookie is marked Secure (HTTPS only). Null (the default) means: Secure everywhere except in
    /// Development.
    /// </summary>
    public bool? SecureCookie { get; set; }

    /// <summary>How often a session's last-seen instant is written (it is not written on every request).</summary>
    public int TouchEverySeconds { get; set; } = 60;
}

internal sealed class ConsoleSessionRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    /// <summary>The key that opened the session (sessions opened with a key, before people), else null.</summary>
    public string? KeyId { get; init; }

    public string Person { get; init; } = "";

    /// <summary>The staff person the session belongs to, else null (a key's session).</summary>
    public long? PersonId { get; init; }

    /// <summary>When the person last gave their second factor in this session (sign-in or step-up).</summary>
    public DateTimeOffset? SecondFactorAt { get; init; }

    /// <summary>The person's display name (an active person only).</summary>
    public string? DisplayName { get; init; }

    /// <summary>The person's roles, comma-separated.</summary>
    public string? PersonRoles { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastSeenAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The role of the (unrevoked) key that opened the session.</summary>
    public string? Role { get; init; }

    /// <summary>The key's label: the person, for four-eyes rules.</summary>
    public string? Label { get; init; }

    /// <summary>The key as the principal is built from it (its hash is not read: the session token was checked
    /// instead), with the owner the session was opened for ("staff:{id}"), so that four-eyes counts owners.</summary>
    public ApiKeyRow Key =>
        new()
        {
            KeyId = KeyId ?? "",
            FunderId = FunderId,
            Role = Role ?? "",
            Label = Label,
            OwnerPersonId =
                Person.StartsWith("staff:", StringComparison.Ordinal)
                && long.TryParse(Person.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var owner)
                    ? owner
                    : null,
        };

    /// <summary>The principal of the session: its person's, else its key's.</summary>
    public ClaimsPrincipal Principal(string scheme) =>
        PersonId is { } personId
            ? FunderPrincipal.FromPerson(
                new PersonIdentity(
                    FunderId,
                    personId,
                    DisplayName ?? "",
                    (PersonRoles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
                    Id,
                    SecondFactorAt
                ),
                scheme
            )
            : FunderPrincipal.FromKey(Key, scheme);
}

/// <summary>
/// Console sessions: the cookie carries 256 random bits; only their SHA-256 is stored, beside the key that opened the
/// session. Revoking the key, signing out, idling past <see cref="ConsoleSessionOptions.IdleMinutes"/> or reaching the
/// absolute expiry all end the session.
/// </summary>
internal sealed class ConsoleSessionStore(Db db)
{
    private const string Insert = """
        INSERT INTO console_sessions (token_hash, funder_id, key_id, person, created_at, last_seen_at, expires_at)
        VALUES (@TokenHash, @FunderId, @KeyId, @Person, @Now, @Now, @ExpiresAt)
        """;

    private const string InsertPerson = """
        INSERT INTO console_sessions (token_hash, funder_id, person_id, person, created_at, last_seen_at, expires_at,
            second_factor_at)
        VALUES (@TokenHash, @FunderId, @PersonId, @Person, @Now, @Now, @ExpiresAt, @SecondFactorAt)
        """;

    // A session lives only while the key that opened it, or its person, does: one read checks both.
    private const string SelectLive = """
        SELECT s.id, s.funder_id, s.key_id, s.person, s.person_id, s.created_at, s.last_seen_at, s.expires_at,
            s.second_factor_at, k.role, k.label, p.display_name, p.roles AS person_roles
        FROM console_sessions s
        LEFT JOIN api_keys k ON k.key_id = s.key_id AND k.funder_id = s.funder_id AND k.revoked_at IS NULL
        LEFT JOIN staff_people p ON p.id = s.person_id AND p.funder_id = s.funder_id AND p.status = 'active'
        WHERE s.token_hash = @TokenHash AND s.revoked_at IS NULL AND (k.key_id IS NOT NULL OR p.id IS NOT NULL)
        """;
    private const string StepUp =
        "UPDATE console_sessions SET second_factor_at = @Now WHERE id = @Id AND revoked_at IS NULL";
    private const string RevokeStaffPerson =
        "UPDATE console_sessions SET revoked_at = @Now WHERE funder_id = @FunderId "
        + "AND person_id = @PersonId AND revoked_at IS NULL";
    private const string Touch =
        "UPDATE console_sessions SET last_seen_at = @Now WHERE id = @Id AND revoked_at IS " + "NULL";
    private const string RevokeOne =
        "UPDATE console_sessions SET revoked_at = @Now WHERE token_hash = @TokenHash AND " + "revoked_at IS NULL";
    private const string RevokePerson =
        "UPDATE console_sessions SET revoked_at = @Now WHERE funder_id = @FunderId "
        + "AND person = @Person AND revoked_at IS NULL";

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Opens a session of a staff person who has just given their second factor; answers the token for the
    /// cookie (never stored).</summary>
    public Task<string> CreateForPersonAsync(
        PersonIdentity person,
        DateTimeOffset now,
        DateTimeOffset expiresAt,
        CancellationToken ct
    ) => CreateForPersonAsync(person, now, expiresAt, secondFactorGiven: true, ct);

    /// <summary>Opens a session of a staff person; <paramref name="secondFactorGiven"/> false (a single sign-on whose
    /// provider proved no second factor, when the funder allows that) leaves step-up to ask for one.</summary>
    public Task<string> CreateForPersonAsync(
        PersonIdentity person,
        DateTimeOffset now,
        DateTimeOffset expiresAt,
        bool secondFactorGiven,
        CancellationToken ct
    ) =>
        InsertAsync(
            InsertPerson,
            tokenHash => new
            {
                TokenHash = tokenHash,
                person.FunderId,
                person.PersonId,
                Person = "staff:" + person.PersonId.ToString(CultureInfo.InvariantCulture),
                Now = now,
                ExpiresAt = expiresAt,
                SecondFactorAt = secondFactorGiven ? now : (DateTimeOffset?)null,
            },
            ct
        );

    /// <summary>Records that the session's person has just given their second factor again (step-up).</summary>
    public Task StepUpAsync(long id, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(StepUp, new { Id = id, Now = now }, ct);

    /// <summary>Ends every session of one staff person (seizure, sign out everywhere), on the given connection when
    /// one is passed (to share a transaction).</summary>
    public async Task<int> RevokeAllOfPersonAsync(
        long funderId,
        long personId,
        DateTimeOffset now,
        CancellationToken ct,
        DbConnection? connection = null,
        DbTransaction? transaction = null
    )
    {
        var args = new
        {
            FunderId = funderId,
            PersonId = personId,
            Now = now,
        };
        if (connection is not null)
        {
            return await connection.ExecuteAsync(
                new CommandDefinition(RevokeStaffPerson, args, transaction, cancellationToken: ct)
            );
        }

        return await db.ExecuteAsync(RevokeStaffPerson, args, ct);
    }

    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Opens a session and answers the token for the cookie (never stored).</summary>
    public Task<string> CreateAsync(
        ApiKeyRow key,
        string person,
        DateTimeOffset now,
        DateTimeOffset expiresAt,
        CancellationToken ct
    ) =>
        InsertAsync(
            Insert,
            tokenHash => new
            {
                TokenHash = tokenHash,
                key.FunderId,
                key.KeyId,
                Person = person,
                Now = now,
                ExpiresAt = expiresAt,
            },
            ct
        );

    /// <summary>Inserts a session with a new token (its hash in the arguments); answers the token, never
    /// stored.</summary>
    private async Task<string> InsertAsync(string sql, Func<string, object> args, CancellationToken ct)
    {
        var token = NewToken();
        await db.ExecuteAsync(sql, args(Hash(token)), ct);
        return token;
    }

    public Task<ConsoleSessionRow?> FindLiveAsync(string token, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<ConsoleSessionRow>(SelectLive, new { TokenHash = Hash(token) }, ct);

    /// <summary>
    /// Records that the session was used: best effort, skipped (false) when the main database is busy, e.g. while a
    /// portfolio import holds SQLite's write lock, so an officer's action never waits on the portfolio. A skipped
    /// touch is retried by the next request; the session idles out only after
    /// <see cref="ConsoleSessionOptions.IdleMinutes"/>.
    /// </summary>
    public Task<bool> TouchAsync(long id, DateTimeOffset now, CancellationToken ct) =>
        db.TryExecuteWithoutWaitingAsync(
            new CommandDefinition(Touch, new { Id = id, Now = now }, cancellationToken: ct)
        );

    public Task RevokeAsync(string token, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(RevokeOne, new { TokenHash = Hash(token), Now = now }, ct);

    /// <summary>"Sign out everywhere": every session of this person within the funder.</summary>
    public Task<int> RevokeAllAsync(long funderId, string person, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(
            RevokePerson,
            new
            {
                FunderId = funderId,
                Person = person,
                Now = now,
            },
            ct
        );
}

/// <summary>Signs people in and out of the console: the only code that writes the session cookie.</summary>
internal sealed class ConsoleSessions(
    ConsoleSessionStore store,
    ConsoleSessionOptions options,
    IHostEnvironment environment,
    TimeProvider clock
)
{
    public const string CookieName = "fa_console";
    public const string CookiePath = "/app";

    private bool Secure => options.SecureCookie ?? !environment.IsDevelopment();

    /// <summary>Opens a session for a person who has just given their password and second factor, and sets its
    /// cookie.</summary>
    public Task SignInPersonAsync(HttpContext http, PersonIdentity person, CancellationToken ct) =>
        SignInPersonAsync(http, person, secondFactorGiven: true, ct);

    /// <summary>Opens a session for a person signed in by single sign-on and sets its cookie; the second factor counts
    /// as given now only when the provider proved one.</summary>
    public async Task SignInPersonAsync(
        HttpContext http,
        PersonIdentity person,
        bool secondFactorGiven,
        CancellationToken ct
    )
    {
        var now = clock.GetUtcNow();
        var expires = now.AddHours(options.AbsoluteHours);
        var token = await store.CreateForPersonAsync(person, now, expires, secondFactorGiven, ct);
        AppendCookie(http, token);
    }

    private void AppendCookie(HttpContext http, string token) =>
        http.Response.Cookies.Append(
            CookieName,
            token,
            new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = Secure,
                Path = CookiePath,
                IsEssential = true,

                // A session cookie for the browser; the server enforces the idle and absolute expiry.
            }
        );

    public async Task SignOutAsync(HttpContext http, bool everywhere, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (everywhere && http.User.Identity?.IsAuthenticated == true)
        {
            await store.RevokeAllAsync(http.User.FunderId(), http.User.PersonId(), now, ct);
        }
        else if (http.Request.Cookies[CookieName] is { Length: > 0 } token)
        {
            await store.RevokeAsync(token, now, ct);
        }

        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = CookiePath, Secure = Secure });
    }
}

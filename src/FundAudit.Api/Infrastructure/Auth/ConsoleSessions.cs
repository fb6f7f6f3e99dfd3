using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using FundAudit.Api.Features.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

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

    public string KeyId { get; init; } = "";

    public string Person { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastSeenAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The role of the (unrevoked) key that opened the session.</summary>
    public string Role { get; init; } = "";

    /// <summary>The key's label: the person, for four-eyes rules.</summary>
    public string? Label { get; init; }

    /// <summary>The key as the principal is built from it (its hash is not read: the session token was checked
    /// instead).</summary>
    public ApiKeyRow Key =>
        new()
        {
            KeyId = KeyId,
            FunderId = FunderId,
            Role = Role,
            Label = Label,
        };
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

    // A session lives only while the key that opened it does: one read checks both.
    private const string SelectLive = """
        SELECT s.id, s.funder_id, s.key_id, s.person, s.created_at, s.last_seen_at, s.expires_at, k.role, k.label
        FROM console_sessions s JOIN api_keys k ON k.key_id = s.key_id AND k.funder_id = s.funder_id AND k.revoked_at
            IS NULL
        WHERE s.token_hash = @TokenHash AND s.revoked_at IS NULL
        """;
    private const string Touch =
        "UPDATE console_sessions SET last_seen_at = @Now WHERE id = @Id AND revoked_at IS " + "NULL";
    private const string RevokeOne =
        "UPDATE console_sessions SET revoked_at = @Now WHERE token_hash = @TokenHash AND " + "revoked_at IS NULL";
    private const string RevokePerson =
        "UPDATE console_sessions SET revoked_at = @Now WHERE funder_id = @FunderId "
        + "AND person = @Person AND revoked_at IS NULL";

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Opens a session and answers the token for the cookie (never stored).</summary>
    public async Task<string> CreateAsync(
        ApiKeyRow key,
        string person,
        DateTimeOffset now,
        DateTimeOffset expiresAt,
        CancellationToken ct
    )
    {
        var token = Convert
            .ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=')
            .Replace('+', '-')
            .Replace('/', '_');
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(
            new CommandDefinition(
                Insert,
                new
                {
                    TokenHash = Hash(token),
                    key.FunderId,
                    key.KeyId,
                    Person = person,
                    Now = now,
                    ExpiresAt = expiresAt,
                },
                cancellationToken: ct
            )
        );
        return token;
    }

    public async Task<ConsoleSessionRow?> FindLiveAsync(string token, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ConsoleSessionRow>(
            new CommandDefinition(SelectLive, new { TokenHash = Hash(token) }, cancellationToken: ct)
        );
    }

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

    public async Task RevokeAsync(string token, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(
            new CommandDefinition(RevokeOne, new { TokenHash = Hash(token), Now = now }, cancellationToken: ct)
        );
    }

    /// <summary>"Sign out everywhere": every session of this person within the funder.</summary>
    public async Task<int> RevokeAllAsync(long funderId, string person, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(
            new CommandDefinition(
                RevokePerson,
                new
                {
                    FunderId = funderId,
                    Person = person,
                    Now = now,
                },
                cancellationToken: ct
            )
        );
    }
}

/// <summary>Signs people in and out of the console: the only code that writes the session cookie.</summary>
internal sealed class ConsoleSessions(
    ConsoleSessionStore store,
    ApiKeyVerifier keys,
    ConsoleSessionOptions options,
    IHostEnvironment environment,
    TimeProvider clock
)
{
    public const string CookieName = "fa_console";
    public const string CookiePath = "/app";

    private bool Secure => options.SecureCookie ?? !environment.IsDevelopment();

    /// <summary>Checks a typed key; on success opens a session, sets its cookie and answers the key's role. Any bad key
    /// answers null, alike.</summary>
    public async Task<string?> SignInAsync(HttpContext http, string? typedKey, CancellationToken ct)
    {
        var presented = typedKey?.Trim() ?? "";
        if (await keys.VerifyAsync(presented, ct) is not { } key)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var expires = now.AddHours(options.AbsoluteHours);
        var person = FunderPrincipal.FromKey(key, ConsoleSessionHandler.SchemeName).PersonId();
        var token = await store.CreateAsync(key, person, now, expires, ct);
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
        return key.Role;
    }

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

/// <summary>
/// The console's authentication scheme: reads the session cookie (and nothing else), checks the session and its key,
/// and sends anyone without a live session to the sign-in page. The API never accepts this cookie.
/// </summary>
internal sealed class ConsoleSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConsoleSessionStore sessions,
    ConsoleSessionOptions settings,
    TimeProvider clock
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ConsoleSession";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[ConsoleSessions.CookieName] is not { Length: > 0 and <= 100 } token)
        {
            return AuthenticateResult.NoResult();
        }

        var ct = Context.RequestAborted;
        var session = await sessions.FindLiveAsync(token, ct);
        var now = clock.GetUtcNow();
        if (
            session is null
            || now >= session.ExpiresAt
            || now - session.LastSeenAt >= TimeSpan.FromMinutes(settings.IdleMinutes)
        )
        {
            return AuthenticateResult.Fail("No live console session (signed out, expired, or its key revoked).");
        }

        if (now - session.LastSeenAt >= TimeSpan.FromSeconds(settings.TouchEverySeconds))
        {
            await sessions.TouchAsync(session.Id, now, ct);
        }

        return AuthenticateResult.Success(
            new AuthenticationTicket(FunderPrincipal.FromKey(session.Key, SchemeName), SchemeName)
        );
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        string back =
            Request.Method == HttpMethods.Get
                ? (Request.PathBase + Request.Path + Request.QueryString).ToString()
                : "/app";
        Response.Redirect("/app/sign-in?returnUrl=" + Uri.EscapeDataString(back));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.Redirect("/app/forbidden");
        return Task.CompletedTask;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using FundAudit.Api.Features.People;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace FundAudit.Api.Tests.Pages;

/// <summary>A person the tests enrolled: their email, password, TOTP secret and unused recovery codes.</summary>
internal sealed class TestPerson(
    FundAuditApp app,
    long funderId,
    long personId,
    string email,
    string secret,
    IEnumerable<string> codes
)
{
    /// <summary>The app (and so the database) the person lives in.</summary>
    public FundAuditApp App { get; } = app;

    private readonly ConcurrentQueue<string> _codes = new(codes);

    public long FunderId { get; } = funderId;

    public long PersonId { get; } = personId;

    public string Email { get; } = email;

    public string Password => TestPeople.Password;

    public string Secret { get; } = secret;

    public int RecoveryCodesLeft => _codes.Count;

    /// <summary>An unused recovery code (each is accepted once).</summary>
    public string TakeRecoveryCode() =>
        _codes.TryDequeue(out var code) ? code : throw new InvalidOperationException("No recovery code left.");

    /// <summary>The TOTP code at the app's (fake) clock, <paramref name="steps"/> time steps later.</summary>
    public string Code(FundAuditApp app, int steps = 0) =>
        new Totp(Base32Encoding.ToBytes(Secret)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime.AddSeconds(30 * steps));
}

/// <summary>
/// People for the console tests, made the way people are made: an invitation (through the service's own
/// <see cref="Invitations"/>), then its pages over HTTP: the password, the TOTP code computed from the secret the page
/// shows (Otp.NET), the recovery codes read from the last page. A test that holds an API key signs in as the person
/// behind it: one person per key, named by the key's label, in the key's role.
/// </summary>
internal static partial class TestPeople
{
    public const string Password = "four long words of the test";

    private static readonly ConcurrentDictionary<string, TestPerson> ByKey = new(StringComparer.Ordinal);

    /// <summary>Signs <paramref name="session"/> in as the person behind <paramref name="key"/>: the first time by
    /// enrolling them (which signs in), later through the sign-in form with a recovery code.</summary>
    public static async Task<TestPerson> SignInAsync(FundAuditApp app, PageSession session, string key)
    {
        if (ByKey.TryGetValue(key, out var known))
        {
            await session.GetAsync("/app/sign-in");
            var signedIn = await session.PostAsync(
                "/app/sign-in",
                ("email", known.Email),
                ("password", known.Password),
                ("code", known.TakeRecoveryCode()),
                ("returnUrl", "/app")
            );
            Assert.True(
                signedIn.Status == HttpStatusCode.SeeOther,
                $"Sign-in answered {signedIn.Status}: {signedIn.Html}"
            );
            return known;
        }

        var person = await EnrolForKeyAsync(app, session, key);
        ByKey[key] = person;
        if (!session.Cookies.ContainsKey(ConsoleClient.SessionCookie))
        {
            return await SignInAsync(app, session, key); // the label's person, enrolled on another session
        }

        return person;
    }

    /// <summary>A new session (<see cref="NewSession"/>) signed in as the person behind <paramref name="key"/>.</summary>
    public static async Task<PageSession> SignedInSessionAsync(FundAuditApp app, string key)
    {
        var session = NewSession(app);
        await SignInAsync(app, session, key);
        return session;
    }

    /// <summary>The person behind a key, enrolled on a session of their own (not signed in on any session of the
    /// caller's).</summary>
    public static async Task<TestPerson> ForKeyAsync(FundAuditApp app, string key)
    {
        if (ByKey.TryGetValue(key, out var known))
        {
            return known;
        }

        var person = await EnrolForKeyAsync(app, NewSession(app), key);
        ByKey[key] = person;
        return person;
    }

    /// <summary>Invites a person through the service (no step-up: the tests of step-up use the pages).</summary>
    public static async Task<(long PersonId, string Token)> InviteAsync(
        FundAuditApp app,
        long funderId,
        string email,
        string name,
        params string[] roles
    )
    {
        var issued = await app
            .Services.GetRequiredService<Invitations>()
            .InviteAsync(new Inviter(funderId, "test", null), email, name, roles, default);
        Assert.NotNull(issued);
        return (issued.PersonId, issued.Token);
    }

    /// <summary>Walks an invitation's pages: password, TOTP enrolment, recovery codes; the session is then signed
    /// in.</summary>
    public static async Task<TestPerson> EnrolAsync(
        FundAuditApp app,
        PageSession session,
        long funderId,
        long personId,
        string email,
        string token
    )
    {
        var start = await session.GetAsync("/app/invitations/" + token);
        Assert.True(start.Status == HttpStatusCode.OK, $"Invitation page: {start.Status}: {start.Html}");
        var totp = await session.PostAsync(
            $"/app/invitations/{token}/password",
            ("password", Password),
            ("confirm", Password)
        );
        Assert.True(totp.Status == HttpStatusCode.OK, $"Password: {totp.Status}: {totp.Html}");
        var secret = totp.TextOf("data-totp-secret");
        Assert.False(string.IsNullOrEmpty(secret));
        var code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
        var done = await session.PostAsync($"/app/invitations/{token}/totp", ("code", code));
        Assert.True(done.Status == HttpStatusCode.OK, $"TOTP: {done.Status}: {done.Html}");
        var codes = RecoveryCode().Matches(done.Html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(SecondFactors.RecoveryCodeCount, codes.Count);
        Assert.True(session.Cookies.ContainsKey(ConsoleClient.SessionCookie));
        await StaffFixtures.JoinEveryFundAsync(app, funderId, personId); // as every test person is, unless need-to-know
        return new TestPerson(app, funderId, personId, email, secret, codes);
    }

    public static PageSession NewSession(FundAuditApp app) =>
        app is KestrelSqliteApp kestrel
            ? new(
                new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
                {
                    BaseAddress = new Uri(kestrel.BaseUrl),
                }
            )
            : new(
                app.CreateClient(
                    new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
                    {
                        AllowAutoRedirect = false,
                        HandleCookies = false,
                    }
                )
            );

    /// <summary>
    /// Enrols the person who owns <paramref name="key"/>: written active without a password by the API tests' people
    /// (<see cref="StaffFixtures"/>), they are given an invitation the way an admin re-invites, and go
    /// through its pages.
    /// </summary>
    private static async Task<TestPerson> EnrolForKeyAsync(FundAuditApp app, PageSession session, string key)
    {
        var row = await app.Services.GetRequiredService<ApiKeyVerifier>().VerifyAsync(key, default)
            ?? throw new InvalidOperationException("Not a live key.");
        var ownerId = row.OwnerPersonId ?? throw new InvalidOperationException("The key has no owner.");
        if (ByKey.Values.FirstOrDefault(p => p.App == app && p.PersonId == ownerId) is { } same)
        {
            return same; // one owner, one person
        }

        var db = app.Services.GetRequiredService<FundAudit.Api.Infrastructure.Data.Db>();
        var owner = await db.QuerySingleOrDefaultAsync<Owner>(
            "SELECT email, roles FROM staff_people WHERE funder_id = @FunderId AND id = @Id",
            new { row.FunderId, Id = ownerId },
            default
        ) ?? throw new InvalidOperationException("The key's owner is not the funder's.");
        await db.ExecuteAsync(
            "UPDATE staff_people SET status = 'invited' WHERE funder_id = @FunderId AND id = @Id AND password_hash IS NULL",
            new { row.FunderId, Id = ownerId },
            default
        );
        // The store's re-invitation, not Invitations': the owner keeps the roles the key was made with, even where a
        // second admin would have to confirm them for a new invitation.
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var now = app.Clock.GetUtcNow();
        var invitation = new NewInvitation(Invitations.HashToken(token), "test", now, now.AddHours(72));
        Assert.True(
            await app
                .Services.GetRequiredService<PeopleStore>()
                .ReinviteAsync(row.FunderId, ownerId, owner.Roles, invitation, default)
        );
        return await EnrolAsync(app, session, row.FunderId, ownerId, owner.Email, token);
    }

    private sealed record Owner(string Email, string Roles);

    [GeneratedRegex("<li><span class=\"code\">([a-z0-9-]+)</span></li>")]
    private static partial Regex RecoveryCode();
}

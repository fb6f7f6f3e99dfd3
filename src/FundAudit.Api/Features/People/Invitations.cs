using System.Security.Cryptography;
using System.Text;

namespace FundAudit.Api.Features.People;

/// <summary>An invitation just made: its one-time link (shown once; only the token's hash is stored).</summary>
internal sealed record IssuedInvitation(long PersonId, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Invitations: a person is invited with a one-time link (256 random bits; only its SHA-256 is stored) that expires
/// after <see cref="PeopleOptions.InvitationHours"/>. The link opens the pages where the person sets a password and
/// enrols TOTP; it is used up when the TOTP code is confirmed.
/// </summary>
internal sealed class Invitations(PeopleStore store, PeopleOptions options, TimeProvider clock)
{
    public const string PathPrefix = "/app/invitations/";

    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Invites a new person; null when the funder already has a person with this email.</summary>
    public async Task<IssuedInvitation?> InviteAsync(
        long funderId,
        string email,
        string displayName,
        IEnumerable<string> roles,
        string createdBy,
        CancellationToken ct
    )
    {
        var (token, invitation) = New(createdBy);
        var id = await store.CreateInvitedAsync(
            new NewPerson(funderId, email, displayName, RoleList(roles)),
            invitation,
            ct
        );
        return id is { } personId ? new IssuedInvitation(personId, token, invitation.ExpiresAt) : null;
    }

    /// <summary>A new link for an invited or seized person (open links revoked); null when the person is active or
    /// not the funder's.</summary>
    public async Task<IssuedInvitation?> ReinviteAsync(
        long funderId,
        long personId,
        IEnumerable<string> roles,
        string createdBy,
        CancellationToken ct
    )
    {
        var (token, invitation) = New(createdBy);
        return await store.ReinviteAsync(funderId, personId, RoleList(roles), invitation, ct)
            ? new IssuedInvitation(personId, token, invitation.ExpiresAt)
            : null;
    }

    /// <summary>The open invitation of a token, or null (unknown, used, revoked, expired).</summary>
    public async Task<InvitationRow?> FindOpenAsync(string? token, CancellationToken ct)
    {
        if (token is not { Length: > 20 and < 100 })
        {
            return null;
        }

        var row = await store.FindInvitationAsync(HashToken(token), ct);
        return row is not null && row.IsOpen(clock.GetUtcNow()) ? row : null;
    }

    /// <summary>The invitation's address: <see cref="PeopleOptions.PublicBaseUrl"/>, else the request's own
    /// origin, else <c>http://localhost:5000</c> (the command line).</summary>
    public string Link(HttpContext? http, string token)
    {
        var origin = options.PublicBaseUrl
            ?? (
                http is null
                    ? "http://localhost:5000"
                    : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}"
            );
        return origin.TrimEnd('/') + PathPrefix + token;
    }

    /// <summary>Roles as stored: known ones, once each, in the order of <see cref="Roles.All"/>.</summary>
    public static string RoleList(IEnumerable<string> roles) =>
        string.Join(',', Roles.All.Where(r => roles.Contains(r, StringComparer.Ordinal)));

    private (string Token, NewInvitation Invitation) New(string createdBy)
    {
        var token = Convert
            .ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=')
            .Replace('+', '-')
            .Replace('/', '_');
        var now = clock.GetUtcNow();
        return (token, new NewInvitation(HashToken(token), createdBy, now, now.AddHours(options.InvitationHours)));
    }
}

using System.Security.Cryptography;
using System.Text;

namespace FundAudit.Api.Features.People;

/// <summary>An invitation just made: its one-time link (shown once; only the token's hash is stored), and the roles
/// that wait for a second admin's confirmation.</summary>
internal sealed record IssuedInvitation(
    long PersonId,
    string Token,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string>? PendingRoles = null
);

/// <summary>Who invites: the funder, the actor written on the invitation ("cli" from the command line), and the person
/// who asks for the guarded roles (a console session's person, an API key's owner; none from the command line).
/// </summary>
internal sealed record Inviter(long FunderId, string CreatedBy, long? RequestedBy)
{
    /// <summary>The funder and the signed-in person or API key of <paramref name="user"/>.</summary>
    public static Inviter Of(ClaimsPrincipal user) => new(user.FunderId(), user.Actor(), user.StaffPersonId());
}

/// <summary>
/// Invitations: a person is invited with a one-time link (256 random bits; only its SHA-256 is stored) that expires
/// after <see cref="PeopleOptions.InvitationHours"/>. The link opens the pages where the person sets a password and
/// enrols TOTP; it is used up when the TOTP code is confirmed. Four-eyes on roles (issue 16): when the funder has two
/// or more active admins, the guarded roles of an invitation (admin, officer, finance) are not given at once but
/// requested as role grants that another admin confirms (<see cref="Tenancy.RoleGrants"/>), as any grant is.
/// </summary>
internal sealed class Invitations(
    PeopleStore store,
    Tenancy.TenancyUseCases grants,
    PeopleOptions options,
    TimeProvider clock
)
{
    public const string PathPrefix = "/app/invitations/";

    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Invites a new person; null when the funder already has a person with this email.</summary>
    public Task<IssuedInvitation?> InviteAsync(
        Inviter by,
        string email,
        string displayName,
        IEnumerable<string> roles,
        CancellationToken ct
    ) =>
        IssueAsync(
            by,
            roles,
            (now, invitation) =>
                store.CreateInvitedAsync(new NewPerson(by.FunderId, email, displayName, now), invitation, ct),
            ct
        );

    /// <summary>A new link for an invited or seized person (open links revoked); null when the person is active or
    /// not the funder's.</summary>
    public Task<IssuedInvitation?> ReinviteAsync(
        Inviter by,
        long personId,
        IEnumerable<string> roles,
        CancellationToken ct
    ) =>
        IssueAsync(
            by,
            roles,
            async (now, invitation) =>
                await store.ReinviteAsync(by.FunderId, personId, now, invitation, ct) ? personId : null,
            ct
        );

    /// <summary>A first invitation or another: the roles split, the link made, the person written by
    /// <paramref name="write"/> with the roles given at once (their id, or null: nothing issued), the others
    /// requested.</summary>
    private async Task<IssuedInvitation?> IssueAsync(
        Inviter by,
        IEnumerable<string> roles,
        Func<string, NewInvitation, Task<long?>> write,
        CancellationToken ct
    )
    {
        var (now, pending) = await SplitAsync(by.FunderId, roles, ct);
        var (token, invitation) = New(by.CreatedBy);
        if (await write(RoleList(now), invitation) is not { } personId)
        {
            return null;
        }

        await RequestAsync(by.FunderId, personId, pending, by.CreatedBy, by.RequestedBy, ct);
        return new IssuedInvitation(personId, token, invitation.ExpiresAt, pending);
    }

    /// <summary>The roles given at once and those that wait for a second admin (guarded roles, two or more
    /// admins).</summary>
    private async Task<(IReadOnlyList<string> Now, IReadOnlyList<string> Pending)> SplitAsync(
        long funderId,
        IEnumerable<string> roles,
        CancellationToken ct
    )
    {
        var now = new List<string>();
        var pending = new List<string>();
        foreach (var role in roles.Distinct(StringComparer.Ordinal))
        {
            (await grants.NeedsSecondAdminAsync(funderId, role, ct) ? pending : now).Add(role);
        }

        return (now, pending);
    }

    /// <summary>Pending grants of <paramref name="roles"/>, requested by the inviting person
    /// (<paramref name="requestedBy"/>: a console session's person, an API key's owner; none from the command line, and
    /// then any admin confirms).</summary>
    private async Task RequestAsync(
        long funderId,
        long personId,
        IReadOnlyList<string> roles,
        string createdBy,
        long? requestedBy,
        CancellationToken ct
    )
    {
        var by = requestedBy ?? 0;
        foreach (var role in roles)
        {
            await grants.RequestPendingAsync(funderId, personId, role, by, createdBy, ct);
        }
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
    /// origin (in Development, or behind <c>AllowedHosts</c>: <see cref="PublicAddressCheck"/>), else
    /// <c>http://localhost:5000</c> (the command line).</summary>
    public string Link(HttpContext? http, string token)
    {
        var origin = !string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? options.PublicBaseUrl
            : (
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

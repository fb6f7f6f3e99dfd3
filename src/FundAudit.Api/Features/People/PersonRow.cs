namespace FundAudit.Api.Features.People;

/// <summary>A person as stored: never their password hash outside <see cref="PeopleStore"/>'s sign-in read.</summary>
internal sealed class PersonRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public string Email { get; init; } = "";

    public string DisplayName { get; init; } = "";

    /// <summary>Comma-separated roles.</summary>
    public string Roles { get; init; } = "";

    public string Status { get; init; } = "";

    public string? PasswordHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? SeizedAt { get; init; }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public PersonIdentity Identity(long? sessionId = null, DateTimeOffset? secondFactorAt = null) =>
        new(FunderId, Id, DisplayName, RoleList, sessionId, secondFactorAt);
}

/// <summary>The statuses of a person.</summary>
internal static class PersonStatus
{
    /// <summary>Invited: the invitation is not used yet (no password and second factor confirmed).</summary>
    public const string Invited = "invited";

    /// <summary>Signed up: a password and a confirmed TOTP factor.</summary>
    public const string Active = "active";

    /// <summary>Everything revoked at once; only a new invitation brings the person back.</summary>
    public const string Seized = "seized";
}

/// <summary>An invitation with its person, as the invitation pages read it.</summary>
internal sealed class InvitationRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public long PersonId { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string Status { get; init; } = "";

    public string Email { get; init; } = "";

    public string DisplayName { get; init; } = "";

    /// <summary>Usable now: not used, not revoked, not expired, and its person still invited.</summary>
    public bool IsOpen(DateTimeOffset now) =>
        UsedAt is null && RevokedAt is null && now < ExpiresAt && Status == PersonStatus.Invited;
}

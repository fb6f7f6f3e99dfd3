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

/// <summary>
/// A new person's row in <c>staff_people</c>: the columns and values of the one insert that People's invitations and
/// the operator's key holders (Tenancy) both make.
/// </summary>
internal static class NewPersonRow
{
    public const string Table = "staff_people";

    public static readonly string[] Columns =
    [
        "funder_id",
        "email",
        "email_key",
        "display_name",
        "roles",
        "status",
        "created_at",
        "updated_at",
    ];

    /// <summary>The values of an invited person: email and name as given, the email's key derived from it.</summary>
    public static object Invited(long funderId, string email, string displayName, string roles, DateTimeOffset now) =>
        new
        {
            funder_id = funderId,
            email,
            email_key = PeopleStore.EmailKey(email),
            display_name = displayName,
            roles,
            status = PersonStatus.Invited,
            created_at = now,
            updated_at = now,
        };
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

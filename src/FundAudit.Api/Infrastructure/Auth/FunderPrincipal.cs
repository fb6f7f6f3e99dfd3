using System.Globalization;
using FundAudit.Api.Features.Tenancy;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>Claim types carried by an authenticated caller.</summary>
internal static class FunderClaims
{
    public const string FunderId = "funder_id";
    public const string KeyId = "key_id";

    /// <summary>The person a key belongs to (its label, when the admin gave one): one person may hold keys of several
    /// roles.</summary>
    public const string Person = "person";

    /// <summary>The id of the staff person (<c>staff_people.id</c>) behind a console session (or, once keys are
    /// owned by people, behind a key).</summary>
    public const string PersonId = "person_id";

    /// <summary>The console session's id (<c>console_sessions.id</c>).</summary>
    public const string SessionId = "session_id";

    /// <summary>When the person last gave their second factor in this session (Unix seconds), for step-up.</summary>
    public const string SecondFactorAt = "second_factor_at";
}

/// <summary>A staff person as a principal is built from them: the funder, the person, their roles and, for a console
/// session, the session and when the second factor was last given.</summary>
internal sealed record PersonIdentity(
    long FunderId,
    long PersonId,
    string DisplayName,
    IReadOnlyList<string> Roles,
    long? SessionId = null,
    DateTimeOffset? SecondFactorAt = null
);

/// <summary>Reads the tenant from the principal: every tenant query filters on <see cref="FunderId"/>.</summary>
internal static class FunderPrincipal
{
    /// <summary>
    /// The principal of an API key (or of a console session opened with one): funder, role and the person behind it.
    /// A key read with its owner has its role only while the owner still holds it (the owner's roles shrink → the
    /// key's do), and its owner as the person for four-eyes rules.
    /// </summary>
    public static ClaimsPrincipal FromKey(ApiKeyRow key, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"key:{key.KeyId}"),
            new(FunderClaims.KeyId, key.KeyId),
            new(FunderClaims.FunderId, key.FunderId.ToString(CultureInfo.InvariantCulture)),
        };
        if (key.OwnerRoles is null || KeyOwners.Split(key.OwnerRoles).Contains(key.Role, StringComparer.Ordinal))
        {
            claims.Add(new Claim(ClaimTypes.Role, key.Role));
        }

        if (key.OwnerPersonId is { } owner)
        {
            claims.Add(new Claim(FunderClaims.PersonId, Invariant(owner)));
        }

        if (!string.IsNullOrWhiteSpace(key.Label))
        {
            claims.Add(new Claim(FunderClaims.Person, key.Label.Trim().ToLowerInvariant()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>
    /// The principal of a staff person: "staff:{id}" as the actor and as the person, one role claim per role (in the
    /// order of <see cref="Auth.Roles.All"/>), the display name as the name, and the session's claims when there is
    /// one.
    /// </summary>
    public static ClaimsPrincipal FromPerson(PersonIdentity person, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "staff:" + Invariant(person.PersonId)),
            new(FunderClaims.PersonId, Invariant(person.PersonId)),
            new(FunderClaims.FunderId, Invariant(person.FunderId)),
            new(ClaimTypes.Name, person.DisplayName),
        };
        claims.AddRange(
            Roles
                .All.Where(r => person.Roles.Contains(r, StringComparer.Ordinal))
                .Select(r => new Claim(ClaimTypes.Role, r))
        );
        if (person.SessionId is { } session)
        {
            claims.Add(new Claim(FunderClaims.SessionId, Invariant(session)));
        }

        if (person.SecondFactorAt is { } at)
        {
            claims.Add(new Claim(FunderClaims.SecondFactorAt, Invariant(at.ToUnixTimeSeconds())));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static long FunderId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(FunderClaims.FunderId), out var id)
            ? id
            : throw new InvalidOperationException("The caller has no funder: the endpoint must require authorization.");

    /// <summary>The staff person behind the caller (<c>staff_people.id</c>), or null (a key no person owns).</summary>
    public static long? StaffPersonId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(FunderClaims.PersonId), CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The console session behind the caller, or null.</summary>
    public static long? SessionId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(FunderClaims.SessionId), CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    /// <summary>When the caller last gave their second factor in this session, or null (never, or not a
    /// session).</summary>
    public static DateTimeOffset? SecondFactorAt(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(FunderClaims.SecondFactorAt), CultureInfo.InvariantCulture, out var s)
            ? DateTimeOffset.FromUnixTimeSeconds(s)
            : null;

    /// <summary>Who acted, for audit trails: "staff:{personId}" or "key:{keyId}".</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";

    /// <summary>
    /// Who the person is, for four-eyes rules ("the approver cannot disburse"): "staff:{id}" for a staff person (the
    /// prefix keeps it apart from labels);
    /// for a key no person owns, "person:{label}" when the key has a label (so that one person's officer and finance
    /// keys count as the same person), else the key itself.
    /// </summary>
    public static string PersonId(this ClaimsPrincipal user) =>
        user.StaffPersonId() is { } id ? "staff:" + Invariant(id)
        : user.FindFirstValue(FunderClaims.Person) is { Length: > 0 } person ? "person:" + person
        : user.Actor();

    /// <summary>The caller's first role claim (admin, analyst, officer, finance, in that order for a person).</summary>
    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "";

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

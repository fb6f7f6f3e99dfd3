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
}

/// <summary>Reads the tenant from the principal: every tenant query filters on <see cref="FunderId"/>.</summary>
internal static class FunderPrincipal
{
    /// <summary>The principal of an API key (or of a console session opened with one): funder, role and the person
    /// behind it.</summary>
    public static ClaimsPrincipal FromKey(ApiKeyRow key, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"key:{key.KeyId}"),
            new(FunderClaims.KeyId, key.KeyId),
            new(FunderClaims.FunderId, key.FunderId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Role, key.Role),
        };
        if (!string.IsNullOrWhiteSpace(key.Label))
        {
            claims.Add(new Claim(FunderClaims.Person, key.Label.Trim().ToLowerInvariant()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static long FunderId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(FunderClaims.FunderId), out var id)
            ? id
            : throw new InvalidOperationException("The caller has no funder: the endpoint must require authorization.");

    /// <summary>Who acted, for audit trails: "key:{keyId}".</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";

    /// <summary>
    /// Who the person is, for four-eyes rules ("the approver cannot disburse"): "person:{label}" when the key has a
    /// label,
    /// so that one person's officer and finance keys count as the same person; else the key itself.
    /// </summary>
    public static string PersonId(this ClaimsPrincipal user) =>
        user.FindFirstValue(FunderClaims.Person) is { Length: > 0 } person ? "person:" + person : user.Actor();

    /// <summary>The caller's role claim (admin, analyst, officer, finance).</summary>
    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "";
}

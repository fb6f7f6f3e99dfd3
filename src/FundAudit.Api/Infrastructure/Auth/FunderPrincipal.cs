using System.Security.Claims;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>Claim types carried by an authenticated caller.</summary>
internal static class FunderClaims
{
    public const string FunderId = "funder_id";
    public const string KeyId = "key_id";

    /// <summary>The person a key belongs to (its label, when the admin gave one): one person may hold keys of several roles.</summary>
    public const string Person = "person";
}

/// <summary>Reads the tenant from the principal: every tenant query filters on <see cref="FunderId"/>.</summary>
internal static class FunderPrincipal
{
    public static long FunderId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(FunderClaims.FunderId), out var id)
            ? id
            : throw new InvalidOperationException("The caller has no funder: the endpoint must require authorization.");

    /// <summary>Who acted, for audit trails: "key:{keyId}".</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";

    /// <summary>
    /// Who the person is, for four-eyes rules ("the approver cannot disburse"): "person:{label}" when the key has a label,
    /// so that one person's officer and finance keys count as the same person; else the key itself.
    /// </summary>
    public static string PersonId(this ClaimsPrincipal user) =>
        user.FindFirstValue(FunderClaims.Person) is { Length: > 0 } person ? "person:" + person : user.Actor();

    /// <summary>The caller's role claim (admin, analyst, officer, finance).</summary>
    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "";
}

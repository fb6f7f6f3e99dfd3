using System.Security.Claims;

namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>Claim types carried by an authenticated caller.</summary>
internal static class FunderClaims
{
    public const string FunderId = "funder_id";
    public const string KeyId = "key_id";
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
}

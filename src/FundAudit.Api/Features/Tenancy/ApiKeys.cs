namespace FundAudit.Api.Features.Tenancy;

/// <summary>A key as listed: never its secret or hash.</summary>
internal sealed record ApiKeyView(
    string KeyId,
    string Role,
    string? Label,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt
);

/// <summary>GET /api/me: who the caller is.</summary>
internal static class GetCurrentCaller
{
    public sealed record Response(long FunderId, string FunderName, string Role, string KeyId);

    public static async Task<Results<Ok<Response>, NotFound>> HandleAsync(
        ClaimsPrincipal user,
        TenancyStore store,
        CancellationToken ct
    )
    {
        var funder = await store.FindFunderAsync(user.FunderId(), ct);
        return funder is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(
                new Response(
                    funder.Id,
                    funder.Name,
                    user.FindFirstValue(ClaimTypes.Role) ?? "",
                    user.FindFirstValue(FunderClaims.KeyId) ?? ""
                )
            );
    }
}

/// <summary>GET /api/keys: the funder's keys, revoked ones included.</summary>
internal static class ListApiKeys
{
    public static async Task<Ok<IReadOnlyList<ApiKeyView>>> HandleAsync(
        ClaimsPrincipal user,
        TenancyStore store,
        CancellationToken ct
    )
    {
        var keys = await store.ListKeysAsync(user.FunderId(), ct);
        return TypedResults.Ok<IReadOnlyList<ApiKeyView>>(
            keys.Select(k => new ApiKeyView(k.KeyId, k.Role, k.Label, k.CreatedAt, k.RevokedAt)).ToList()
        );
    }
}

/// <summary>POST /api/keys: a new key for the caller's funder; the secret is in this answer only.</summary>
internal static class CreateApiKey
{
    /// <param name="Role">admin, analyst, officer or finance.</param>
    /// <param name="Label">A note for people (whose key, what for). Not a secret; no personal data.</param>
    public sealed record Request(string Role, string? Label);

    public sealed record Response(string KeyId, string Role, string? Label, string Key);

    public static async Task<Created<Response>> HandleAsync(
        Request request,
        ClaimsPrincipal user,
        ApiKeyIssuer issuer,
        CancellationToken ct
    )
    {
        var (row, key) = await issuer.IssueAsync(user.FunderId(), request.Role, request.Label, user.Actor(), ct);
        return TypedResults.Created($"/api/keys/{row.KeyId}", new Response(row.KeyId, row.Role, row.Label, key));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Role).Must(Roles.IsKnown).WithMessage($"One of: {string.Join(", ", Roles.All)}.");
            RuleFor(r => r.Label).MaximumLength(200);
        }
    }
}

/// <summary>DELETE /api/keys/{keyId}: revokes a key at once. Another funder's key id is 404.</summary>
internal static class RevokeApiKey
{
    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        string keyId,
        ClaimsPrincipal user,
        TenancyStore store,
        TimeProvider clock,
        CancellationToken ct
    ) =>
        await store.RevokeKeyAsync(user.FunderId(), keyId, user.Actor(), clock.GetUtcNow(), ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Key not found",
                detail: "No active key with this id for your funder."
            );
}

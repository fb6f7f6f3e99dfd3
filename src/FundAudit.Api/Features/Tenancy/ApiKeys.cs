namespace FundAudit.Api.Features.Tenancy;

/// <summary>A key as listed: never its secret or hash.</summary>
/// <param name="KeyId">The key's public id (the part after fa_).</param>
/// <param name="Role">The role it was issued with; it works only while its owner still holds it.</param>
/// <param name="Label">A note for people.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
/// <param name="OwnerPersonId">The staff person who owns it (null: a key from before owners, which no longer
/// works).</param>
/// <param name="OwnerName">The owner's display name.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="LastUsedAt">When it was last used (to the minute), or null.</param>
internal sealed record ApiKeyView(
    string KeyId,
    string Role,
    string? Label,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    long? OwnerPersonId,
    string? OwnerName,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt
);

/// <summary>GET /api/me: who the caller is.</summary>
internal static class GetCurrentCaller
{
    /// <param name="FunderId">The funder the key belongs to.</param>
    /// <param name="FunderName">Its name.</param>
    /// <param name="Role">The key's role.</param>
    /// <param name="KeyId">The key's id (its part between the first two underscores).</param>
    /// <param name="PersonId">The person the caller acts for: the key's owner, as <c>GET /api/keys</c> names it (every
    /// key that authenticates has one).</param>
    public sealed record Response(long FunderId, string FunderName, string Role, string KeyId, long? PersonId);

    public static async Task<Results<Ok<Response>, NotFound>> HandleAsync(
        ClaimsPrincipal user,
        [FromServices] TenancyStore store,
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
                    user.FindFirstValue(FunderClaims.KeyId) ?? "",
                    user.StaffPersonId()
                )
            );
    }
}

/// <summary>GET /api/keys: the funder's keys, revoked ones included.</summary>
internal static class ListApiKeys
{
    public static async Task<Ok<IReadOnlyList<ApiKeyView>>> HandleAsync(
        ClaimsPrincipal user,
        [FromServices] TenancyStore store,
        [FromServices] ApiKeyOptions options,
        CancellationToken ct
    )
    {
        var keys = await store.ListKeysAsync(user.FunderId(), ct);
        return TypedResults.Ok<IReadOnlyList<ApiKeyView>>(keys.Select(k => View(k, options)).ToList());
    }

    public static ApiKeyView View(ApiKeyRow k, ApiKeyOptions options) =>
        new(
            k.KeyId,
            k.Role,
            k.Label,
            k.CreatedAt,
            k.RevokedAt,
            k.OwnerPersonId,
            k.OwnerName,
            options.ExpiryOf(k),
            k.LastUsedAt
        );
}

/// <summary>
/// POST /api/keys: a new key for the caller's funder, owned by the calling person (the owner of the calling key):
/// one of the caller's own roles, never more; the secret is in this answer only.
/// </summary>
internal static class CreateApiKey
{
    /// <param name="Role">admin, analyst, officer or finance: one the caller holds.</param>
    /// <param name="Label">A note for people (what it is for). Not a secret; no personal data.</param>
    /// <param name="ExpiresAt">When it stops working (default 90 days from now; at most the configured maximum,
    /// ApiKeys:MaxLifetimeDays).</param>
    public sealed record Request(string Role, string? Label, DateTimeOffset? ExpiresAt = null);

    /// <param name="KeyId">The key's public id.</param>
    /// <param name="Role">Its role.</param>
    /// <param name="Label">Its note.</param>
    /// <param name="Key">The secret, shown once.</param>
    /// <param name="OwnerPersonId">The person who owns it: the caller.</param>
    /// <param name="ExpiresAt">When it stops working.</param>
    public sealed record Response(
        string KeyId,
        string Role,
        string? Label,
        string Key,
        long OwnerPersonId,
        DateTimeOffset ExpiresAt
    );

    public static async Task<Results<Created<Response>, ProblemHttpResult>> HandleAsync(
        Request request,
        ClaimsPrincipal user,
        [FromServices] ApiKeyIssuer issuer,
        CancellationToken ct
    )
    {
        if (user.StaffPersonId() is not { } owner)
        {
            return Refused("A key is owned by the person who creates it: this caller is no person.");
        }

        try
        {
            var (row, key) = await issuer.IssueAsync(
                user.FunderId(),
                request.Role,
                request.Label,
                owner,
                ct,
                request.ExpiresAt,
                user.Actor()
            );
            return TypedResults.Created(
                $"/api/keys/{row.KeyId}",
                new Response(row.KeyId, row.Role, row.Label, key, owner, row.ExpiresAt!.Value)
            );
        }
        catch (KeyIssueException e)
        {
            return Refused(e.Message);
        }
    }

    private static ProblemHttpResult Refused(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Key not issued",
            detail: detail
        );

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Role).KnownRole();
            RuleFor(r => r.Label).AtMost(200);
        }
    }
}

/// <summary>DELETE /api/keys/{keyId}: revokes a key at once. Another funder's key id is 404.</summary>
internal static class RevokeApiKey
{
    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        string keyId,
        ClaimsPrincipal user,
        [FromServices] TenancyStore store,
        [FromServices] TimeProvider clock,
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

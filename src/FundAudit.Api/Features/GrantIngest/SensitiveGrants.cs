namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// PUT /api/grants/by-id/{id}/sensitive: marks a grant sensitive (or not). A sensitive grant stays in every report as
/// it is; only what is published back (the 360Giving exports) is anonymised. Another funder's grant is 404.
/// </summary>
internal static class SetGrantSensitive
{
    /// <param name="Sensitive">true: publish this grant anonymised; false: publish it as it is.</param>
    public sealed record Request(bool? Sensitive);

    /// <param name="Id">The grant's 360Giving identifier.</param>
    /// <param name="Sensitive">Its mark now.</param>
    public sealed record Response(string Id, bool Sensitive);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string id,
        Request request,
        HttpContext http,
        ClaimsPrincipal user,
        [FromServices] SensitiveGrantStore store,
        CancellationToken ct
    ) => await SetAsync(GrantIdentifier.FromPath(http, id, trailingSegments: 1), request, user, store, ct);

    /// <summary>The mark of a grant named by its decoded identifier (the console's form); the request must have
    /// passed <see cref="Validator"/>.</summary>
    public static async Task<Results<Ok<Response>, ProblemHttpResult>> SetAsync(
        string id,
        Request request,
        ClaimsPrincipal user,
        SensitiveGrantStore store,
        CancellationToken ct
    )
    {
        var sensitive = request.Sensitive!.Value;
        return await store.SetAsync(user.FunderId(), id, sensitive, ct)
            ? TypedResults.Ok(new Response(id, sensitive))
            : GrantProblems.NotFound(id);
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Sensitive).NotNull().WithText("Grant_Sensitive");
        }
    }
}

/// <summary>GET /api/grants/sensitive: the funder's grants marked sensitive, a keyset page at a time.</summary>
internal static class ListSensitiveGrants
{
    /// <param name="Limit">1 to 500 (default 100).</param>
    /// <param name="Cursor">The <c>next</c> value of the previous page.</param>
    public sealed record Request(int? Limit, long? Cursor);

    /// <param name="Id">The grant's 360Giving identifier.</param>
    /// <param name="Title">Its title (FundAudit's own view; the exports never publish it for a sensitive
    /// grant).</param>
    public sealed record Item(string Id, string Title);

    /// <param name="Items">This page, in the order the grants were stored.</param>
    /// <param name="Next">The cursor of the next page; null on the last.</param>
    public sealed record Response(IReadOnlyList<Item> Items, long? Next);

    public static async Task<Ok<Response>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] SensitiveGrantStore store,
        CancellationToken ct
    )
    {
        var limit = request.Limit ?? 100;
        var rows = await store.ListAsync(user.FunderId(), request.Cursor ?? 0, limit + 1, ct);
        var (page, next) = KeysetPage.Of(rows, limit, r => r.Id);
        return TypedResults.Ok(new Response(page.Select(r => new Item(r.Identifier, r.Title)).ToList(), next));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Limit).InclusiveBetween(1, 500);
            RuleFor(r => r.Cursor).GreaterThanOrEqualTo(0);
        }
    }
}

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>GET /api/grants/imports: the caller's imports, newest first, keyset-paged by id.</summary>
internal static class ListGrantImports
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <param name="Limit">Page size, 1 to 100 (default 20).</param>
    /// <param name="Before">The <c>next</c> value of the previous page.</param>
    public sealed record Request(int? Limit, long? Before);

    public sealed record Response(IReadOnlyList<GrantImportView> Items, long? Next);

    public static async Task<Ok<Response>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] GrantImportStore store,
        CancellationToken ct
    )
    {
        var limit = request.Limit ?? DefaultLimit;
        var rows = await store.ListAsync(user.FunderId(), request.Before, limit + 1, ct);
        var (page, next) = KeysetPage.Of(rows, limit, r => r.Id);
        return TypedResults.Ok(new Response(page.Select(GrantImportView.Of).ToList(), next));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Limit).InclusiveBetween(1, MaxLimit).When(r => r.Limit is not null);
            RuleFor(r => r.Before).GreaterThan(0).When(r => r.Before is not null);
        }
    }
}

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>GET /api/audit/quality/{code}/grants: the grants that fail one check, a keyset page at a time.</summary>
internal static class QualityGrants
{
    /// <param name="From">First award date (YYYY-MM-DD), with to.</param>
    /// <param name="To">Last award date (YYYY-MM-DD), inclusive.</param>
    /// <param name="FiscalYear">Instead of from/to: the fiscal year starting in that calendar year.</param>
    /// <param name="Currency">The report currency (ISO 4217) amounts are converted to.</param>
    /// <param name="Programme">Only grants of this programme title.</param>
    /// <param name="Region">Only recipients in this world region (UN M49 name, e.g. Africa).</param>
    /// <param name="Country">Only recipients in this country (ISO code or name).</param>
    /// <param name="Source">Only grants whose purpose came from explicit data or a rule, or that a person corrected
    /// (manual).</param>
    /// <param name="Limit">1 to 500 (default 50).</param>
    /// <param name="Cursor">The <c>next</c> value of the previous page.</param>
    /// <param name="ImportId">Only the grants that this import wrote last (created or changed).</param>
    public sealed record Request(
        DateOnly? From,
        DateOnly? To,
        int? FiscalYear,
        string? Currency,
        string? Programme,
        string? Region,
        string? Country,
        string? Source,
        int? Limit,
        long? Cursor,
        long? ImportId = null
    )
    {
        public GetQuality.Request Filters =>
            new(From, To, FiscalYear, Currency, Programme, Region, Country, Source, ImportId);

        /// <summary>A page of <paramref name="limit"/> grants after <paramref name="cursor"/> under
        /// <paramref name="filters"/> (the inverse of <see cref="Filters"/>).</summary>
        public static Request Page(GetQuality.Request filters, int limit, long? cursor) =>
            new(
                filters.From,
                filters.To,
                filters.FiscalYear,
                filters.Currency,
                filters.Programme,
                filters.Region,
                filters.Country,
                filters.Source,
                limit,
                cursor,
                filters.ImportId
            );
    }

    /// <param name="Id">The grant's 360Giving identifier.</param>
    /// <param name="Title">Its title.</param>
    /// <param name="Currency">Its currency.</param>
    /// <param name="AmountAwarded">Its amount in its currency.</param>
    /// <param name="AwardDate">Its award date.</param>
    /// <param name="AmountMinor">Its amount in the report currency's minor units; null when there is no rate.</param>
    /// <param name="Detail">Why it fails the check.</param>
    public sealed record Item(
        string Id,
        string Title,
        string Currency,
        decimal AmountAwarded,
        DateOnly AwardDate,
        long? AmountMinor,
        string Detail
    );

    /// <param name="Code">The check.</param>
    /// <param name="Title">Its title.</param>
    /// <param name="Items">This page of its grants, in the order they were stored.</param>
    /// <param name="Next">The cursor of the next page; null on the last.</param>
    public sealed record Response(string Code, string Title, IReadOnlyList<Item> Items, long? Next);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string code,
        [AsParameters] Request request,
        ClaimsPrincipal user,
        QualityCalculator quality,
        CancellationToken ct
    )
    {
        if (QualityChecks.Find(code) is not { } check)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: ProblemText.T("Title_QualityCheckNotFound"),
                detail: ProblemText.T(
                    "Use_QualityCheckUnknown",
                    code,
                    string.Join(", ", QualityChecks.All.Select(c => c.Code))
                )
            );
        }

        var query = GetQuality.ToQuery(request.Filters, quality.Options);
        var report = await quality.ComputeAsync(user.FunderId(), query, check.Code, request.ImportId, ct);
        var limit = request.Limit ?? 50;
        var cursor = request.Cursor ?? 0;
        var hits = report.Checks[0].Hits.Where(h => h.Grant.Id > cursor).Take(limit + 1).ToList();
        var (page, next) = KeysetPage.Of(hits, limit, h => h.Grant.Id);
        var items = page.Select(h => new Item(
                h.Grant.Identifier,
                h.Grant.Title,
                h.Grant.Currency,
                QualityCalculator.Major(h.Grant.Amount, h.Grant.Currency),
                h.Grant.AwardDate,
                h.ConvertedMinor,
                h.Detail
            ))
            .ToList();
        return TypedResults.Ok(new Response(check.Code, check.Title, items, next));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        private static readonly GetQuality.Validator Filters = new();

        public Validator()
        {
            RuleFor(r => r)
                .Custom(
                    (r, context) =>
                    {
                        foreach (var failure in Filters.Validate(r.Filters).Errors)
                        {
                            context.AddFailure(failure); // keeps the filter's own name (currency, from, region)
                        }
                    }
                );
            RuleFor(r => r.Limit).InclusiveBetween(1, 500);
            RuleFor(r => r.Cursor).GreaterThanOrEqualTo(0);
        }
    }
}

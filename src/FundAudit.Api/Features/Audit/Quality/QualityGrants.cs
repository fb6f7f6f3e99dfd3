namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>GET /api/audit/quality/{code}/grants: the grants that fail one check, a keyset page at a time.</summary>
internal static class QualityGrants
{
    public sealed record Request
    {
        /// <summary>First award date (YYYY-MM-DD), with to.</summary>
        public DateOnly? From { get; init; }

        /// <summary>Last award date (YYYY-MM-DD), inclusive.</summary>
        public DateOnly? To { get; init; }

        /// <summary>Instead of from/to: the fiscal year starting in that calendar year.</summary>
        public int? FiscalYear { get; init; }

        /// <summary>The report currency (ISO 4217) amounts are converted to.</summary>
        public string? Currency { get; init; }

        /// <summary>Only grants of this programme title.</summary>
        public string? Programme { get; init; }

        /// <summary>Only recipients in this world region (UN M49 name, e.g. Africa).</summary>
        public string? Region { get; init; }

        /// <summary>Only recipients in this country (ISO code or name).</summary>
        public string? Country { get; init; }

        /// <summary>Only grants whose purpose came from explicit data or a rule, or that a person corrected
        /// (manual).</summary>
        public string? Source { get; init; }

        /// <summary>1 to 500 (default 50).</summary>
        public int? Limit { get; init; }

        /// <summary>The <c>next</c> value of the previous page.</summary>
        public long? Cursor { get; init; }

        /// <summary>Only the grants that this import wrote last (created or changed).</summary>
        public long? ImportId { get; init; }

        public GetQuality.Request Filters =>
            new()
            {
                From = From,
                To = To,
                FiscalYear = FiscalYear,
                Currency = Currency,
                Programme = Programme,
                Region = Region,
                Country = Country,
                Source = Source,
                ImportId = ImportId,
            };

        /// <summary>A page of <paramref name="limit"/> grants after <paramref name="cursor"/> under
        /// <paramref name="filters"/> (the inverse of <see cref="Filters"/>).</summary>
        public static Request Page(GetQuality.Request filters, int limit, long? cursor) =>
            new()
            {
                From = filters.From,
                To = filters.To,
                FiscalYear = filters.FiscalYear,
                Currency = filters.Currency,
                Programme = filters.Programme,
                Region = filters.Region,
                Country = filters.Country,
                Source = filters.Source,
                Limit = limit,
                Cursor = cursor,
                ImportId = filters.ImportId,
            };
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
        [FromServices] QualityCalculator quality,
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

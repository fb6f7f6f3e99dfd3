using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>What the quality page's form asked for, as typed (kept on the page when it is wrong).</summary>
internal sealed record QualityPageQuery(string From, string To, string Currency, long? ImportId = null)
{
    /// <summary>The query string of the same filters, for links to a check's grants and back.</summary>
    public string QueryString =>
        $"?from={Uri.EscapeDataString(From)}&to={Uri.EscapeDataString(To)}&currency={Uri.EscapeDataString(Currency)}"
        + (ImportId is { } import ? "&importId=" + import.ToString(CultureInfo.InvariantCulture) : "");
}

/// <summary>The quality page: the checks of the period, or one check's grants (<see cref="Grants"/>).</summary>
internal sealed record QualityPageData(
    QualityPageQuery Query,
    IReadOnlyDictionary<string, string> Errors,
    GetQuality.Response? Report,
    QualityGrants.Response? Grants,
    long? Cursor
);

/// <summary>What both quality pages are given: the request and its person, the period, currency and import as typed in
/// the query, the quality calculator, the grants' use cases (the funder's currencies) and the clock.</summary>
internal sealed record QualityPageRequest
{
    public required HttpContext Http { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    public string? Currency { get; init; }

    public long? ImportId { get; init; }

    public required ClaimsPrincipal User { get; init; }

    [FromServices]
    public required QualityCalculator Quality { get; init; }

    [FromServices]
    public required GrantIngestUseCases Grants { get; init; }

    [FromServices]
    public required TimeProvider Clock { get; init; }
}

/// <summary>
/// The console's data-quality pages: /app/quality lists the checks of a period (the API's GET /api/audit/quality for
/// the signed-in funder), each linking /app/quality/{code}, a page of the grants that fail it.
/// </summary>
internal static class ConsoleQuality
{
    public static async Task<IResult> ShowAsync([AsParameters] QualityPageRequest q, CancellationToken ct)
    {
        var (query, request, errors) = await ReadAsync(q, ct);
        if (errors.Count > 0)
        {
            return Invalid(q.Http, new QualityPageData(query, errors, null, null, null));
        }

        var report = await GetQuality.ReportAsync(q.Quality, q.User.FunderId(), request, ct);
        var data = new QualityPageData(query, errors, GetQuality.ToResponse(report, query.QueryString), null, null);
        return ConsoleRender.Page<ConsoleQualityPage>(q.Http, ConsoleText.T("Quality_Title"), "quality", data);
    }

    public static async Task<IResult> GrantsAsync(
        string code,
        long? cursor,
        [AsParameters] QualityPageRequest q,
        CancellationToken ct
    )
    {
        var http = q.Http;
        var (query, request, errors) = await ReadAsync(q, ct);
        if (errors.Count > 0)
        {
            return Invalid(http, new QualityPageData(query, errors, null, null, null));
        }

        var pageRequest = QualityGrants.Request.Page(request, 50, cursor);
        return (await QualityGrants.HandleAsync(code, pageRequest, q.User, q.Quality, ct)).Result switch
        {
            Ok<QualityGrants.Response> { Value: { } page } => ConsoleRender.Page<ConsoleQualityPage>(
                http,
                ConsoleText.T("Quality_Title") + ": " + ConsoleText.T("QualityCheck_" + page.Code),
                "quality",
                new QualityPageData(query, errors, null, page, cursor)
            ),
            ProblemHttpResult p => ConsoleRender.Message(
                http,
                ConsoleText.T("Quality_Title"),
                p.ProblemDetails.Detail ?? ConsoleText.T("Quality_NoCheck"),
                StatusCodes.Status404NotFound
            ),
            _ => throw new InvalidOperationException("Unexpected answer of the quality grants."),
        };
    }

    private static IResult Invalid(HttpContext http, QualityPageData data) =>
        ConsoleRender.Page<ConsoleQualityPage>(
            http,
            ConsoleText.T("Quality_Title"),
            "quality",
            data,
            ConsoleText.T("Problem_CheckFields"),
            true,
            StatusCodes.Status400BadRequest
        );

    /// <summary>The form as asked (where blank: this year, or with an import the span of its grants' award dates;
    /// the funder's first currency) and its problems by field, from the API's own validator.</summary>
    private static async Task<(QualityPageQuery, GetQuality.Request, Dictionary<string, string>)> ReadAsync(
        QualityPageRequest typed,
        CancellationToken ct
    )
    {
        var (user, quality) = (typed.User, typed.Quality);
        var currencies = await ConsolePortfolio.CurrenciesAsync(typed.Grants, user, ct);
        var year = DateOnly.FromDateTime(typed.Clock.GetUtcNow().UtcDateTime).Year;
        var span =
            typed.ImportId is { } import && import > 0
                ? await quality.ImportPeriodAsync(user.FunderId(), import, ct)
                : null;
        var query = new QualityPageQuery(
            ConsoleForms.Blank(typed.From)
                ?? span?.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                ?? $"{year:D4}-01-01",
            ConsoleForms.Blank(typed.To)
                ?? span?.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                ?? $"{year:D4}-12-31",
            ConsolePortfolio.Currency(typed.Currency, currencies),
            typed.ImportId
        );
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var (fromDate, toDate) = ConsoleForms.RequiredPeriod(query.From, query.To, errors);
        var request = GetQuality.Request.OfPeriod(fromDate, toDate, query.Currency, query.ImportId);
        await ConsoleForms.ValidateIfReadAsync(new GetQuality.Validator(), request, errors, ct);

        return (query, request, errors);
    }
}

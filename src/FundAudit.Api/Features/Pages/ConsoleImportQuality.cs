using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Imports;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The quality summary of one finished import on its console page: the API's checks (GET
/// /api/audit/quality?importId=…) over the grants the import wrote last, for the span of their award dates, in the
/// funder's first currency; <see cref="Report"/> is null when the import wrote no grant (every row unchanged).
/// </summary>
internal sealed record ImportQualitySummary(QualityPageQuery Query, GetQuality.Response? Report);

internal static class ConsoleImportQuality
{
    /// <summary>The summary of a succeeded import, else null (nothing to check yet, or nothing was stored).</summary>
    public static async Task<ImportQualitySummary?> SummaryAsync(
        GrantImportView import,
        ClaimsPrincipal user,
        QualityCalculator quality,
        GrantIngestUseCases grants,
        CancellationToken ct
    )
    {
        if (import.Status != ImportStatus.Succeeded)
        {
            return null;
        }

        var currencies = await ConsolePortfolio.CurrenciesAsync(grants, user, ct);
        var currency = ConsolePortfolio.FirstCurrency(currencies);
        if (await quality.ImportPeriodAsync(user.FunderId(), import.Id, ct) is not { } span)
        {
            return new ImportQualitySummary(new QualityPageQuery("", "", currency, import.Id), null);
        }

        var query = new QualityPageQuery(
            ConsolePortfolio.Day(span.From),
            ConsolePortfolio.Day(span.To),
            currency,
            import.Id
        );
        var request = GetQuality.Request.OfPeriod(span.From, span.To, currency, import.Id);
        var report = await GetQuality.ReportAsync(quality, user.FunderId(), request, ct);
        return new ImportQualitySummary(query, GetQuality.ToResponse(report, query.QueryString));
    }
}

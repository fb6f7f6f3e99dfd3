using FundAudit.Api.Features.Audit.Quality;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The audit's reports as downloads for the console (<c>/app/downloads/…</c>): the API's own handlers and validators,
/// mapped by the audit onto the group the console gives (its session and authorization), because the cookie opens no
/// /api endpoint.
/// </summary>
internal static class AuditDownloads
{
    /// <summary>Maps every report's CSV (and, where there is a chart, SVG) download onto
    /// <paramref name="downloads"/>.</summary>
    /// <param name="downloads">The console's downloads group.</param>
    public static void MapAuditDownloads(this RouteGroupBuilder downloads)
    {
        downloads.MapGet("/grants.csv", ExportGrants.HandleAsync).AsDownload<ExportGrants.Request>("GrantsCsv");
        downloads.MapGet("/mix.csv", GetMix.CsvAsync).AsDownload<GetMix.Request>("MixCsv");
        downloads.MapGet("/mix.svg", GetMix.SvgAsync).AsDownload<GetMix.Request>("MixSvg");
        downloads.MapGet("/quality.csv", GetQuality.CsvAsync).AsDownload<GetQuality.Request>("QualityCsv");
        downloads.MapGet("/trend.csv", GetTrend.CsvAsync).AsDownload<GetTrend.Request>("TrendCsv");
        downloads.MapGet("/trend.svg", GetTrend.SvgAsync).AsDownload<GetTrend.Request>("TrendSvg");
        downloads.MapGet("/compare.csv", ComparePeriods.CsvAsync).AsDownload<ComparePeriods.Request>("CompareCsv");
        downloads.MapGet("/compare.svg", ComparePeriods.SvgAsync).AsDownload<ComparePeriods.Request>("CompareSvg");
        downloads
            .MapGet("/baselines/{id:long}/compare.csv", CompareBaseline.CsvAsync)
            .AsDownload<CompareBaseline.Request>("BaselineCompareCsv");
        downloads
            .MapGet("/baselines/{id:long}/compare.svg", CompareBaseline.SvgAsync)
            .AsDownload<CompareBaseline.Request>("BaselineCompareSvg");
    }
}

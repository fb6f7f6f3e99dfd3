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
        downloads.MapDownloads<ExportGrants.Request>("/grants", "Grants", ExportGrants.HandleAsync);
        downloads.MapDownloads<GetMix.Request>("/mix", "Mix", GetMix.CsvAsync, GetMix.SvgAsync);
        downloads.MapDownloads<GetQuality.Request>("/quality", "Quality", GetQuality.CsvAsync);
        downloads.MapDownloads<GetTrend.Request>("/trend", "Trend", GetTrend.CsvAsync, GetTrend.SvgAsync);
        downloads.MapDownloads<ComparePeriods.Request>(
            "/compare",
            "Compare",
            ComparePeriods.CsvAsync,
            ComparePeriods.SvgAsync
        );
        downloads.MapDownloads<CompareBaseline.Request>(
            "/baselines/{id:long}/compare",
            "BaselineCompare",
            CompareBaseline.CsvAsync,
            CompareBaseline.SvgAsync
        );
    }
}

using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Audit.Quality;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The console's audit pages: baselines and targets (with their forms), the comparison, the trend and the downloads.
/// Reading is the portfolio pages' policy; writing is the API's PortfolioWrite roles (administrators and analysts).
/// </summary>
internal static class ConsoleAuditEndpoints
{
    public static void MapConsoleAudit(this RouteGroupBuilder console)
    {
        var pages = console.MapGroup("/").RequireAuthorization(Policies.ConsolePortfolio);
        pages.MapGet("/audit", ConsoleAudit.ShowAsync).WithName("ConsoleAuditPage");
        pages.MapGet("/compare", ConsoleCompare.ShowAsync).WithName("ConsoleComparePage");
        pages.MapGet("/trend", ConsoleTrend.ShowAsync).WithName("ConsoleTrendPage");
        pages.MapGet("/downloads", ConsoleTrend.DownloadsAsync).WithName("ConsoleDownloadsPage");
        MapDownloads(pages.MapGroup("/downloads"));

        var forms = pages
            .MapGroup("/audit")
            .DisableAntiforgery()
            .AddEndpointFilter(PageSecurity.RequireAntiforgeryAsync)
            .RequireAuthorization(p =>
                p.AddAuthenticationSchemes(ConsoleSessionHandler.SchemeName).RequireRole(Roles.Admin, Roles.Analyst)
            );
        forms.MapPost("/baselines", ConsoleAudit.FreezeAsync).WithName("ConsoleFreezeBaseline");
        forms.MapPost("/targets", ConsoleAudit.AddTargetAsync).WithName("ConsoleAddTarget");
        forms.MapPost("/targets/{id:long}", ConsoleAudit.EditTargetAsync).WithName("ConsoleEditTarget");
        forms.MapPost("/targets/{id:long}/delete", ConsoleAudit.DeleteTargetAsync).WithName("ConsoleDeleteTarget");

        pages.MapGet("/rules", ConsoleRules.ShowAsync).WithName("ConsoleRulesPage");
        pages
            .MapPost("/rules", ConsoleRules.SubmitAsync)
            .WithName("ConsoleRulesForm")
            .DisableAntiforgery()
            .AddEndpointFilter(PageSecurity.RequireAntiforgeryAsync)
            .RequireAuthorization(p =>
                p.AddAuthenticationSchemes(ConsoleSessionHandler.SchemeName).RequireRole(Roles.Admin, Roles.Analyst)
            )
            .WithMetadata(new RequestSizeLimitAttribute(ConsoleRules.FormLimit))
            .WithFormOptions(valueLengthLimit: (int)ConsoleRules.FormLimit);
    }

    /// <summary>
    /// Every export, answered by the API's own handlers and validators under /app, so that the session opens them (the
    /// cookie opens no /api endpoint).
    /// </summary>
    private static void MapDownloads(RouteGroupBuilder downloads)
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

using FundAudit.Api.Features.Audit;

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
        pages.MapGroup("/downloads").MapAuditDownloads(); // the audit's own handlers, under the console's session

        var forms = pages.MapForms("/audit").RequirePortfolioWrite();
        forms.MapPost("/baselines", ConsoleAudit.FreezeAsync).WithName("ConsoleFreezeBaseline");
        forms.MapPost("/targets", ConsoleAudit.AddTargetAsync).WithName("ConsoleAddTarget");
        forms.MapPost("/targets/{id:long}", ConsoleAudit.EditTargetAsync).WithName("ConsoleEditTarget");
        forms.MapPost("/targets/{id:long}/delete", ConsoleAudit.DeleteTargetAsync).WithName("ConsoleDeleteTarget");

        pages.MapGet("/rules", ConsoleRules.ShowAsync).WithName("ConsoleRulesPage");
        pages
            .MapPost("/rules", ConsoleRules.SubmitAsync)
            .WithName("ConsoleRulesForm")
            .CheckedForms()
            .RequirePortfolioWrite()
            .WithMetadata(new RequestSizeLimitAttribute(ConsoleRules.FormLimit))
            .WithFormOptions(valueLengthLimit: (int)ConsoleRules.FormLimit);
    }
}

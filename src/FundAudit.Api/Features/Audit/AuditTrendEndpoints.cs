using static Microsoft.AspNetCore.Http.StatusCodes;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The audit's routes for editing targets, comparing two periods and the trend by year (the console's audit pages use
/// the same use cases).
/// </summary>
internal static class AuditTrendEndpoints
{
    public static void Map(RouteGroupBuilder audit)
    {
        audit
            .MapPut("/targets/{id:long}", EditTarget.HandleAsync)
            .WithName("UpdateTarget")
            .WithSummary("Change a target: its metric, direction, share, date or baseline (the body of CreateTarget)")
            .WritesPortfolio<CreateTarget.Request>(Status404NotFound, Status422UnprocessableEntity);
        audit
            .MapDelete("/targets/{id:long}", EditTarget.DeleteAsync)
            .WithName("DeleteTarget")
            .WithSummary("Remove a target")
            .RequireAuthorization(Policies.PortfolioWrite)
            .ProducesProblem(Status404NotFound);

        MapCompare(audit);
        MapTrend(audit);
    }

    private static void MapCompare(RouteGroupBuilder audit)
    {
        ReportRoutes.Map<ComparePeriods.Request>(
            new(
                audit.MapGet("/compare", ComparePeriods.HandleAsync),
                "ComparePeriods",
                "The level × purpose mix of two periods side by side, with the shift in points",
                GetMix.RoundingRule
            ),
            new(
                audit.MapGet("/compare.csv", ComparePeriods.CsvAsync),
                "ExportPeriodComparisonCsv",
                "The comparison of two periods as CSV (formula-safe cells)"
            ),
            new(
                audit.MapGet("/compare.svg", ComparePeriods.SvgAsync),
                "GetPeriodComparisonChart",
                "The comparison of two periods as an SVG chart: then beside now, stacked by purpose per level"
            ),
            Status422UnprocessableEntity
        );
    }

    private static void MapTrend(RouteGroupBuilder audit)
    {
        ReportRoutes.Map<GetTrend.Request>(
            new(
                audit.MapGet("/trend", GetTrend.HandleAsync),
                "GetFundingTrend",
                "The mix year by year (calendar or fiscal years) with the prevention + collective, flexible, local "
                    + "and other shares",
                GetMix.RoundingRule
                    + " A grant that cannot be converted makes the report a 422 naming the currencies and dates "
                    + "missing."
            ),
            new(
                audit.MapGet("/trend.csv", GetTrend.CsvAsync),
                "ExportFundingTrendCsv",
                "The trend as CSV, one row per year (formula-safe cells)"
            ),
            new(
                audit.MapGet("/trend.svg", GetTrend.SvgAsync),
                "GetFundingTrendChart",
                "The trend as an SVG chart: one bar per year, stacked by purpose"
            ),
            Status422UnprocessableEntity
        );
    }
}

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
            .RequireAuthorization(Policies.PortfolioWrite)
            .WithValidation<CreateTarget.Request>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        audit
            .MapDelete("/targets/{id:long}", EditTarget.DeleteAsync)
            .WithName("DeleteTarget")
            .WithSummary("Remove a target")
            .RequireAuthorization(Policies.PortfolioWrite)
            .ProducesProblem(StatusCodes.Status404NotFound);

        MapCompare(audit);
        MapTrend(audit);
    }

    private static void MapCompare(RouteGroupBuilder audit)
    {
        const string compareSummary = "The level × purpose mix of two periods side by side, with the shift in points";
        audit
            .MapGet("/compare", ComparePeriods.HandleAsync)
            .WithName("ComparePeriods")
            .WithSummary(compareSummary)
            .WithDescription(GetMix.RoundingRule)
            .WithValidation<ComparePeriods.Request>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        audit
            .MapGet("/compare.csv", ComparePeriods.CsvAsync)
            .WithName("ExportPeriodComparisonCsv")
            .WithSummary("The comparison of two periods as CSV (formula-safe cells)")
            .WithValidation<ComparePeriods.Request>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        audit
            .MapGet("/compare.svg", ComparePeriods.SvgAsync)
            .WithName("GetPeriodComparisonChart")
            .WithSummary("The comparison of two periods as an SVG chart: then beside now, stacked by purpose per level")
            .WithValidation<ComparePeriods.Request>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static void MapTrend(RouteGroupBuilder audit)
    {
        audit
            .MapGet("/trend", GetTrend.HandleAsync)
            .WithName("GetFundingTrend")
            .WithSummary(
                "The mix year by year (calendar or fiscal years) with the prevention + collective, flexible, local "
                    + "and other shares"
            )
            .WithDescription(
                GetMix.RoundingRule
                    + " A grant that cannot be converted makes the report a 422 naming the currencies and dates "
                    + "missing."
            )
            .WithValidation<GetTrend.Request>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        audit
            .MapGet("/trend.csv", GetTrend.CsvAsync)
            .WithName("ExportFundingTrendCsv")
            .WithSummary("The trend as CSV, one row per year (formula-safe cells)")
            .WithValidation<GetTrend.Request>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        audit
            .MapGet("/trend.svg", GetTrend.SvgAsync)
            .WithName("GetFundingTrendChart")
            .WithSummary("The trend as an SVG chart: one bar per year, stacked by purpose")
            .WithValidation<GetTrend.Request>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}

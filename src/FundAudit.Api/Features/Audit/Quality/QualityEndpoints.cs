namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>The routes of the data-quality checks, under /api/audit.</summary>
internal static class QualityEndpoints
{
    public static void MapQuality(this RouteGroupBuilder audit)
    {
        const string Counting =
            "A check counts the grants that fail it (a grant may fail several) and their money in the report "
            + "currency, each grant converted at its award date's rate; a grant with no rate is counted, named by "
            + "no_exchange_rate, and its money left out of the money shares (unconvertedGrants says how many).";
        audit
            .MapGet("/quality", GetQuality.HandleAsync)
            .WithName("GetDataQuality")
            .WithSummary("Data-quality checks over the grants the mix counts (same filters), each linking its grants")
            .WithDescription(Counting)
            .WithValidation<GetQuality.Request>();
        audit
            .MapGet("/quality.csv", GetQuality.CsvAsync)
            .WithName("ExportDataQualityCsv")
            .WithSummary("The data-quality checks as CSV " + "(formula-safe cells)")
            .WithValidation<GetQuality.Request>();
        audit
            .MapGet("/quality/{code}/grants", QualityGrants.HandleAsync)
            .WithName("ListDataQualityGrants")
            .WithSummary("The grants that fail one data-quality check, a keyset page at a time")
            .WithValidation<QualityGrants.Request>(StatusCodes.Status404NotFound);
    }
}

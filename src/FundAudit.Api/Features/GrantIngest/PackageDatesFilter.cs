namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// POST /api/grants: the package's dates as publishers write them become ISO dates (<see cref="PackageDates"/>) before
/// the validator reads them; a <c>dateFormat</c> that is none of the two, or slash dates that cannot be read one way,
/// answer 400 ValidationProblem naming the parameter or the grant's date by its JSON path.
/// </summary>
internal sealed class PackageDatesFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.Arguments.OfType<GrantPackage>().FirstOrDefault() is { } package)
        {
            var dateFormat = context.HttpContext.Request.Query[PackageDates.Parameter].ToString();
            var problems = PackageDates.Normalise(package, dateFormat);
            if (problems.Count > 0)
            {
                return ValidationProblems.Of(problems);
            }
        }

        return await next(context);
    }
}

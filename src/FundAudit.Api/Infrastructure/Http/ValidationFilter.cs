namespace FundAudit.Api.Infrastructure.Http;

/// <summary>The one validation path (DESIGN rule 5): the request's FluentValidation validator, 400 ValidationProblem on
/// failure.</summary>
internal sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
        {
            return TypedResults.Problem(
                title: "Missing body",
                detail: "The request needs a JSON body.",
                statusCode: StatusCodes.Status400BadRequest
            );
        }

        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        if (!result.IsValid)
        {
            return TypedResults.ValidationProblem(result.ToDictionary(), title: ValidationProblems.Title);
        }

        return await next(context);
    }
}

/// <summary>The 400 ValidationProblem of a check that runs before the validator (JSON texts, a package's dates).
/// </summary>
internal static class ValidationProblems
{
    public const string Title = "The request is not valid.";

    /// <summary>Each message under its field's JSON path (or query parameter), in order.</summary>
    public static ValidationProblem Of(IEnumerable<(string Path, string Message)> problems) =>
        TypedResults.ValidationProblem(
            problems
                .GroupBy(p => p.Path, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal),
            title: Title
        );
}

internal static class ValidationFilterExtensions
{
    /// <summary>
    /// Runs <typeparamref name="T"/>'s validator before the handler (a 400 ValidationProblem) and documents that
    /// answer, then the problems the route may answer besides it, in their order.
    /// </summary>
    /// <param name="builder">The route.</param>
    /// <param name="problems">The status codes of the problems the route may answer besides 400.</param>
    public static RouteHandlerBuilder WithValidation<T>(this RouteHandlerBuilder builder, params int[] problems) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem().ProducesProblems(problems);
}

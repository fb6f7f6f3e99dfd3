using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// Turns every unhandled exception into ProblemDetails. Bad requests (malformed JSON, oversized bodies) say what
/// and where; anything else is a 500 with no stack trace, SQL or path (those go to the log only).
/// </summary>
internal sealed class ProblemExceptionHandler(
    IProblemDetailsService problemDetails,
    IHostEnvironment environment,
    ILogger<ProblemExceptionHandler> logger
) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext,
        Exception exception,
        CancellationToken cancellationToken
    )
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => (
                400,
                "Malformed JSON",
                DescribeJson(json)
            ),
            BadHttpRequestException { StatusCode: 413 } => (
                413,
                "Request body too large",
                "The request body is " + "larger than this endpoint accepts."
            ),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", SafeMessage(bad)),
            _ when environment.IsDevelopment() => (500, "Unexpected error", exception.ToString()),
            _ => (
                500,
                "Unexpected error",
                "The server could not complete the request. Quote the traceId when " + "reporting it."
            ),
        };

        if (status >= 500)
        {
            logger.LogError(
                exception,
                "Unhandled exception on {Method} {Path}",
                httpContext.Request.Method,
                httpContext.Request.Path
            );
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails =
                {
                    Status = status,
                    Title = title,
                    Detail = detail,
                },
            }
        );
    }

    private static string DescribeJson(JsonException json)
    {
        var where = json.Path is { Length: > 0 } ? $" at {json.Path}" : "";
        var line = json.LineNumber is { } l ? $" (line {l + 1}, byte {json.BytePositionInLine + 1})" : "";
        return $"The body is not valid JSON for this endpoint{where}{line}.";
    }

    private static string SafeMessage(BadHttpRequestException bad) =>
        bad.Message.StartsWith("Failed to read parameter", StringComparison.Ordinal)
        || bad.Message.StartsWith("Required parameter", StringComparison.Ordinal)
            ? bad.Message
            : "The request could not be read.";
}

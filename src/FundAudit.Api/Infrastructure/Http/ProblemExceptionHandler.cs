using System.Text.Json;
using FundAudit.Api.Features.Pages;
using Microsoft.AspNetCore.Diagnostics;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// Turns every unhandled exception into ProblemDetails. Bad requests (malformed JSON, oversized bodies) say what
/// and where; a database that is busy (<see cref="DatabaseBusy"/>: a lock held too long, a deadlock, a full pool) is a
/// 503 with <c>Retry-After</c> (<c>Database:BusyRetryAfterSeconds</c>); anything else is a 500 with no stack trace,
/// SQL or path (those go to the log only). Console pages (<c>/app</c>) get the same failures as a console page.
/// </summary>
internal sealed class ProblemExceptionHandler(
    IProblemDetailsService problemDetails,
    IHostEnvironment environment,
    DatabaseOptions database,
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
                BodyLimits.LimitOf(httpContext) is { } limit
                    ? $"The request body is larger than this endpoint accepts: at most {BodyLimits.Megabytes(limit)} "
                        + $"({limit} bytes)."
                    : "The request body is " + "larger than this endpoint accepts."
            ),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", SafeMessage(bad)),
            _ when UnstorableText.Is(exception) => (
                400,
                "Text not storable",
                "A text in the request holds the NUL character (U+0000), which cannot be stored. Nothing was saved: "
                    + "remove it and send the request again."
            ),
            _ when DatabaseBusy.Is(exception) => (
                503,
                "Service busy",
                "The database is busy and the request was not completed. Send it again (with the same "
                    + $"Idempotency-Key where it has one) in {database.BusyRetryAfterSeconds} seconds."
            ),
            _ when environment.IsDevelopment() => (500, "Unexpected error", exception.ToString()),
            _ => (
                500,
                "Unexpected error",
                "The server could not complete the request. Quote the traceId when " + "reporting it."
            ),
        };

        Log(httpContext, exception, status);

        httpContext.Response.StatusCode = status;
        if (status >= 500 && IsConsolePage(httpContext))
        {
            await ConsoleRender
                .Message(httpContext, title, ConsoleText(httpContext, status), status)
                .ExecuteAsync(httpContext);
            return true;
        }
        return await problemDetails.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = Problem(status, title, detail, httpContext),
            }
        );
    }

    /// <summary>The problem; a 413 also names the limit in bytes (<c>limitBytes</c>).</summary>
    private static Microsoft.AspNetCore.Mvc.ProblemDetails Problem(
        int status,
        string title,
        string detail,
        HttpContext http
    )
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
        };
        if (status == StatusCodes.Status413PayloadTooLarge && BodyLimits.LimitOf(http) is { } limit)
        {
            problem.Extensions["limitBytes"] = limit;
        }

        return problem;
    }

    /// <summary>A busy database as a warning (with the Retry-After header set); any other 5xx as an error.</summary>
    private void Log(HttpContext httpContext, Exception exception, int status)
    {
        if (status == 503)
        {
            httpContext.Response.Headers.RetryAfter = database.BusyRetryAfterSeconds.ToString(
                CultureInfo.InvariantCulture
            );
            logger.LogWarning(
                exception,
                "Database busy on {Method} {Path}: answered 503 ({Error})",
                httpContext.Request.Method,
                httpContext.Request.Path,
                exception.GetType().Name
            );
        }
        else if (status >= 500)
        {
            logger.LogError(
                exception,
                "Unhandled exception on {Method} {Path}",
                httpContext.Request.Method,
                httpContext.Request.Path
            );
        }
    }

    /// <summary>A console page (under <c>/app</c>, asked for by a browser) gets its failure as a console page, not
    /// problem+json: officers and analysts read it in a browser.</summary>
    private static bool IsConsolePage(HttpContext httpContext) =>
        httpContext.Request.Path.StartsWithSegments("/app", StringComparison.OrdinalIgnoreCase)
        && !httpContext.Response.HasStarted;

    private string ConsoleText(HttpContext httpContext, int status) =>
        status == 503
            ? "The database is busy and nothing was saved. Go back and send the form again, or reload the page, in "
                + $"{database.BusyRetryAfterSeconds} seconds."
            : "The console could not complete this page. Quote this reference when reporting it: "
                + (System.Diagnostics.Activity.Current?.Id ?? httpContext.TraceIdentifier)
                + ".";

    /// <summary>
    /// Where the body failed, and how: text that is not JSON (the reader's error, wrapped by the serializer) or JSON
    /// that does not fit the endpoint (an array where an object belongs, such as a list of grants or a publisher's
    /// metadata file posted as a package; text where a number belongs; a property given twice).
    /// </summary>
    private static string DescribeJson(JsonException json)
    {
        var where = json.Path is { Length: > 0 } ? $" at {json.Path}" : "";
        var line = json.LineNumber is { } l ? $" (line {l + 1}, byte {json.BytePositionInLine + 1})" : "";
        return json.InnerException is JsonException
            ? $"The body is not valid JSON for this endpoint{where}{line}."
            : $"The body is JSON, but it does not fit this endpoint's schema{where}{line}: a value there has another "
                + "type (an array where an object belongs, text where a number does) or a property is given twice.";
    }

    private static string SafeMessage(BadHttpRequestException bad) =>
        bad.Message.StartsWith("Failed to read parameter", StringComparison.Ordinal)
        || bad.Message.StartsWith("Required parameter", StringComparison.Ordinal)
            ? bad.Message
            : "The request could not be read.";
}

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// Metadata of an endpoint that answers a body over its limit itself (a console form shows its page again with the
/// problem beside the file field): <see cref="RequestBodyLimitMiddleware"/> then lets a declared Content-Length over
/// the limit through, unread, instead of throwing, and the endpoint must not read the body when
/// <see cref="BodyLimits.IsDeclaredTooLarge"/> says so.
/// </summary>
internal sealed class AnswersOversizedBody;

/// <summary>The request body limit in force, said the same way in every 413.</summary>
internal static class BodyLimits
{
    /// <summary>Where <see cref="RequestBodyLimitMiddleware"/> keeps the request's limit.</summary>
    public const string LimitItem = "FundAudit.BodyLimitBytes";

    /// <summary>The body limit the middleware set for this request, if any.</summary>
    public static long? LimitOf(HttpContext http) => http.Items.TryGetValue(LimitItem, out var v) ? v as long? : null;

    /// <summary>Whether the request declared a body longer than its limit (never read then).</summary>
    public static bool IsDeclaredTooLarge(HttpContext http) =>
        LimitOf(http) is { } limit && http.Request.ContentLength > limit;

    /// <summary>A body cut off at the limit while it was read: the limit itself, or the multipart reader's, also as
    /// the cause of another exception (antiforgery wraps what reading its form threw).</summary>
    public static bool IsTooLarge(Exception? exception) =>
        ExceptionChain.Any(exception, e =>
            e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
            || (e is InvalidDataException && e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        );

    /// <summary>Bytes in megabytes for people (1 MB = 1,048,576 bytes, one decimal): "200.0 MB".</summary>
    public static string Megabytes(long bytes) =>
        (bytes / 1048576m).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>A 413 that says the limit, in MB in <c>detail</c> and in bytes in <c>limitBytes</c>.</summary>
    public static ProblemHttpResult TooLarge(string title, string what, long limitBytes) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: title,
            detail: $"{what} is larger than the limit of {Megabytes(limitBytes)} ({limitBytes} bytes).",
            extensions: new Dictionary<string, object?> { ["limitBytes"] = limitBytes }
        );
}

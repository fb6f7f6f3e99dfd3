using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary><c>RateLimits:PublicPermitLimit</c> requests per <c>RateLimits:PublicWindowSeconds</c> per client
/// address.</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public int PublicPermitLimit { get; set; } = 10;

    public int PublicWindowSeconds { get; set; } = 60;
}

/// <summary>
/// Endpoint metadata: over the limit, this endpoint answers with the page <see cref="Render"/> makes (a page for
/// people,
/// in their language) instead of the ProblemDetails; the status and Retry-After are set alike.
/// </summary>
internal sealed record RateLimitRejectionPage(Func<HttpContext, IResult> Render);

/// <summary>
/// ASP.NET Core's rate limiter for the anonymous endpoints: a fixed window per client IP address (behind a proxy,
/// configure forwarded headers so that this is the client's address). Rejections are 429 ProblemDetails with
/// Retry-After.
/// Partitions are in-process: with several instances each allows the limit (DESIGN "Scale" allows this).
/// </summary>
internal static class RateLimiting
{
    public const string PublicPolicy = "public";

    public static IServiceCollection AddFundAuditRateLimiting(
        this IServiceCollection services,
        IConfiguration configuration
    )
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>()
            ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PublicPolicy, http =>
                RateLimitPartition.GetFixedWindowLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.PublicPermitLimit,
                        Window = TimeSpan.FromSeconds(options.PublicWindowSeconds),
                        QueueLimit = 0,
                    }
                )
            );
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
                    ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))
                    : options.PublicWindowSeconds;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                if (http.GetEndpoint()?.Metadata.GetMetadata<RateLimitRejectionPage>() is { } page)
                {
                    await page.Render(http).ExecuteAsync(http);
                    return;
                }

                await http
                    .RequestServices.GetRequiredService<IProblemDetailsService>()
                    .WriteAsync(
                        new ProblemDetailsContext
                        {
                            HttpContext = http,
                            ProblemDetails =
                            {
                                Status = StatusCodes.Status429TooManyRequests,
                                Title = "Too many requests",
                                Detail = $"Too many requests from this address. Try again in {seconds} seconds.",
                            },
                        }
                    );
            };
        });
        return services;
    }
}

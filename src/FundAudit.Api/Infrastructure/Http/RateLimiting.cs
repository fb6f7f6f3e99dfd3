using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>The anonymous endpoints' limits (section <c>RateLimits</c>).</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests per window per client address.</summary>
    public int PublicPermitLimit { get; set; } = 10;

    public int PublicWindowSeconds { get; set; } = 60;

    /// <summary>Addresses many people share (an onion service's local Tor daemon, a known NAT): their own, higher
    /// limit.</summary>
    public List<string> SharedAddresses { get; set; } = [];

    /// <summary>Requests per window from one shared address.</summary>
    public int SharedPermitLimit { get; set; } = 600;

    /// <summary>Anonymous requests handled at once, over all addresses; more wait in a queue. It bounds work per
    /// instance and must stay well under the database's connections (PostgreSQL's max_connections, 100 by default,
    /// shared by every instance's pools): at 256 a burst of forms waiting on the funder's event-chain lock opened more
    /// connections than the server allows (README "Performance").</summary>
    public int PublicConcurrencyLimit { get; set; } = 32;

    /// <summary>Anonymous requests that may wait for a slot; beyond it the answer is 503. 160: beside a 1M-row import
    /// on PostgreSQL the form at 200 a second had about 100 requests in flight, and 64 answered some of them
    /// 503 (README "Performance").</summary>
    public int PublicQueueLimit { get; set; } = 160;

    /// <summary>The Retry-After of a 503 when every slot and the queue are taken.</summary>
    public int BusyRetryAfterSeconds { get; set; } = 10;
}

/// <summary>
/// Endpoint metadata: over a limit, this endpoint answers with the page <see cref="Render"/> makes (a page for people,
/// in their language, given the status) instead of the ProblemDetails; the status and Retry-After are set alike.
/// </summary>
internal sealed record RateLimitRejectionPage(Func<HttpContext, int, IResult> Render);

/// <summary>
/// ASP.NET Core's rate limiter for the anonymous endpoints (the <see cref="PublicPolicy"/>): a fixed window per client
/// address (the socket's, or the one a trusted proxy forwarded: <see cref="ClientAddresses"/>), so one flooding
/// address uses up only its own window (429 with Retry-After); and one concurrency limiter over all of them, with a
/// queue, so a flood from many addresses cannot take every worker (503 with Retry-After). Both are ProblemDetails, or
/// the endpoint's page. Counters live in this process's memory: with several instances each allows the limits.
/// </summary>
internal static class RateLimiting
{
    public const string PublicPolicy = "public";

    public static IServiceCollection AddFundAuditRateLimiting(
        this IServiceCollection services,
        IConfiguration configuration
    )
    {
        var options = configuration.Bound<RateLimitOptions>(RateLimitOptions.Section);
        var shared = options.SharedAddresses.Select(a => Normalize(IPAddress.Parse(a))).ToHashSet();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsPublic(http)
                    ? RateLimitPartition.GetConcurrencyLimiter(PublicPolicy, _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = options.PublicConcurrencyLimit,
                        QueueLimit = options.PublicQueueLimit,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    })
                    : RateLimitPartition.GetNoLimiter("")
            );
            o.AddPolicy(PublicPolicy, http =>
            {
                var address = http.Connection.RemoteIpAddress is { } ip ? Normalize(ip) : null;
                var isShared = address is not null && shared.Contains(address);
                return RateLimitPartition.GetFixedWindowLimiter(
                    address?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = isShared ? options.SharedPermitLimit : options.PublicPermitLimit,
                        Window = TimeSpan.FromSeconds(options.PublicWindowSeconds),
                        QueueLimit = 0,
                    }
                );
            });
            o.OnRejected = (context, _) => RejectAsync(context, options);
        });
        return services;
    }

    private static bool IsPublic(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == PublicPolicy;

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// A window's rejection carries its Retry-After: 429, this address is over its limit. A rejection without one
    /// comes from the concurrency limiter: 503, the service is busy for everyone.
    /// </summary>
    private static async ValueTask RejectAsync(OnRejectedContext context, RateLimitOptions options)
    {
        var http = context.HttpContext;
        var perAddress = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry);
        var seconds = perAddress ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : options.BusyRetryAfterSeconds;
        var status = perAddress ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
        http.Response.StatusCode = status;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (http.GetEndpoint()?.Metadata.GetMetadata<RateLimitRejectionPage>() is { } page)
        {
            await page.Render(http, status).ExecuteAsync(http);
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
                        Status = status,
                        Title = perAddress ? "Too many requests" : "Busy",
                        Detail = perAddress
                            ? $"Too many requests from this address. Try again in {seconds} seconds."
                            : $"The service is busy. Try again in {seconds} seconds.",
                    },
                }
            );
    }
}

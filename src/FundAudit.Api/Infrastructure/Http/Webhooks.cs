using System.Security.Cryptography;
using System.Text;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// Posts a JSON body to a subscriber's URL with <c>X-FundAudit-Timestamp</c> (Unix seconds, from the service's clock),
/// <c>X-FundAudit-Signature: sha256=&lt;hex HMAC-SHA256 of "timestamp.body" under the shared secret&gt;</c> (so a
/// receiver can refuse an old or replayed delivery) and <c>X-FundAudit-Delivery</c> (a stable id, the same on every
/// retry, for de-duplication). The client never follows a redirect and connects only to addresses
/// <see cref="WebhookAddresses"/> allows.
/// </summary>
internal sealed class WebhookSender(
    IHttpClientFactory clients,
    WebhookOptions options,
    TimeProvider clock,
    ILogger<WebhookSender> logger
)
{
    public const string ClientName = "webhooks";
    public const string SignatureHeader = "X-FundAudit-Signature";
    public const string TimestampHeader = "X-FundAudit-Timestamp";
    public const string DeliveryHeader = "X-FundAudit-Delivery";

    /// <summary>The signature of <paramref name="body"/> sent at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Sign(byte[] secret, string timestamp, string body) =>
        "sha256="
        + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(timestamp + "." + body)));

    /// <summary>The response status, or null when the subscriber could not be reached or its address is refused
    /// (then no request was sent).</summary>
    public async Task<int?> SendAsync(Uri url, byte[] secret, string body, long deliveryId, CancellationToken ct)
    {
        if (url.Scheme != Uri.UriSchemeHttps && !options.AllowHttp)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} refused: not an https URL", deliveryId);
            return null;
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(secret, timestamp, body));
        request.Headers.Add(DeliveryHeader, deliveryId.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException ex) when (ex.InnerException is WebhookAddressRefusedException refused)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} refused: {Reason}", deliveryId, refused.Message);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}

/// <summary>Registers the webhook HTTP client and its options.</summary>
internal static class WebhookClient
{
    /// <summary>The webhook client: no redirects, no proxy, addresses checked at connect time.</summary>
    public static IServiceCollection AddWebhookClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => WebhookOptions.From(configuration, sp.GetRequiredService<IHostEnvironment>()));
        return services
            .AddHttpClient(WebhookSender.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var allowPrivate = sp.GetRequiredService<WebhookOptions>().AllowPrivateAddresses;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectCallback = (context, ct) => WebhookAddresses.ConnectAsync(context, allowPrivate, ct),
                };
            })
            .Services;
    }
}

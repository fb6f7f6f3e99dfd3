using System.Security.Cryptography;
using System.Text;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// Posts a JSON body to a subscriber's URL with <c>X-FundAudit-Signature: sha256=&lt;hex HMAC-SHA256 of the body under
/// the
/// shared secret&gt;</c> and <c>X-FundAudit-Delivery</c> (a stable id, the same on every retry, for de-duplication).
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients)
{
    public const string ClientName = "webhooks";
    public const string SignatureHeader = "X-FundAudit-Signature";
    public const string DeliveryHeader = "X-FundAudit-Delivery";

    public static string Sign(byte[] secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(body)));

    /// <summary>The response status, or null when the subscriber could not be reached.</summary>
    public async Task<int?> SendAsync(Uri url, byte[] secret, string body, long deliveryId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SignatureHeader, Sign(secret, body));
        request.Headers.Add(DeliveryHeader, deliveryId.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}

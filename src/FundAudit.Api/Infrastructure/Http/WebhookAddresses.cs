using System.Net;
using System.Net.Sockets;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// <c>Webhooks:AllowHttp</c> (default: only in Development) and <c>Webhooks:AllowPrivateAddresses</c> (default false;
/// the tests' local listener on 127.0.0.1 sets it): what a fund's webhook URL may point at.
/// </summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public bool AllowHttp { get; set; }

    public bool AllowPrivateAddresses { get; set; }

    public static WebhookOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(Section);
        return new WebhookOptions
        {
            AllowHttp = section.GetValue<bool?>(nameof(AllowHttp)) ?? environment.IsDevelopment(),
            AllowPrivateAddresses = section.GetValue<bool?>(nameof(AllowPrivateAddresses)) ?? false,
        };
    }
}

/// <summary>A webhook host that is, or resolves to, an address a webhook may not reach.</summary>
internal sealed class WebhookAddressRefusedException(string message) : IOException(message);

/// <summary>
/// Which addresses a webhook may not reach, so that a fund's webhook cannot be turned against the service's own
/// network: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud metadata address,
/// fe80::/10), CGNAT 100.64/10, multicast, unspecified, reserved and documentation ranges, IPv4 and IPv6, with
/// IPv4-mapped, IPv4-compatible and NAT64 IPv6 forms judged by the IPv4 address inside them.
/// </summary>
internal static class WebhookAddresses
{
    private static readonly IPNetwork[] RefusedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), // "this network", unspecified
        IPNetwork.Parse("10.0.0.0/8"), // private
        IPNetwork.Parse("100.64.0.0/10"), // CGNAT (and Alibaba's metadata 100.100.100.200)
        IPNetwork.Parse("127.0.0.0/8"), // loopback
        IPNetwork.Parse("169.254.0.0/16"), // link-local, cloud metadata 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"), // private
        IPNetwork.Parse("192.0.0.0/24"), // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"), // documentation
        IPNetwork.Parse("192.88.99.0/24"), // 6to4 relay
        IPNetwork.Parse("192.168.0.0/16"), // private
        IPNetwork.Parse("198.18.0.0/15"), // benchmarking
        IPNetwork.Parse("198.51.100.0/24"), // documentation
        IPNetwork.Parse("203.0.113.0/24"), // documentation
        IPNetwork.Parse("224.0.0.0/4"), // multicast
        IPNetwork.Parse("240.0.0.0/4"), // reserved, broadcast
    ];

    private static readonly IPNetwork[] RefusedV6 =
    [
        IPNetwork.Parse("::/128"), // unspecified
        IPNetwork.Parse("::1/128"), // loopback
        IPNetwork.Parse("100::/64"), // discard
        IPNetwork.Parse("2001:db8::/32"), // documentation
        IPNetwork.Parse("fc00::/7"), // unique local (private), AWS metadata fd00:ec2::254
        IPNetwork.Parse("fe80::/10"), // link-local
        IPNetwork.Parse("fec0::/10"), // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"), // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork V4Compatible = IPNetwork.Parse("::/96");

    /// <summary>True when a webhook may not connect to <paramref name="address"/>.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6 || Nat64.Contains(address) || V4Compatible.Contains(address))
            {
                return RefusedV6.Any(n => n.Contains(address)) || IsRefused(EmbeddedV4(address));
            }

            return RefusedV6.Any(n => n.Contains(address));
        }

        return address.AddressFamily != AddressFamily.InterNetwork || RefusedV4.Any(n => n.Contains(address));
    }

    /// <summary>True when the URL's host is an address literal, or <c>localhost</c>, a webhook may not reach.</summary>
    public static bool IsRefusedHost(Uri url) =>
        url.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || url.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && IsRefused(literal));

    /// <summary>
    /// The handler's connect step: resolves the host once, refuses it when any of its addresses is refused, and
    /// connects to exactly the addresses it checked (no second lookup that a rebinding name could answer otherwise).
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context,
        bool allowPrivate,
        CancellationToken ct
    )
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0)
        {
            throw new WebhookAddressRefusedException("The webhook host has no address.");
        }

        if (!allowPrivate && addresses.Any(IsRefused))
        {
            throw new WebhookAddressRefusedException(
                "The webhook host is or resolves to a loopback, private, link-local or otherwise internal address."
            );
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static IPAddress EmbeddedV4(IPAddress v6)
    {
        var bytes = v6.GetAddressBytes();
        return new IPAddress(bytes[12..]);
    }
}

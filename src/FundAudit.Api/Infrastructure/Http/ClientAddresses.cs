using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// <c>Http:KnownProxies</c> (addresses) and <c>Http:KnownNetworks</c> (CIDR ranges): the reverse proxies whose
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Empty (the default) trusts nobody: the client is
/// the socket's address, whatever the headers say.
/// </summary>
internal sealed class ProxyOptions
{
    public const string Section = "Http";

    public List<string> KnownProxies { get; set; } = [];

    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may be trusted (one proxy: 1).</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>
/// ASP.NET Core's forwarded-headers middleware with the configured proxies only. ASP.NET Core trusts every sender when
/// both lists are empty, so with none configured the middleware is not added at all.
/// </summary>
internal static class ClientAddresses
{
    public static IServiceCollection AddFundAuditForwardedHeaders(
        this IServiceCollection services,
        IConfiguration configuration
    )
    {
        var proxies = configuration.Bound<ProxyOptions>(ProxyOptions.Section);
        services.AddSingleton(proxies);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = proxies.ForwardLimit;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.KnownProxies)
            {
                o.KnownProxies.Add(
                    IPAddress.TryParse(proxy, out var address)
                        ? address
                        : throw new InvalidOperationException($"Http:KnownProxies: '{proxy}' is not an IP address.")
                );
            }

            foreach (var network in proxies.KnownNetworks)
            {
                o.KnownIPNetworks.Add(
                    System.Net.IPNetwork.TryParse(network, out var parsed)
                        ? parsed
                        : throw new InvalidOperationException($"Http:KnownNetworks: '{network}' is not a CIDR range.")
                );
            }
        });
        return services;
    }

    /// <summary>First in the pipeline: every later step (rate limits, logs) sees the client's address.</summary>
    public static WebApplication UseFundAuditForwardedHeaders(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<ProxyOptions>();
        if (proxies.KnownProxies.Count > 0 || proxies.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}

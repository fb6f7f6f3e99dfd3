namespace FundAudit.Api.Features.People;

/// <summary>
/// Start-up rule for the address in invitation links (<see cref="Invitations.Link"/>). Without
/// <see cref="PeopleOptions.PublicBaseUrl"/> a link made over HTTP takes the origin of the request that asked for it,
/// its <c>Host</c> header as the client or a proxy sent it. Outside Development the service therefore refuses to start
/// unless that address is set (an absolute <c>http</c> or <c>https</c> URL with no query or fragment) or
/// <c>AllowedHosts</c> names the hosts it answers to (ASP.NET Core's host filtering then refuses any other
/// <c>Host</c> with a 400 before a link can be made). A set address that is not such a URL refuses the start
/// everywhere; an empty one is unset.
/// </summary>
internal sealed class PublicAddressCheck(PeopleOptions options, IConfiguration configuration, IHostEnvironment env)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Check(options.PublicBaseUrl, configuration["AllowedHosts"], env.IsDevelopment());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The rule: throws saying which setting to give when it is broken.</summary>
    public static void Check(string? publicBaseUrl, string? allowedHosts, bool development)
    {
        if (!string.IsNullOrWhiteSpace(publicBaseUrl))
        {
            if (
                !Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https")
                || uri.Query.Length > 0
                || uri.Fragment.Length > 0
            )
            {
                throw new InvalidOperationException(
                    "People:PublicBaseUrl must be an absolute http or https URL with no query or fragment, the address "
                        + "people reach the console at (e.g. https://audit.example.org)."
                );
            }

            return;
        }

        var hosts = (allowedHosts ?? "").Split(
            ';',
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
        );
        if (!development && (hosts.Length == 0 || hosts.Contains("*")))
        {
            throw new InvalidOperationException(
                "Set People:PublicBaseUrl (the address people reach the console at, e.g. https://audit.example.org) "
                    + "or AllowedHosts (the host names the service answers to): outside Development an invitation "
                    + "link must not take its address from the Host header a client or proxy sends."
            );
        }
    }
}

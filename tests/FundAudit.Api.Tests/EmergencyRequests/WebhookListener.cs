using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// A webhook receiver on 127.0.0.1 (reachable by any local name, e.g. localhost): records every delivery; answers 500
/// to the first <see cref="FailuresLeft"/> calls, or a redirect to <see cref="RedirectTo"/> when set.
/// </summary>
internal sealed class WebhookListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookListener(int failures = 0)
    {
        FailuresLeft = failures;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            Url = $"http://127.0.0.1:{Port}/hook/";
        }

        _listener.Prefixes.Add($"http://*:{Port}/hook/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public int Port { get; }

    public string? RedirectTo { get; set; }

    public int FailuresLeft { get; set; }

    public ConcurrentQueue<(
        string Body,
        string? Signature,
        string? Delivery,
        int Answered,
        string? Timestamp
    )> Calls { get; } = new();

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // closed while waiting for a call
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex)
                when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var status =
                RedirectTo is not null ? 302
                : FailuresLeft > 0 ? 500
                : 200;
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
            }

            Calls.Enqueue(
                (
                    body,
                    context.Request.Headers["X-FundAudit-Signature"],
                    context.Request.Headers["X-FundAudit-Delivery"],
                    status,
                    context.Request.Headers["X-FundAudit-Timestamp"]
                )
            );
            context.Response.StatusCode = status;
            if (RedirectTo is not null)
            {
                context.Response.RedirectLocation = RedirectTo;
            }

            context.Response.Close();
        }
    }
}

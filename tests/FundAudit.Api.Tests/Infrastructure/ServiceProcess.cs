using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// The built service (FundAudit.Api.dll beside the tests) started as a real child process with <c>dotnet</c>, its
/// settings in environment variables, listening on a free port of 127.0.0.1. Killing it is a SIGKILL; disposing kills
/// it too. Its output is kept for the failure message of a test.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private ServiceProcess(string name, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        Settings = settings;
        Port = FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public int Port { get; }

    public HttpClient Http { get; }

    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The service's last lines of output (stdout and stderr).</summary>
    public string Output => string.Join("\n", _output.TakeLast(60));

    public static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "FundAudit.Api.dll");

    /// <summary>Starts the service with <paramref name="settings"/> (configuration keys, e.g. Database:Provider).</summary>
    public static ServiceProcess Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        var service = new ServiceProcess(name, settings);
        service.Start();
        return service;
    }

    /// <summary>Starts the same service again (same port and settings) after it was killed.</summary>
    public void Start()
    {
        var start = Info([ServiceDll]);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";
        start.Environment["People__PublicBaseUrl"] = $"http://127.0.0.1:{Port}"; // needed outside Development
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Runs the service's <c>funders …</c> command with the same settings; answers its output.</summary>
    public static async Task<string> RunCommandAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        using var process = Process.Start(Info([ServiceDll, .. args], settings))
            ?? throw new InvalidOperationException("No dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"funders {string.Join(' ', args)}: {await stderr} {await stdout}");
        return await stdout;
    }

    /// <summary>Waits until /health/ready answers 200 (the database answers and migrations ran).</summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            Assert.True(_process is { HasExited: false }, $"{Name} exited:\n{Output}");
            try
            {
                if ((await Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(DateTime.UtcNow < deadline, $"{Name} was not ready within {within}:\n{Output}");
            await Task.Delay(100);
        }
    }

    public void Authorize(string key) =>
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

    /// <summary>SIGKILL: the process ends at once, mid-whatever, as a crash or an OOM kill would end it.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Http.Dispose();
    }

    private ProcessStartInfo Info(string[] arguments) => Info(arguments, Settings);

    private static ProcessStartInfo Info(string[] arguments, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_TieredPGO"] = "0"; // short-lived, as the test host (its project file says why)
        // Outside Development the key ring must be encrypted: the test apps' shared self-signed certificate.
        start.Environment["DataProtection__CertificatePath"] = TestCertificates.Shared;
        start.Environment["DataProtection__CertificatePassword"] = TestCertificates.Password;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return start;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

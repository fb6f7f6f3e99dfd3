using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FundAudit.Benchmarks.Intake;

/// <summary>
/// The built service (<c>src/FundAudit.Api/bin/Release/net10.0/FundAudit.Api.dll</c>, built with this project) as a
/// child process on a free port of 127.0.0.1, its settings in environment variables.
/// </summary>
internal sealed class ServiceRun : IDisposable
{
    private readonly Process _process;

    private ServiceRun(Process process, Uri address)
    {
        _process = process;
        BaseAddress = address;
    }

    public Uri BaseAddress { get; }

    public static ServiceRun Start(Dictionary<string, string> settings, string folder)
    {
        var port = FreePort();
        var start = StartInfo(settings, []);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.WorkingDirectory = folder;
        var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("service: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceRun(process, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Runs one command of the service (e.g. <c>funders create</c>); its output is redirected.</summary>
    public static Process Command(Dictionary<string, string> settings, string[] arguments) =>
        Process.Start(StartInfo(settings, arguments))
        ?? throw new InvalidOperationException("The command did not start.");

    public async Task WaitReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}.");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) { }

            await Task.Delay(250);
        }

        throw new TimeoutException("The service was not ready within 120 s.");
    }

    public void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(Dictionary<string, string> settings, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServiceDll());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static string ServiceDll()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "FundAudit.sln")))
        {
            folder = folder.Parent;
        }

        var dll = Path.Combine(
            folder?.FullName ?? throw new InvalidOperationException("FundAudit.sln not found above the benchmark."),
            "src",
            "FundAudit.Api",
            "bin",
            "Release",
            "net10.0",
            "FundAudit.Api.dll"
        );
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"{dll} is missing: run the benchmark with -c Release.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

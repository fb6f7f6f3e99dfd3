using System.Net;
using System.Net.Sockets;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("FundAudit.Api.Tests.Pages.BrowserCollectionFirst", "FundAudit.Api.Tests")]

namespace FundAudit.Api.Tests.Pages;

/// <summary>The real app on Kestrel (SQLite) at http://localhost:{port}, for a real browser. localhost, not 127.0.0.1:
/// browsers treat it as a secure context, so the console's Secure cookie works over plain HTTP in tests.</summary>
public sealed class KestrelSqliteApp : SqliteApp
{
    public string BaseUrl { get; private set; } = "";

    protected override void StartHost()
    {
        var port = FreePort();
        UseKestrel(o => o.ListenLocalhost(port));
        StartServer();
        BaseUrl = $"http://localhost:{port}";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Chromium from the machine (<c>apt-get install chromium</c>; FUNDAUDIT_CHROMIUM overrides the path), driven by
/// Playwright, headless. Playwright never downloads a browser here. A missing browser fails the tests: .ci/run installs it.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests save screenshots of the main pages (the README shows copies of them).</summary>
    public static string ScreenshotFolder { get; } =
        Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "artifacts", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("FUNDAUDIT_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"No Chromium at {path}: install it (apt-get install chromium) or set FUNDAUDIT_CHROMIUM."
            );
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
            }
        );
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>Browser tests share one app and one browser and run one at a time, beside the other classes (xunit runs a
/// collection that disables parallelization last and alone: a minute and a half of one test at a time).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<KestrelSqliteApp>, ICollectionFixture<ChromiumFixture>
{
    public const string Name = "browser";
}

/// <summary>The single sign-on browser test has an app and a browser of its own and runs alone, after the other
/// classes: run beside them it once timed out (30 s) waiting for its redirect to /app under that load.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserAloneCollection : ICollectionFixture<KestrelSqliteApp>, ICollectionFixture<ChromiumFixture>
{
    public const string Name = "browser-alone";
}

/// <summary>
/// xunit's order of the test collections: the browser collection first, then the collections that share an app
/// (<see cref="SharedApps"/>), then the rest. xunit starts collections in this order as its four places free up, and
/// the browser collection (one test at a time for a minute and a half or more) and the shared apps' collections (a
/// dozen classes or more one after another) would otherwise make the run's end when they happen to start late.
/// </summary>
public sealed class BrowserCollectionFirst : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _default.OrderTestCollections(testCollections).OrderBy(Rank).ToList();

    private static int Rank(ITestCollection collection) =>
        collection.DisplayName == BrowserCollection.Name ? 0
        : SharedApps.Names.Contains(collection.DisplayName) ? 1
        : 2;
}

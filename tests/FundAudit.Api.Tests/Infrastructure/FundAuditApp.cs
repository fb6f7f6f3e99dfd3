using System.Net.Http.Headers;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// The real app over HTTP on one real database. Subclasses pick the engine; the same test classes run on each.
/// Time is a FakeTimeProvider; no Hangfire server runs unless a test starts one.
/// </summary>
public abstract class FundAuditApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string? _connectionString;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public abstract string Provider { get; }

    public string ConnectionString =>
        _connectionString ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _connectionString = await CreateDatabaseAsync();
        StartHost();
    }

    /// <summary>Starts the host now, so migrations run once before any test: the in-memory test server by default.</summary>
    protected virtual void StartHost() => _ = Server;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await DropDatabaseAsync();
    }

    protected abstract Task<string> CreateDatabaseAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment.GetEnvironmentVariable("FUNDAUDIT_TEST_ENVIRONMENT") ?? "Testing");
        builder.UseSetting("Database:Provider", Provider);
        builder.UseSetting("Database:ConnectionString", ConnectionString);
        builder.UseSetting("Jobs:RunServer", "false");
        builder.UseSetting(
            "Imports:Folder",
            Path.Combine(Path.GetTempPath(), "fundaudit-tests", "imports-" + Guid.NewGuid().ToString("N")[..12])
        );
        builder.UseSetting("DataProtection:CertificatePath", TestCertificates.Shared); // needed outside Development
        builder.UseSetting("DataProtection:CertificatePassword", TestCertificates.Password);
        // Needed outside Development (PublicAddressCheck): the test server's own origin, as links had before.
        builder.UseSetting("People:PublicBaseUrl", "http://localhost");
        // Tests move the shared fake clock by months (retention, purges): keys issued by the fixture last a century.
        builder.UseSetting("ApiKeys:MaxLifetimeDays", "36500");
        builder.UseSetting("RateLimits:PublicPermitLimit", "100000"); // every test client shares one address; the limit has its own test
        // The webhook tests' listener is http://127.0.0.1: allowed here only; WebhookAddressTests turn both off.
        builder.UseSetting("Webhooks:AllowHttp", "true");
        builder.UseSetting("Webhooks:AllowPrivateAddresses", "true");
        // The test OpenID Connect provider listens on http://127.0.0.1 (tests only).
        builder.UseSetting("Sso:AllowHttpIssuers", "true");
        builder.UseSetting("Sso:AllowPrivateAddresses", "true"); // the test provider listens on 127.0.0.1
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
        Logs?.KeepEverything(builder);
    }

    /// <summary>Where the app's loggers write, every category at Trace, when a test reads what is logged
    /// (<see cref="KeptLogs"/>); null: the providers the service configures.</summary>
    internal virtual KeptLogs? Logs => null;

    /// <summary>
    /// A new funder with a key of <paramref name="role"/> owned by a new person holding that role; answers a client
    /// that sends the key. The funder lets its keys take decisions (approve, pay, reveal), as the workflow tests drive
    /// the API with keys, unless <paramref name="keysMayDecide"/> is false (the default of a real funder); and every
    /// person of the funder is a member of every fund (the tests written before need-to-know act on any fund), unless
    /// <paramref name="everyoneAMember"/> is false (the need-to-know tests set members themselves).
    /// </summary>
    public async Task<Tenant> CreateTenantAsync(
        string role = Roles.Admin,
        string? name = null,
        bool keysMayDecide = true,
        bool everyoneAMember = true
    )
    {
        var store = Services.GetRequiredService<TenancyStore>();
        var funder = await store.CreateFunderAsync(
            name ?? "Funder " + Guid.NewGuid().ToString("N")[..6],
            Clock.GetUtcNow(),
            CancellationToken.None
        );
        await StaffFixtures.SetKeysMayDecideAsync(this, funder.Id, keysMayDecide);
        if (!everyoneAMember)
        {
            NeedToKnowFunders[funder.Id] = true;
        }

        var owner = await StaffFixtures.CreateAsync(this, funder.Id, null, role);
        var (row, key) = await IssueAsync(funder.Id, role, null, owner);
        return new Tenant(funder.Id, row.KeyId, key, ClientWithKey(key), owner);
    }

    /// <summary>
    /// Another key for an existing funder. A label names its owner: the funder's person of that name (made on first
    /// use, and given the role), so that one label's officer and finance keys are one person's; without a label, a
    /// new person holding the role.
    /// </summary>
    public async Task<Tenant> AddKeyAsync(Tenant tenant, string role, string? label = null)
    {
        var owner = await StaffFixtures.CreateAsync(this, tenant.FunderId, label, role);
        var (row, key) = await IssueAsync(tenant.FunderId, role, label, owner);
        return tenant with { KeyId = row.KeyId, Key = key, Client = ClientWithKey(key), PersonId = owner };
    }

    private Task<(ApiKeyRow Row, string Key)> IssueAsync(long funderId, string role, string? label, long owner) =>
        Services
            .GetRequiredService<ApiKeyIssuer>()
            .IssueAsync(funderId, role, label, owner, CancellationToken.None, Clock.GetUtcNow().AddDays(36500));

    /// <summary>A client whose /api answers are checked against the committed OpenAPI document.</summary>
    public new HttpClient CreateClient() => CreateClient(ClientOptions);

    /// <inheritdoc cref="CreateClient()"/>
    public new HttpClient CreateClient(WebApplicationFactoryClientOptions options) =>
        CreateDefaultClient(options.BaseAddress, ContractClients.Handlers(options));

    /// <summary>The same app with more settings; its clients are checked against the document too.</summary>
    public new ContractCheckedFactory WithWebHostBuilder(Action<IWebHostBuilder> configuration) =>
        new(base.WithWebHostBuilder(configuration));

    /// <summary>The same app with more settings, made once per fixture under <paramref name="name"/> and shared by the
    /// tests of its class, so each does not start a host of its own. It is disposed with the fixture (as every app
    /// made by <see cref="WithWebHostBuilder"/> is), never by a test.</summary>
    public ContractCheckedFactory Shared(string name, Action<IWebHostBuilder> configuration) =>
        _shared.GetOrAdd(name, _ => new Lazy<ContractCheckedFactory>(() => WithWebHostBuilder(configuration))).Value;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ContractCheckedFactory>> _shared =
        new(StringComparer.Ordinal);

    /// <summary>Funders whose people are not made members of every fund (the need-to-know tests').</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<long, bool> NeedToKnowFunders { get; } = new();

    public HttpClient ClientWithKey(string key)
    {
        var client = CreateDefaultClient(
            ClientOptions.BaseAddress,
            [
                .. ContractClients.Handlers(ClientOptions),
                new StaffFixtures.EveryoneAMemberHandler(this),
                new KeyStepUpHandler(this),
            ]
        );
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

/// <summary>A derived app (WithWebHostBuilder) whose clients are checked against the committed document.</summary>
public sealed class ContractCheckedFactory(WebApplicationFactory<Program> inner) : IDisposable, IAsyncDisposable
{
    public IServiceProvider Services => inner.Services;

    public Microsoft.AspNetCore.TestHost.TestServer Server => inner.Server;

    public HttpClient CreateClient() => CreateClient(new WebApplicationFactoryClientOptions());

    public HttpClient CreateClient(WebApplicationFactoryClientOptions options) =>
        inner.CreateDefaultClient(options.BaseAddress, ContractClients.Handlers(options));

    /// <summary>A client checked against the document, with <paramref name="handlers"/> after the checks.</summary>
    public HttpClient CreateClient(params DelegatingHandler[] handlers)
    {
        var options = new WebApplicationFactoryClientOptions();
        return inner.CreateDefaultClient(options.BaseAddress, [.. ContractClients.Handlers(options), .. handlers]);
    }

    public void Dispose() => inner.Dispose();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>A funder, one of its keys with a client sending it, and the person who owns the key.</summary>
public sealed record Tenant(long FunderId, string KeyId, string Key, HttpClient Client, long PersonId = 0);

/// <summary>SQLite: a fresh database file in a temp folder, migrated (a copy of <see cref="MigratedTemplate"/>).</summary>
public class SqliteApp : FundAuditApp
{
    private string? _folder;

    public override string Provider => "sqlite";

    /// <summary>False for an empty file, migrated by the service's start (the key ring's start-up tests).</summary>
    protected virtual bool StartsMigrated => true;

    protected override Task<string> CreateDatabaseAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        if (StartsMigrated)
        {
            MigratedTemplate.CopySqliteInto(_folder);
        }

        return Task.FromResult($"Data Source={Path.Combine(_folder, "fundaudit.db")}");
    }

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder!, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection: temp space, removed with the machine.
        }

        return Task.CompletedTask;
    }
}

/// <summary>PostgreSQL: a fresh database in the private test cluster (or FUNDAUDIT_TEST_POSTGRES), migrated (a copy of
/// <see cref="MigratedTemplate"/>).</summary>
public class PostgresApp : FundAuditApp
{
    public override string Provider => "postgres";

    protected override Task<string> CreateDatabaseAsync() => MigratedTemplate.CreatePostgresDatabaseAsync();
}

#if SQLSERVER_TESTS
/// <summary>SQL Server: only compiled when FUNDAUDIT_TEST_SQLSERVER (a connection string) was set at build time.</summary>
public sealed class SqlServerApp : FundAuditApp
{
    public override string Provider => "sqlserver";

    protected override async Task<string> CreateDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable("FUNDAUDIT_TEST_SQLSERVER")
            ?? throw new InvalidOperationException("FUNDAUDIT_TEST_SQLSERVER is not set.");
        var name = "fa_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new Microsoft.Data.SqlClient.SqlConnection(server))
        {
            await connection.OpenAsync();
            // A database name cannot be a parameter; this one is made here from a GUID.
#pragma warning disable DAP241
            await using var command = new Microsoft.Data.SqlClient.SqlCommand($"CREATE DATABASE {name}", connection);
#pragma warning restore DAP241
            await command.ExecuteNonQueryAsync();
        }

        return new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(server)
        {
            InitialCatalog = name,
        }.ConnectionString;
    }
}
#endif

using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Security;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// The key ring at start (issue 15, item 7): outside Development no start without the certificate, and no key written
/// before that check; a key stored in clear is refused while a certificate is configured, and
/// <c>keyring reencrypt</c> fixes it. Each test has a database of its own.
/// </summary>
public sealed class KeyRingStartupTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public async Task Outside_development_the_service_refuses_to_start_without_a_certificate_and_stores_no_key(
        string environment
    )
    {
        await using var app = new KeyRingApp(environment, certificate: "");
        await app.InitializeAsync();
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("DataProtection:CertificatePath", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.CountKeysAsync());
    }

    [Fact]
    public async Task Development_starts_without_a_certificate()
    {
        await using var app = new KeyRingApp("Development", certificate: "");
        await app.InitializeAsync();
        _ = app.Server;
        Assert.True(await app.CountKeysAsync() > 0);
    }

    [Fact]
    public async Task A_key_in_clear_is_refused_while_a_certificate_is_configured_until_keyring_reencrypt()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "ring-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "fundaudit.db");
        var certificate = TestCertificates.Create("reencrypt");

        string cipher;
        await using (var development = new KeyRingApp("Development", certificate: "", database))
        {
            await development.InitializeAsync();
            cipher = development.Server.Services.GetRequiredService<SensitiveFields>().Protect("alias in clear era")!;
        }

        Assert.Contains(await KeyXmlAsync(database), k => k.Contains("<masterKey", StringComparison.Ordinal));

        await using (var refused = new KeyRingApp("Production", certificate, database))
        {
            await refused.InitializeAsync();
            var error = Assert.ThrowsAny<Exception>(() => refused.Server);
            Assert.Contains("stored without encryption", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("keyring reencrypt", error.ToString(), StringComparison.Ordinal);
        }

        // The command runs without the web server, as Program.cs runs it: no hosted service starts.
        await using (var command = new KeyRingApp("Production", certificate, database, asCommand: true))
        {
            await command.InitializeAsync();
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = await KeyRingCommand.RunAsync(command.Server.Services, ["keyring", "reencrypt"], stdout, stderr);
            Assert.True(code == 0, stderr.ToString());
            Assert.Contains("Encrypted 1 key(s)", stdout.ToString(), StringComparison.Ordinal);
        }

        var keys = await KeyXmlAsync(database);
        Assert.All(keys, k => Assert.DoesNotContain("<masterKey", k, StringComparison.Ordinal));
        Assert.All(keys, k => Assert.Contains("EncryptedData", k, StringComparison.Ordinal));
        await using (var production = new KeyRingApp("Production", certificate, database))
        {
            await production.InitializeAsync();
            var sensitive = production.Server.Services.GetRequiredService<SensitiveFields>();
            Assert.Equal("alias in clear era", sensitive.Unprotect(cipher));
        }
    }

    private static async Task<List<string>> KeyXmlAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        return (await connection.QueryAsync<string>("SELECT key_xml FROM data_protection_keys")).ToList();
    }

    /// <summary>
    /// A SQLite app in <paramref name="environment"/> with the given certificate ("" for none), on a database of its
    /// own (or <paramref name="database"/>); not started until a test asks for its server. As a command, the host's
    /// hosted services that touch the key ring are left out, as when Program.cs runs a command.
    /// </summary>
    private sealed class KeyRingApp(
        string environment,
        string certificate,
        string? database = null,
        bool asCommand = false
    ) : SqliteApp
    {
        protected override void StartHost() { }

        protected override bool StartsMigrated => false;

        protected override Task<string> CreateDatabaseAsync() =>
            database is null ? base.CreateDatabaseAsync() : Task.FromResult($"Data Source={database}");

        protected override Task DropDatabaseAsync() => database is null ? base.DropDatabaseAsync() : Task.CompletedTask;

        public async Task<long> CountKeysAsync()
        {
            var path = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            var exists = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'data_protection_keys'"
            );
            return exists == 0
                ? 0
                : await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM data_protection_keys");
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
            builder.UseSetting("DataProtection:CertificatePath", certificate);
            if (asCommand)
            {
                builder.ConfigureServices(services =>
                {
                    foreach (
                        var hosted in services
                            .Where(d =>
                                d.ServiceType == typeof(IHostedService)
                                && (
                                    d.ImplementationType == typeof(DataProtectionStartupCheck)
                                    || d.ImplementationType?.Name == "DataProtectionHostedService"
                                )
                            )
                            .ToList()
                    )
                    {
                        services.Remove(hosted);
                    }
                });
            }
        }
    }
}

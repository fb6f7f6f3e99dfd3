using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using FundAudit.Api.Infrastructure.Jobs;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Infrastructure.Security;

/// <summary>
/// <c>DataProtection:*</c>. The key ring lives in the database (table data_protection_keys) unless
/// <see cref="KeyFolder"/> names a folder; it is encrypted at rest with the X.509 certificate at
/// <see cref="CertificatePath"/>. Every environment but Development refuses to start without that certificate.
/// </summary>
internal sealed class DataProtectionSettings
{
    public const string Section = "DataProtection";

    /// <summary>Keeps the key ring in this folder instead of the database (e.g. a mounted secret volume).</summary>
    public string? KeyFolder { get; set; }

    /// <summary>A PKCS#12 (.pfx) file whose certificate encrypts every key at rest.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The .pfx password (from a secret store or environment variable, never from a committed file).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Older certificates still allowed to decrypt keys during a rotation.</summary>
    public IList<string> PreviousCertificatePaths { get; init; } = [];

    public bool IsProtected => !string.IsNullOrWhiteSpace(CertificatePath);
}

internal static class DataProtectionSetup
{
    public const string ApplicationName = "FundAudit";

    /// <summary>Data Protection with a durable key ring (database or folder), encrypted with a certificate when
    /// configured.</summary>
    public static IServiceCollection AddFundAuditDataProtection(
        this IServiceCollection services,
        IConfiguration configuration
    )
    {
        var settings = configuration.Bound<DataProtectionSettings>(DataProtectionSettings.Section);
        services.AddSingleton(settings);

        // First of all hosted services: Data Protection's own one loads the key ring at start and creates a key when
        // there is none, so the certificate check must come before it.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DataProtectionStartupCheck>());
        services.AddSingleton<KeyRingMaintenance>();
        services.AddSingleton<KeyRotation>();
        services.AddRecurringJob<KeyRotationJob>(
            KeyRotationJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Daily(3)
        );
        var builder = services.AddDataProtection().SetApplicationName(ApplicationName);
        if (!string.IsNullOrWhiteSpace(settings.KeyFolder))
        {
            builder.PersistKeysToFileSystem(new DirectoryInfo(settings.KeyFolder));
        }
        else
        {
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(
                sp => new ConfigureOptions<KeyManagementOptions>(o =>
                    o.XmlRepository = new DatabaseXmlRepository(
                        sp.GetRequiredService<Db>(),
                        sp.GetRequiredService<TimeProvider>(),
                        requireEncryptedKeys: !sp.GetRequiredService<IHostEnvironment>().IsDevelopment()
                    )
                )
            );
        }

        if (settings.IsProtected)
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(
                settings.CertificatePath!,
                settings.CertificatePassword
            );
            builder.ProtectKeysWithCertificate(certificate);
            builder.UnprotectKeysWithAnyCertificate([
                certificate,
                .. settings.PreviousCertificatePaths.Select(p =>
                    X509CertificateLoader.LoadPkcs12FromFile(p, settings.CertificatePassword)
                ),
            ]);
        }

        return services;
    }
}

/// <summary>The key ring as rows of data_protection_keys: durable, shared by every instance on the same
/// database. Outside Development it refuses to store a key in clear (a last guard behind the start-up
/// check).</summary>
internal sealed class DatabaseXmlRepository(Db db, TimeProvider clock, bool requireEncryptedKeys) : IXmlRepository
{
    private const string SelectAll = "SELECT key_xml FROM data_protection_keys ORDER BY id";
    private const string Insert =
        "INSERT INTO data_protection_keys (friendly_name, key_xml, created_at) VALUES " + "(@Name, @Xml, @Now)";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.Open();
        return connection.Query<string>(SelectAll).Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        if (requireEncryptedKeys && KeyRingMaintenance.HoldsUnencryptedSecret(element))
        {
            throw new InvalidOperationException(
                "Refusing to store a Data Protection key without encryption: set DataProtection:CertificatePath."
            );
        }

        using var connection = db.Open();
        connection.Execute(
            Insert,
            new
            {
                Name = friendlyName,
                Xml = element.ToString(SaveOptions.DisableFormatting),
                Now = clock.GetUtcNow(),
            }
        );
    }
}

/// <summary>
/// Runs before any other hosted service. Outside Development: refuses to start without a certificate for the key ring.
/// With a certificate: refuses to start while the key ring holds a key stored in clear, saying which command encrypts
/// it. In Development without a certificate: a warning.
/// </summary>
internal sealed class DataProtectionStartupCheck(
    DataProtectionSettings settings,
    IHostEnvironment environment,
    KeyRingMaintenance keyRing,
    ILogger<DataProtectionStartupCheck> logger
) : IHostedService
{
    public const string ReencryptCommand = "FundAudit.Api keyring reencrypt";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Check(settings, environment, keyRing);
        if (!settings.IsProtected)
        {
            logger.LogWarning(
                "The Data Protection key ring is stored without encryption at rest ({Environment} only); "
                    + "set DataProtection:CertificatePath everywhere else.",
                environment.EnvironmentName
            );
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The start-up rules, also run by the keyring commands (which start no hosted service).</summary>
    public static void Check(
        DataProtectionSettings settings,
        IHostEnvironment environment,
        KeyRingMaintenance keyRing,
        bool allowUnencryptedKeys = false
    )
    {
        if (!settings.IsProtected && !environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "The Data Protection key ring would be stored unencrypted. Set DataProtection:CertificatePath (and "
                    + "DataProtection:CertificatePassword) to a certificate that encrypts it; the service starts "
                    + $"without one only in Development (this is {environment.EnvironmentName})."
            );
        }

        if (settings.IsProtected && !allowUnencryptedKeys && keyRing.UnencryptedKeyIds() is { Count: > 0 } clear)
        {
            throw new InvalidOperationException(
                $"The Data Protection key ring holds {clear.Count} key(s) stored without encryption "
                    + $"({string.Join(", ", clear)}) while DataProtection:CertificatePath is set. Encrypt them "
                    + $"with the certificate first: `{ReencryptCommand}` (or `dotnet run --project "
                    + "src/FundAudit.Api -- keyring reencrypt`) with the same configuration, then start again."
            );
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Infrastructure.Security;

/// <summary>
/// <c>DataProtection:*</c>. The key ring lives in the database (table data_protection_keys) unless
/// <see cref="KeyFolder"/> names a folder; it is encrypted at rest with the X.509 certificate at
/// <see cref="CertificatePath"/>. Production refuses to start without that certificate.
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
        var settings = configuration.GetSection(DataProtectionSettings.Section).Get<DataProtectionSettings>()
            ?? new DataProtectionSettings();
        services.AddSingleton(settings);
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
                        sp.GetRequiredService<TimeProvider>()
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

        services.AddHostedService<DataProtectionStartupCheck>();
        return services;
    }
}

/// <summary>The key ring as rows of data_protection_keys: durable, shared by every instance on the same
/// database.</summary>
internal sealed class DatabaseXmlRepository(Db db, TimeProvider clock) : IXmlRepository
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

/// <summary>Refuses to start in Production when the key ring is not encrypted at rest; warns elsewhere.</summary>
internal sealed class DataProtectionStartupCheck(
    DataProtectionSettings settings,
    IHostEnvironment environment,
    ILogger<DataProtectionStartupCheck> logger
) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.IsProtected)
        {
            return Task.CompletedTask;
        }

        if (environment.IsProduction())
        {
            throw new InvalidOperationException(
                "The Data Protection key ring would be stored unencrypted. Set DataProtection:CertificatePath (and "
                    + "DataProtection:CertificatePassword) "
                    + "to a certificate that encrypts it; the service does not start in Production without one."
            );
        }

        logger.LogWarning(
            "The Data Protection key ring is stored without encryption at rest ({Environment} only); "
                + "set DataProtection:CertificatePath for production.",
            environment.EnvironmentName
        );
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>The Data Protection key ring is durable and, in Production, must be encrypted at rest.</summary>
public sealed class KeyRingProtectionTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public void Production_refuses_to_start_without_a_key_ring_protection_certificate()
    {
        using var production = app.WithWebHostBuilder(b =>
            b.UseEnvironment("Production").UseSetting("DataProtection:CertificatePath", "")
        );
        var error = Assert.ThrowsAny<Exception>(() => production.Server);
        Assert.Contains("DataProtection:CertificatePath", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_certificate_the_key_ring_in_the_database_is_encrypted()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "cert-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "keyring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest(
                "CN=FundAudit key ring",
                rsa,
                HashAlgorithmName.SHA256,
                RSASignaturePadding.Pkcs1
            );
            using var certificate = request.CreateSelfSigned(
                DateTimeOffset.UtcNow.AddDays(-1),
                DateTimeOffset.UtcNow.AddYears(1)
            );
            await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "test-password"));
        }

        // The fixture's keys are encrypted with another certificate (TestCertificates.Shared); start the ring afresh.
        await using (var cleanup = await app.Services.GetRequiredService<Db>().OpenAsync())
        {
            await cleanup.ExecuteAsync("DELETE FROM data_protection_keys");
        }

        using var production = app.WithWebHostBuilder(b =>
            b.UseEnvironment("Production")
                .UseSetting("DataProtection:CertificatePath", path)
                .UseSetting("DataProtection:CertificatePassword", "test-password")
        );
        var sensitive = production.Services.GetRequiredService<SensitiveFields>();
        var cipher = sensitive.Protect("secret alias")!;
        Assert.Equal("secret alias", sensitive.Unprotect(cipher));

        await using var connection = await production.Services.GetRequiredService<Db>().OpenAsync();
        var keys = (await connection.QueryAsync<string>("SELECT key_xml FROM data_protection_keys")).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Contains("EncryptedData", k, StringComparison.Ordinal));
        Assert.All(keys, k => Assert.DoesNotContain("<masterKey", k, StringComparison.Ordinal));
    }
}

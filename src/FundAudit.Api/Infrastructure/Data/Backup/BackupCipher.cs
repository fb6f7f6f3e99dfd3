using System.Security.Cryptography.X509Certificates;
using FundAudit.Api.Infrastructure.Security;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Security;

namespace FundAudit.Api.Infrastructure.Data.Backup;

/// <summary>
/// Encrypts backup files to the Data Protection certificate (<c>DataProtection:CertificatePath</c>) as CMS
/// EnvelopedData (RFC 5652: a random AES-256 content key, wrapped with the certificate's RSA key), streaming, with
/// BouncyCastle's CMS stream generator and parser. Only the holder of the certificate's private key reads a backup.
/// CMS EnvelopedData is not authenticated: each file's SHA-256 is kept in the encrypted manifest, checked on restore.
/// </summary>
internal sealed class BackupCipher(DataProtectionSettings settings)
{
    /// <summary>Encrypts <paramref name="plain"/> into <paramref name="encrypted"/> as it reads it.</summary>
    public async Task EncryptAsync(Stream plain, Stream encrypted, CancellationToken ct)
    {
        using var certificate = Load();
        var generator = new CmsEnvelopedDataStreamGenerator();
        generator.AddKeyTransRecipient(DotNetUtilities.FromX509Certificate(certificate));
        await using var sink = generator.Open(encrypted, CmsEnvelopedGenerator.Aes256Cbc);
        await plain.CopyToAsync(sink, ct);
    }

    /// <summary>Decrypts <paramref name="encrypted"/> into <paramref name="plain"/> as it reads it.</summary>
    public async Task DecryptAsync(Stream encrypted, Stream plain, CancellationToken ct)
    {
        using var certificate = Load();
        using var rsa = certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The Data Protection certificate has no RSA private key.");
        var privateKey = DotNetUtilities.GetRsaKeyPair(rsa.ExportParameters(true)).Private;
        var parser = new CmsEnvelopedDataParser(encrypted);
        var recipient = parser.GetRecipientInfos().GetRecipients().FirstOrDefault()
            ?? throw new InvalidOperationException("The backup names no recipient.");
        var content = recipient.GetContentStream(privateKey);
        await content.ContentStream.CopyToAsync(plain, ct);
    }

    private X509Certificate2 Load()
    {
        if (!settings.IsProtected)
        {
            throw new InvalidOperationException(
                "Backups are encrypted to the Data Protection certificate: set DataProtection:CertificatePath."
            );
        }

        return X509CertificateLoader.LoadPkcs12FromFile(
            settings.CertificatePath!,
            settings.CertificatePassword,
            X509KeyStorageFlags.Exportable
        );
    }
}

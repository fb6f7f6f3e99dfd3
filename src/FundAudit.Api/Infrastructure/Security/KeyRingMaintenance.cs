using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Infrastructure.Security;

/// <summary>
/// The stored key ring as XML: finds keys kept in clear and encrypts them in place with the configured certificate
/// (the same XML Data Protection writes for a key made under that certificate).
/// </summary>
internal sealed class KeyRingMaintenance(IOptions<KeyManagementOptions> options, DataProtectionSettings settings, Db db)
{
    private const string DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", DataProtectionNamespace);
    private const string UpdateKey = "UPDATE data_protection_keys SET key_xml = @Xml WHERE friendly_name = @Name";

    /// <summary>True when <paramref name="element"/> holds a secret Data Protection marked as needing encryption
    /// that was stored without it.</summary>
    public static bool HoldsUnencryptedSecret(XElement element) =>
        element.DescendantsAndSelf().Any(e => (string?)e.Attribute(RequiresEncryption) == "true");

    /// <summary>The ids of stored keys whose secret is in clear.</summary>
    public IReadOnlyList<string> UnencryptedKeyIds() =>
        Repository()
            .GetAllElements()
            .Where(e => e.Name.LocalName == "key" && HoldsUnencryptedSecret(e))
            .Select(e => (string?)e.Attribute("id") ?? "?")
            .ToList();

    /// <summary>
    /// Encrypts every key stored in clear with the configured certificate, in place; answers their ids. On the
    /// database the old rows' bytes are then erased as a purge erases them (<see cref="IDbEngine.FlushErasedAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<string>> ReencryptAsync(CancellationToken ct)
    {
        var encryptor =
            settings.IsProtected && options.Value.XmlEncryptor is { } configured
                ? configured
                : throw new InvalidOperationException(
                    "Set DataProtection:CertificatePath (and CertificatePassword) to the certificate that must "
                        + "encrypt the key ring."
                );
        var done = new List<string>();
        foreach (var key in Repository().GetAllElements().Where(e => e.Name.LocalName == "key"))
        {
            if (!HoldsUnencryptedSecret(key))
            {
                continue;
            }

            var id = (string?)key.Attribute("id") ?? throw new InvalidOperationException("A key without an id.");
            await ReplaceAsync("key-" + id, Encrypt(key, encryptor), ct);
            done.Add(id);
        }

        if (done.Count > 0 && string.IsNullOrWhiteSpace(settings.KeyFolder))
        {
            await db.FlushErasedAsync(ct);
        }

        return done;
    }

    private static XElement Encrypt(XElement key, IXmlEncryptor encryptor)
    {
        var copy = new XElement(key);
        foreach (
            var secret in copy.Descendants().Where(e => (string?)e.Attribute(RequiresEncryption) == "true").ToList()
        )
        {
            var encrypted = encryptor.Encrypt(secret);
            secret.ReplaceWith(
                new XElement(
                    XName.Get("encryptedSecret", DataProtectionNamespace),
                    new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                    encrypted.EncryptedElement
                )
            );
        }

        // The comment Data Protection writes above a key kept in clear no longer applies.
        copy.DescendantNodes().OfType<XComment>().ToList().ForEach(c => c.Remove());
        return copy;
    }

    private async Task ReplaceAsync(string friendlyName, XElement element, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(settings.KeyFolder))
        {
            // The file Data Protection's FileSystemXmlRepository wrote for this key, rewritten through a temp file.
            var path = Path.Combine(settings.KeyFolder, friendlyName + ".xml");
            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, element.ToString(SaveOptions.DisableFormatting), ct);
            File.Move(temp, path, overwrite: true);
            return;
        }

        var xml = element.ToString(SaveOptions.DisableFormatting);
        if (
            await db.ExecuteAsync(
                new CommandDefinition(UpdateKey, new { Xml = xml, Name = friendlyName }, cancellationToken: ct)
            ) != 1
        )
        {
            throw new InvalidOperationException($"No stored key named {friendlyName}.");
        }
    }

    private IXmlRepository Repository() =>
        options.Value.XmlRepository
        ?? throw new InvalidOperationException("The key ring's repository is not configured.");
}

using System.Security.Cryptography;
using System.Text.Json;

namespace FundAudit.Api.Infrastructure.Data.Backup;

/// <summary>One file of a backup: its name as restored, its size and SHA-256 (checked on restore).</summary>
internal sealed record BackupFile(string Name, long Bytes, string Sha256);

/// <summary>What a backup holds (kept encrypted beside its files as <c>manifest.cms</c>).</summary>
internal sealed record BackupManifest(string Provider, DateTimeOffset CreatedAt, IReadOnlyList<BackupFile> Files)
{
    public const string FileName = "manifest.cms";

    /// <summary>The encrypted file of a backup file.</summary>
    public static string EncryptedName(string name) => name + ".cms";

    /// <summary>Encrypts <paramref name="plain"/> into <paramref name="path"/>, counting and hashing it.</summary>
    public static async Task<BackupFile> EncryptFileAsync(
        BackupCipher cipher,
        string name,
        Stream plain,
        string path,
        CancellationToken ct
    )
    {
        using var sha = SHA256.Create();
        await using var counting = new CountingReadStream(plain);
        await using (var hashing = new CryptoStream(counting, sha, CryptoStreamMode.Read, leaveOpen: true))
        await using (var output = File.Create(path))
        {
            await cipher.EncryptAsync(hashing, output, ct);
        }

        return new BackupFile(name, counting.BytesRead, Convert.ToHexString(sha.Hash!));
    }

    /// <summary>Decrypts a backup file into <paramref name="target"/>; refuses one whose SHA-256 differs.</summary>
    public static async Task DecryptFileAsync(
        BackupCipher cipher,
        BackupFile file,
        string source,
        string target,
        CancellationToken ct
    )
    {
        await using (var input = File.OpenRead(source))
        await using (var output = File.Create(target))
        {
            await cipher.DecryptAsync(input, output, ct);
        }

        await using var written = File.OpenRead(target);
        var hash = Convert.ToHexString(await SHA256.HashDataAsync(written, ct));
        if (!string.Equals(hash, file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{file.Name}: its SHA-256 differs from the manifest's; not restored.");
        }
    }

    public async Task WriteAsync(BackupCipher cipher, string folder, CancellationToken ct)
    {
        await using var plain = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(this, JsonSerializerOptions.Web));
        await using var output = File.Create(Path.Combine(folder, FileName));
        await cipher.EncryptAsync(plain, output, ct);
    }

    public static async Task<BackupManifest> ReadAsync(BackupCipher cipher, string folder, CancellationToken ct)
    {
        await using var input = File.OpenRead(Path.Combine(folder, FileName));
        await using var plain = new MemoryStream();
        await cipher.DecryptAsync(input, plain, ct);
        return JsonSerializer.Deserialize<BackupManifest>(plain.ToArray(), JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("The manifest is empty.");
    }
}

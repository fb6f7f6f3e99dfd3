using System.Text;
using System.Text.Json;

namespace FundAudit.Api.Infrastructure.Data.Backup;

/// <summary><c>Backup:*</c>.</summary>
internal sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>
    /// Where backups go (one folder per backup) and where the case-key file lives, which shredding rewrites. Unset:
    /// the <c>backup</c> command needs <c>--folder</c> and shredding has no key file to rewrite.
    /// </summary>
    public string? Folder { get; set; }

    /// <summary>Backups older than this many days are deleted by the next <c>backup</c> run (default 30).</summary>
    public int HorizonDays { get; set; } = 30;

    /// <summary>PostgreSQL's <c>pg_dump</c> (default: found on PATH).</summary>
    public string PgDump { get; set; } = "pg_dump";

    /// <summary>PostgreSQL's <c>pg_restore</c> (default: found on PATH).</summary>
    public string PgRestore { get; set; } = "pg_restore";
}

/// <summary>One case key as the key file keeps it: the stored row, still Data Protection ciphertext.</summary>
internal sealed class CaseKeyRow
{
    public long RequestId { get; init; }

    public long FunderId { get; init; }

    public string Reference { get; init; } = "";

    public string KeyProtected { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The backups' case-key file, which shredding rewrites without the shredded case's key.</summary>
internal interface IBackupKeyFile
{
    /// <summary>
    /// Writes the key file again from the live case keys; false when no backup folder is configured or the file could
    /// not be written (the next backup writes it).
    /// </summary>
    Task<bool> RewriteAsync(CancellationToken ct);
}

/// <summary>
/// The case keys of every backup, kept apart from the backups' data: <c>case-keys.cms</c> in the backup folder, the
/// live <c>case_keys</c> rows encrypted to the Data Protection certificate. Backups themselves hold no case key, and
/// there is one key file, not one per backup: each backup run and each shred replaces it, so a key destroyed by a shred
/// is in no file any more and every backup taken before the shred restores that case unreadable. Cross-tenant by
/// design, like the purge: the file holds every funder's case keys (still Data Protection ciphertext).
/// </summary>
internal sealed class BackupKeyFile(
    RapidResponseDb db,
    BackupCipher cipher,
    BackupOptions options,
    ILogger<BackupKeyFile> logger
) : IBackupKeyFile
{
    /// <summary>The key file's name in the backup folder.</summary>
    public const string FileName = "case-keys.cms";

    private const string SelectKeys = """
        SELECT request_id AS RequestId, funder_id AS FunderId, reference AS Reference, key_protected AS KeyProtected,
               created_at AS CreatedAt
        FROM case_keys ORDER BY request_id
        """;
    private const string SelectIds = "SELECT request_id FROM case_keys";

    public async Task<bool> RewriteAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.Folder))
        {
            return false;
        }

        try
        {
            await WriteAsync(options.Folder, ct);
            return true;
        }
        catch (Exception ex)
            when (ex
                    is IOException
                        or UnauthorizedAccessException
                        or InvalidOperationException
                        or System.Security.Cryptography.CryptographicException
            )
        {
            logger.LogWarning(ex, "The backups' case-key file could not be rewritten; the next backup rewrites it");
            return false;
        }
    }

    /// <summary>
    /// Writes <c>case-keys.cms</c> in <paramref name="folder"/> from the live case keys, then checks that no key it
    /// holds was destroyed meanwhile (a shred racing this write), writing again until so.
    /// </summary>
    public async Task<int> WriteAsync(string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        for (var attempt = 0; ; attempt++)
        {
            var rows = await db.QueryListAsync<CaseKeyRow>(SelectKeys, null, ct);
            var temporary = Path.Combine(folder, FileName + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
            await using (var output = File.Create(temporary))
            {
                var lines = string.Join('\n', rows.Select(r => JsonSerializer.Serialize(r, JsonSerializerOptions.Web)));
                await using var plain = new MemoryStream(Encoding.UTF8.GetBytes(lines));
                await cipher.EncryptAsync(plain, output, ct);
            }

            File.Move(temporary, Path.Combine(folder, FileName), overwrite: true);
            var live = (await db.QueryListAsync<long>(SelectIds, null, ct)).ToHashSet();
            if (rows.All(r => live.Contains(r.RequestId)) || attempt >= 5)
            {
                return rows.Count;
            }
        }
    }

    /// <summary>Reads a key file (decrypting it with the certificate).</summary>
    public static async Task<IReadOnlyList<CaseKeyRow>> ReadAsync(
        BackupCipher cipher,
        string path,
        CancellationToken ct
    )
    {
        await using var input = File.OpenRead(path);
        await using var plain = new MemoryStream();
        await cipher.DecryptAsync(input, plain, ct);
        return Encoding
            .UTF8.GetString(plain.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<CaseKeyRow>(l, JsonSerializerOptions.Web)!)
            .ToList();
    }
}

using System.Security.Cryptography;
using System.Text;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>The stored uploads: one file per import under <see cref="GrantImportOptions.Folder"/>, named by a random
/// id.</summary>
internal sealed class ImportFiles(GrantImportOptions options)
{
    public sealed record Saved(string StoredName, string Sha256, long Bytes);

    /// <summary>
    /// Streams <paramref name="source"/> to a new file while hashing it. Null (and nothing kept) when it passes
    /// <see cref="GrantImportOptions.MaxFileBytes"/>.
    /// </summary>
    public async Task<Saved?> SaveAsync(Stream source, CancellationToken ct)
    {
        Directory.CreateDirectory(options.FullFolder);
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + ".csv";
        var path = PathOf(name);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        var completed = false;
        try
        {
            await using (
                var target = new FileStream(
                    path,
                    FileMode.CreateNew,
                    FileAccess.Write,
                    FileShare.None,
                    1 << 16,
                    FileOptions.Asynchronous
                )
            )
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > options.MaxFileBytes)
                    {
                        return null;
                    }

                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }

                await target.FlushAsync(ct);
            }

            completed = true;
            return new Saved(name, Convert.ToHexStringLower(hash.GetHashAndReset()), total);
        }
        finally
        {
            if (!completed)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>The stored uploads last written before <paramref name="before"/>.</summary>
    public IEnumerable<string> NamesWrittenBefore(DateTimeOffset before) =>
        Directory.Exists(options.FullFolder)
            ? Directory
                .EnumerateFiles(options.FullFolder, "*.csv")
                .Where(path => File.GetLastWriteTimeUtc(path) < before.UtcDateTime)
                .Select(path => Path.GetFileName(path))
                .ToList()
            : [];

    /// <summary>Removes a stored upload once its import has ended for good (succeeded or refused);
    /// idempotent.</summary>
    public void Delete(string storedName)
    {
        var path = PathOf(storedName);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>A stored upload opened for sequential reads (an import reads it twice: inspection, then rows).
    /// </summary>
    public FileStream OpenRead(string storedName) =>
        new(PathOf(storedName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    public string PathOf(string storedName) =>
        storedName.Length == 36
        && storedName.EndsWith(".csv", StringComparison.Ordinal)
        && storedName[..32].All(char.IsAsciiHexDigitLower)
            ? Path.Combine(options.FullFolder, storedName)
            : throw new ArgumentException("Not a stored import name.", nameof(storedName));

    /// <summary>The uploader's file name reduced to letters, digits and <c>. - _ ( )</c> and spaces, at most 120
    /// characters.</summary>
    public static string SanitizeFileName(string? name)
    {
        var last = (name ?? "").Replace('\\', '/');
        last = last[(last.LastIndexOf('/') + 1)..];
        var clean = new StringBuilder(Math.Min(last.Length, 120));
        foreach (var c in last)
        {
            if (clean.Length == 120)
            {
                break;
            }

            clean.Append(char.IsLetterOrDigit(c) || c is ' ' or '.' or '-' or '_' or '(' or ')' ? c : '_');
        }

        var result = clean.ToString().Trim().TrimStart('.', '-', '_').Trim();
        return result.Length == 0 ? "upload.csv" : result;
    }
}

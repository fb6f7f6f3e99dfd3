namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Where uploaded import files are kept until their import has ended for good: the upload request saves the file, the
/// job (on whichever instance runs it) reads it as a stream, and the file goes once the import succeeded or was
/// refused. <c>Imports:UploadStore</c> picks the store: <c>database</c> (<see cref="DatabaseUploadStore"/>, chunked
/// rows readable by every instance) or <c>folder</c> (<see cref="FolderUploadStore"/>, <c>Imports:Folder</c>, which
/// must then be a directory every instance shares). Left empty: the folder on SQLite (one service process), the
/// database on PostgreSQL and SQL Server.
/// </summary>
internal interface IImportUploadStore
{
    /// <summary>
    /// Streams <paramref name="source"/> into a new stored upload of <paramref name="funderId"/> while hashing it, so
    /// memory stays flat whatever its size. Null (and nothing kept) when it passes
    /// <see cref="GrantImportOptions.MaxFileBytes"/>.
    /// </summary>
    Task<SavedUpload?> SaveAsync(long funderId, Stream source, CancellationToken ct);

    /// <summary>
    /// The stored upload of <paramref name="import"/>, opened for reading: seekable (an import reads it twice), read
    /// piece by piece from where it is stored. Throws <see cref="FileNotFoundException"/> when it is gone.
    /// </summary>
    Stream OpenRead(GrantImportRow import);

    /// <summary>Whether the upload of <paramref name="import"/> is still stored (so its import can run
    /// again).</summary>
    Task<bool> ExistsAsync(GrantImportRow import, CancellationToken ct);

    /// <summary>Removes the upload of <paramref name="import"/>; idempotent.</summary>
    Task DeleteAsync(GrantImportRow import, CancellationToken ct);

    /// <summary>
    /// Removes every upload stored before <paramref name="before"/> whose name is not in <paramref name="keep"/>
    /// (left behind by a process killed mid-upload, or by an import that failed or was interrupted and was not run
    /// again in time); answers how many.
    /// </summary>
    Task<int> DeleteLeftoversAsync(DateTimeOffset before, IReadOnlySet<string> keep, CancellationToken ct);
}

/// <summary>A stored upload: its name (grant_imports.stored_name), its SHA-256 (hex) and its size.</summary>
internal sealed record SavedUpload(string StoredName, string Sha256, long Bytes);

/// <summary>
/// Uploads as files under <see cref="GrantImportOptions.Folder"/> (<see cref="ImportFiles"/>). Readable by another
/// instance only when that folder is a directory the instances share.
/// </summary>
internal sealed class FolderUploadStore(ImportFiles files) : IImportUploadStore
{
    public async Task<SavedUpload?> SaveAsync(long funderId, Stream source, CancellationToken ct) =>
        await files.SaveAsync(source, ct) is { } saved
            ? new SavedUpload(saved.StoredName, saved.Sha256, saved.Bytes)
            : null;

    public Stream OpenRead(GrantImportRow import) => files.OpenRead(import.StoredName);

    public Task<bool> ExistsAsync(GrantImportRow import, CancellationToken ct) =>
        Task.FromResult(File.Exists(files.PathOf(import.StoredName)));

    public Task DeleteAsync(GrantImportRow import, CancellationToken ct)
    {
        files.Delete(import.StoredName);
        return Task.CompletedTask;
    }

    public Task<int> DeleteLeftoversAsync(DateTimeOffset before, IReadOnlySet<string> keep, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var name in files.NamesWrittenBefore(before).Where(n => !keep.Contains(n)))
        {
            ct.ThrowIfCancellationRequested();
            files.Delete(name);
            deleted++;
        }

        return Task.FromResult(deleted);
    }
}

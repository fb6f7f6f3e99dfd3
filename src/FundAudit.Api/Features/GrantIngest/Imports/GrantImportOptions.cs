using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// <c>Imports:*</c>: where uploads are kept and the limits of one CSV import. The folder must lie outside any served
/// path (this service serves no static files); by default <c>data/imports</c> under the working directory, beside the
/// default SQLite database.
/// </summary>
internal sealed class GrantImportOptions
{
    public const string Section = "Imports";

    /// <summary>Multipart framing allowed on top of <see cref="MaxFileBytes"/> in the request size limit.</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    public string Folder { get; set; } = Path.Combine("data", "imports");

    /// <summary>
    /// Where uploads are kept until their import has ended (<see cref="IImportUploadStore"/>): <c>database</c> or
    /// <c>folder</c> (<see cref="Folder"/>, a directory every instance must share). Empty: the folder on SQLite, the
    /// database on PostgreSQL and SQL Server.
    /// </summary>
    public string? UploadStore { get; set; }

    /// <summary>Bytes per stored chunk of an upload kept in the database (1 MiB).</summary>
    public int UploadChunkBytes { get; set; } = 1024 * 1024;

    public long MaxFileBytes { get; set; } = CsvImportOptions.DefaultMaxFileBytes;

    public int MaxRows { get; set; } = 2_000_000;

    public int MaxCellChars { get; set; } = 32_768;

    public int MaxRowBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Valid rows per bulk batch. Small batches die young: at 1M rows, 500 instead of 2,000 cut gen-2 collections from
    /// about 200 to under 50 and peak memory from ~306 to ~201 MiB (SQLite) and ~248 to ~160 MiB (PostgreSQL); under
    /// Server GC, 200 instead of 500 cut a 200k-row PostgreSQL import's peak from 283–287 to 274 MiB (240–285 MiB with
    /// gen 0's budget capped as well; README "Performance", "Peak memory under 300 MB").
    /// </summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Batches cut by the reader that may wait for the writer (each mapped on the thread pool meanwhile): enough to
    /// keep
    /// both cores busy, few enough that memory does not grow with the file.
    /// </summary>
    public int PipelineBatches { get; set; } = 2;

    /// <summary>
    /// Where the import adds its new grants' day totals itself (SQLite), it writes them once this many (day, currency,
    /// classification) groups are waiting, so memory stays flat whatever the file size.
    /// </summary>
    public int DayTotalsPerFlush { get; set; } = 10_000;

    /// <summary>How often the worker running an import says it is alive (grant_imports.heartbeat_at).</summary>
    public int HeartbeatSeconds { get; set; } = 10;

    /// <summary>
    /// A running (or waiting) import whose heartbeat is older than this is shown <c>interrupted</c>: its worker died,
    /// and an administrator or analyst can retry it.
    /// </summary>
    public int InterruptedAfterSeconds { get; set; } = 60;

    /// <summary>
    /// Hours an upload is kept when no queued or live import needs it (a failed or interrupted import can be retried
    /// within them); then the hourly sweep (<see cref="LeftoverUploadCleanupJob"/>) deletes it.
    /// </summary>
    public int LeftoverUploadHours { get; set; } = 72;

    /// <summary>Progress is written to the import row after this many rows (in its own short statement).</summary>
    public int ProgressEveryRows { get; set; } = 10_000;

    /// <summary>At most this many row errors are kept per import; the count of rejected rows stays exact.</summary>
    public int MaxStoredErrors { get; set; } = 10_000;

    /// <summary>At most this many row warnings are kept on the import (all are counted).</summary>
    public int MaxStoredWarnings { get; set; } = 100;

    public string FullFolder => Path.GetFullPath(Folder);

    public long MaxRequestBytes => MaxFileBytes + MultipartOverheadBytes;

    public CsvImportOptions CsvOptions(string? dateFormat) =>
        new(dateFormat, MaxFileBytes, MaxRows, MaxCellChars, MaxRowBytes);
}

using Hangfire;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Every hour (no arguments): deletes stored uploads older than <see cref="GrantImportOptions.LeftoverUploadHours"/>
/// that no queued or live import needs: those of a process killed mid-upload (its own clean-up never ran), and those of
/// an import that failed or was interrupted and was not run again in time. In the database store these are chunks
/// every instance would otherwise carry in its backups; in the folder store, files.
/// </summary>
internal sealed class LeftoverUploadCleanupJob(
    IImportUploadStore uploads,
    GrantImportStore imports,
    GrantImportOptions options,
    TimeProvider clock,
    ILogger<LeftoverUploadCleanupJob> logger
)
{
    public const string RecurringId = "imports-leftover-uploads";

    /// <summary>Runs one sweep; answers the number of uploads deleted.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var keep = await imports.UploadsStillNeededAsync(now.AddSeconds(-options.InterruptedAfterSeconds), ct);
        var deleted = await uploads.DeleteLeftoversAsync(now.AddHours(-options.LeftoverUploadHours), keep, ct);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} leftover import uploads", deleted);
        }

        return deleted;
    }
}

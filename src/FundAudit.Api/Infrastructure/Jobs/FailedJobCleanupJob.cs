using Hangfire;

namespace FundAudit.Api.Infrastructure.Jobs;

/// <summary>
/// Every hour: deletes the Hangfire jobs that failed more than <c>Jobs:FailedRetentionDays</c> (7) ago. Hangfire keeps
/// a failed job (its arguments, exception and history) forever, because its state is not final; a deleted job is
/// final and Hangfire removes it a day later. A failed job retried before then is left alone.
/// </summary>
internal sealed class FailedJobCleanupJob(
    JobStorage storage,
    IBackgroundJobClient client,
    JobsOptions options,
    TimeProvider clock,
    ILogger<FailedJobCleanupJob> logger
)
{
    public const string RecurringId = "hangfire-failed-cleanup";
    private const int PageSize = 500;

    [AutomaticRetry(Attempts = 0)]
    public Task<int> RunAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow().UtcDateTime.AddDays(-options.FailedRetentionDays);
        var monitoring = storage.GetMonitoringApi();
        var old = new List<string>();
        for (var from = 0; ; from += PageSize)
        {
            ct.ThrowIfCancellationRequested();
            var page = monitoring.FailedJobs(from, PageSize);
            old.AddRange(page.Where(j => j.Value?.FailedAt < before).Select(j => j.Key));
            if (page.Count < PageSize)
            {
                break;
            }
        }

        // Delete only while still failed: a job retried meanwhile keeps its new state.
        var deleted = old.Count(id => client.Delete(id, Hangfire.States.FailedState.StateName));
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} jobs that failed before {Before:o}", deleted, before);
        }

        return Task.FromResult(deleted);
    }
}

using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.Logs;
using FundAudit.Api.Infrastructure.Jobs;
using FundAudit.Api.Infrastructure.Security;
using FundAudit.Api.Tests.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// The recurring jobs the features declare with <c>AddRecurringJob</c>, added to the app's real Hangfire storage the
/// way the one registration does at start-up: each id with its job, method and cron, and that registration is one
/// hosted service.
/// </summary>
public sealed class RecurringJobsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public void Every_recurring_job_is_declared_once_with_its_job_and_cron()
    {
        var storage = app.Services.GetRequiredService<JobStorage>();
        var manager = new RecurringJobManager(storage);
        foreach (var descriptor in app.Services.GetServices<RecurringJobDescriptor>())
        {
            descriptor.AddOrUpdate(manager);
        }

        using var connection = storage.GetConnection();
        var registered = connection
            .GetRecurringJobs()
            .Select(j => (j.Id, j.Job.Type.Name, j.Job.Method.Name, j.Cron))
            .OrderBy(j => j.Id, StringComparer.Ordinal)
            .ToList();
        (string, string, string, string)[] expected =
        [
            (PurgePersonalDataJob.RecurringId, nameof(PurgePersonalDataJob), "RunAsync", Cron.Hourly()),
            (SlaSweepJob.RecurringId, nameof(SlaSweepJob), "RunAsync", Cron.Minutely()),
            (WebhookDeliveryJob.RecurringId, nameof(WebhookDeliveryJob), "RunAsync", Cron.Minutely()),
            (FailedJobCleanupJob.RecurringId, nameof(FailedJobCleanupJob), "RunAsync", Cron.Hourly()),
            (LeftoverUploadCleanupJob.RecurringId, nameof(LeftoverUploadCleanupJob), "RunAsync", Cron.Hourly(17)),
            (KeyRotationJob.RecurringId, nameof(KeyRotationJob), "RunAsync", Cron.Daily(3)),
            (LogSealJob.RecurringId, nameof(LogSealJob), "RunAsync", Cron.Minutely()),
        ];
        Assert.Equal(expected.OrderBy(j => j.Item1, StringComparer.Ordinal), registered);
        Assert.Single(app.Services.GetServices<IHostedService>().OfType<RecurringJobsRegistration>());
    }
}

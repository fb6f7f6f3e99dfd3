using FundAudit.Api.Infrastructure.Jobs;
using Hangfire;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// Registers the recurring jobs at start-up, only where a Hangfire server runs (not in tests or commands).
/// </summary>
internal sealed class EmergencyJobsRegistration(JobsOptions jobs, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!jobs.RunServer)
        {
            return Task.CompletedTask;
        }

        var manager = services.GetRequiredService<IRecurringJobManager>();
        manager.AddOrUpdate<SlaSweepJob>(
            SlaSweepJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Minutely()
        );
        manager.AddOrUpdate<WebhookDeliveryJob>(
            WebhookDeliveryJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Minutely()
        );
        manager.AddOrUpdate<PurgePersonalDataJob>(
            PurgePersonalDataJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Hourly()
        );
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

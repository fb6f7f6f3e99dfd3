using FundAudit.Api.Infrastructure.Jobs;
using Hangfire;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>The rapid-response jobs and when they recur (registered where a Hangfire server runs).</summary>
internal static class EmergencyJobsRegistration
{
    public static IServiceCollection AddEmergencyJobs(this IServiceCollection services)
    {
        services.AddRecurringJob<SlaSweepJob>(
            SlaSweepJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Minutely()
        );
        services.AddRecurringJob<WebhookDeliveryJob>(
            WebhookDeliveryJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Minutely()
        );
        services.AddRecurringJob<PurgePersonalDataJob>(
            PurgePersonalDataJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Hourly()
        );
        return services;
    }
}

using FundAudit.Api.Infrastructure.Jobs;
using Hangfire;

namespace FundAudit.Api.Infrastructure.Security;

/// <summary>
/// Every day (no arguments): re-protects every stored value that is not under the current Data Protection key, so that
/// after Data Protection's own key roll-over (every 90 days) or a <c>keyring rotate</c> the older keys hold nothing and
/// can be revoked. Idempotent: a second run finds nothing to do.
/// </summary>
internal sealed class KeyRotationJob(KeyRotation rotation)
{
    public const string RecurringId = "keyring-reprotect";

    /// <summary>Runs one pass; answers the number of values re-protected.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct) => (await rotation.ReprotectAsync(ct)).Reprotected;
}

/// <summary>Registers <see cref="KeyRotationJob"/> daily, only where a Hangfire server runs.</summary>
internal sealed class KeyRotationJobRegistration(JobsOptions jobs, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (jobs.RunServer)
        {
            services
                .GetRequiredService<IRecurringJobManager>()
                .AddOrUpdate<KeyRotationJob>(
                    KeyRotationJob.RecurringId,
                    j => j.RunAsync(CancellationToken.None),
                    Cron.Daily(3)
                );
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

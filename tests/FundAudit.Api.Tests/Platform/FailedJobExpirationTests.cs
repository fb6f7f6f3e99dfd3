using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Jobs;
using FundAudit.Api.Tests.Infrastructure;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Failed Hangfire jobs do not pile up: <see cref="FailedJobCleanupJob"/> deletes those failed longer than
/// Jobs:FailedRetentionDays (7) ago in the app's own Hangfire storage, and leaves recent and retried ones alone.
/// The window is measured on the app's clock from Hangfire's failure stamp (the real clock).
/// </summary>
public abstract class FailedJobExpirationTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_job_failed_longer_than_the_retention_is_deleted_and_a_recent_or_retried_one_is_kept()
    {
        var client = app.Services.GetRequiredService<IBackgroundJobClient>();
        var monitoring = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        string FailedJob()
        {
            var id = client.Create<PurgePersonalDataJob>(
                j => j.RunAsync(CancellationToken.None),
                new ScheduledState(TimeSpan.FromDays(30))
            );
            Assert.True(client.ChangeState(id, new FailedState(new InvalidOperationException("test failure"))));
            return id;
        }

        // Hangfire stamps a failure with the real clock; the app's clock is moved on from there.
        var failedAt = DateTimeOffset.UtcNow;
        var failed = FailedJob();
        var retried = FailedJob();
        Assert.True(client.ChangeState(retried, new ScheduledState(TimeSpan.FromDays(30))));

        app.Clock.SetUtcNow(failedAt.AddDays(7).AddMinutes(-1));
        await RunAsync();
        Assert.Equal(FailedState.StateName, monitoring.JobDetails(failed).History[0].StateName);

        app.Clock.SetUtcNow(failedAt.AddDays(7).AddMinutes(1));
        Assert.True(await RunAsync() >= 1);
        Assert.Equal(DeletedState.StateName, monitoring.JobDetails(failed).History[0].StateName);
        Assert.Equal(ScheduledState.StateName, monitoring.JobDetails(retried).History[0].StateName);
        Assert.Equal(0, await RunAsync()); // nothing left to delete: a second run changes nothing
    }

    private async Task<int> RunAsync()
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<FailedJobCleanupJob>().RunAsync(CancellationToken.None);
    }
}

public sealed class SqliteFailedJobExpirationTests(SqliteApp app) : FailedJobExpirationTests<SqliteApp>(app);

public sealed class PostgresFailedJobExpirationTests(PostgresApp app) : FailedJobExpirationTests<PostgresApp>(app);

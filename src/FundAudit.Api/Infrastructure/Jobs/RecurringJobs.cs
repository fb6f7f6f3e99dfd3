using System.Linq.Expressions;
using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FundAudit.Api.Infrastructure.Jobs;

/// <summary>One recurring Hangfire job as a feature declares it: its id and how to add or update it.</summary>
/// <param name="Id">The recurring job's id in Hangfire (the job class's <c>RecurringId</c>).</param>
/// <param name="AddOrUpdate">Adds or updates the job, with its method and cron, on the given manager.</param>
internal sealed record RecurringJobDescriptor(string Id, Action<IRecurringJobManager> AddOrUpdate);

/// <summary>
/// The one way a feature declares a recurring job: <c>services.AddRecurringJob&lt;TJob&gt;(id, j =&gt; j.RunAsync(
/// CancellationToken.None), cron)</c> next to its other services; the job class itself is registered scoped unless the
/// feature registered it already. One hosted service registers every declared job at start-up, only where a Hangfire
/// server runs (not in tests or commands).
/// </summary>
internal static class RecurringJobs
{
    /// <summary>Declares the recurring job <paramref name="id"/>: <paramref name="job"/> run on
    /// <paramref name="cron"/>.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="id">The recurring job's id in Hangfire.</param>
    /// <param name="job">The job method, called with ids only (checked by JobRulesTests).</param>
    /// <param name="cron">When it runs, a cron expression (Hangfire's <see cref="Cron"/>).</param>
    public static IServiceCollection AddRecurringJob<TJob>(
        this IServiceCollection services,
        string id,
        Expression<Func<TJob, Task>> job,
        string cron
    )
        where TJob : class
    {
        services.TryAddScoped<TJob>();
        services.AddSingleton(new RecurringJobDescriptor(id, manager => manager.AddOrUpdate(id, job, cron)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringJobsRegistration>());
        return services;
    }
}

/// <summary>Registers every declared <see cref="RecurringJobDescriptor"/>, only where a Hangfire server runs.</summary>
internal sealed class RecurringJobsRegistration(
    JobsOptions jobs,
    IEnumerable<RecurringJobDescriptor> descriptors,
    IServiceProvider services
) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (jobs.RunServer)
        {
            var manager = services.GetRequiredService<IRecurringJobManager>();
            foreach (var descriptor in descriptors)
            {
                descriptor.AddOrUpdate(manager);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

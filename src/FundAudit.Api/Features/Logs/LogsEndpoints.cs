using FundAudit.Api.Infrastructure.Jobs;
using Hangfire;

namespace FundAudit.Api.Features.Logs;

/// <summary>The tamper-evident logs: the administration log's writer, the chains' verification and seal job, their
/// endpoints.</summary>
internal static class LogsEndpoints
{
    public static IServiceCollection AddLogs(this IServiceCollection services)
    {
        services.AddSingleton<AdminLog>();
        services.AddSingleton<LogChainStore>();
        services.AddSingleton<LogsUseCases>();
        services.AddRecurringJob<LogSealJob>(
            LogSealJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Minutely()
        );
        services.AddScoped<FluentValidation.IValidator<ListAdminLog.Request>, ListAdminLog.Validator>();
        return services;
    }

    public static IEndpointRouteBuilder MapLogs(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Logs").RequireAuthorization(Policies.Admin);
        admin
            .MapGet("/log", ListAdminLog.HandleAsync)
            .WithName("ListAdminLog")
            .WithSummary("The funder's administration log, newest first")
            .WithValidation<ListAdminLog.Request>();
        admin
            .MapGet("/log-chain", GetLogChain.HandleAsync)
            .WithName("GetLogChain")
            .WithSummary("Verify the funder's hash-chained logs (events, access log, administration log)");
        return app;
    }

    /// <summary>
    /// Once at start of the web server, after the migrations: chains the log rows written before the chains existed
    /// (a no-op after that; instances starting together take turns on each funder's lock).
    /// </summary>
    public static async Task SealLogChainsAsync(this IServiceProvider services)
    {
        var sealedLogs = await services.GetRequiredService<LogChainStore>().SealPendingAsync(CancellationToken.None);
        if (sealedLogs > 0)
        {
            services
                .GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(LogsEndpoints))
                .LogInformation("Chained earlier log rows of {Chains} funder logs.", sealedLogs);
        }
    }
}

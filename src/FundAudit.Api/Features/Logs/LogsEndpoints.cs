namespace FundAudit.Api.Features.Logs;

/// <summary>The tamper-evident logs: the administration log's writer, the chains' verification, their
/// pages.</summary>
internal static class LogsEndpoints
{
    public static IServiceCollection AddLogs(this IServiceCollection services)
    {
        services.AddSingleton<AdminLog>();
        services.AddSingleton<LogChainStore>();
        return services;
    }

    /// <summary>
    /// Once at start, after the migrations: chains the log rows written before the chains existed (a no-op after
    /// that; instances starting together take turns on each funder's lock).
    /// </summary>
    public static async Task SealLogChainsAsync(this IServiceProvider services)
    {
        var sealedFunders = await services.GetRequiredService<LogChainStore>().SealPendingAsync(CancellationToken.None);
        if (sealedFunders > 0)
        {
            services
                .GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(LogsEndpoints))
                .LogInformation("Chained earlier log rows of {Chains} funder logs.", sealedFunders);
        }
    }
}

namespace FundAudit.Api.Infrastructure.Http;

internal static class LoggingSetup
{
    /// <summary>
    /// JSON console logs outside Development. Commands log to standard error so that standard output carries only
    /// their result (a created key on the last line). Nothing here logs request bodies or query strings.
    /// </summary>
    public static ILoggingBuilder AddFundAuditLogging(
        this ILoggingBuilder logging,
        IHostEnvironment environment,
        bool isCommand
    )
    {
        logging.ClearProviders();
        if (isCommand)
        {
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            logging.SetMinimumLevel(LogLevel.Warning);
        }
        else if (environment.IsDevelopment())
        {
            logging.AddSimpleConsole();
        }
        else
        {
            logging.AddJsonConsole();
        }

        return logging;
    }
}

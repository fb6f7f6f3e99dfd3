namespace FundAudit.Api.Infrastructure.Http;

internal static class LoggingSetup
{
    private const string RequestLinesCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// JSON console logs outside Development. Commands log to standard error so that standard output carries only
    /// their result (a created key on the last line). Nothing here logs request bodies or query strings, nor request
    /// lines: a path can carry a secret (an invitation link's token), so the hosting category that writes "Request
    /// starting GET /app/invitations/…" is held at Warning here, whatever the configuration (or its absence, when the
    /// service starts away from its appsettings.json) says; a rule in code is applied after the configuration's.
    /// </summary>
    public static ILoggingBuilder AddFundAuditLogging(
        this ILoggingBuilder logging,
        IHostEnvironment environment,
        bool isCommand
    )
    {
        logging.ClearProviders();
        logging.AddFilter(RequestLinesCategory, LogLevel.Warning);
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

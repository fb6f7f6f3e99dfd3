using System.Collections.Concurrent;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// A logging provider that keeps everything every logger of the app writes, at every level: the category, the
/// formatted message, each value of the message's state, the exception and the values of every scope it was written
/// in (as a provider that includes scopes, JSON console or OpenTelemetry, would send them on).
/// </summary>
internal sealed class KeptLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Text)> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<(string Category, LogLevel Level, string Text)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Logger(KeptLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            var text = new List<string> { formatter(state, exception), exception?.ToString() ?? "" };
            text.AddRange(Values(state));
            owner._scopes.ForEachScope((scope, into) => into.AddRange(Values(scope)), text);
            owner._entries.Enqueue((category, logLevel, string.Join(" | ", text)));
        }

        private static IEnumerable<string> Values(object? state) =>
            state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Select(p => $"{p.Key}={p.Value}")
                : [state?.ToString() ?? ""];
    }
}

/// <summary>The SQLite app with every category at Trace, written to <see cref="KeptLogs"/> alone (what a provider
/// writes out is what its loggers are given; the console's formatting at Trace would only cost time).</summary>
public sealed class LoggedSqliteApp : SqliteApp
{
    internal KeptLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Every category the configuration names at Trace (the request lines stay at Warning: a rule in code).
        foreach (
            var category in new[]
            {
                "Default",
                "Microsoft.AspNetCore",
                "Microsoft.AspNetCore.Hosting.Diagnostics",
                "Hangfire",
            }
        )
        {
            builder.UseSetting("Logging:LogLevel:" + category, "Trace");
        }

        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
    }
}

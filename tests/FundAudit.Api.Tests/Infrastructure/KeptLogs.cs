using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// A logging provider that keeps everything every logger of the app writes, at every level: the category, the
/// formatted message, each value of the message's state, the exception and the values of every scope it was written
/// in (as a provider that includes scopes, JSON console or OpenTelemetry, would send them on).
/// </summary>
public sealed class KeptLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Text)> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    internal IReadOnlyList<(string Category, LogLevel Level, string Text)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    /// <summary>
    /// Makes this the app's one provider, every category the configuration names raised to Trace (the request lines
    /// keep their Warning, a rule in code): what a provider writes out is what its loggers are given, and the
    /// console's formatting at Trace would only cost time.
    /// </summary>
    public void KeepEverything(IWebHostBuilder builder)
    {
        foreach (var category in (string[])["Default", "Microsoft.AspNetCore", "Hangfire", "Npgsql"])
        {
            builder.UseSetting("Logging:LogLevel:" + category, "Trace");
        }

        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(this));
    }

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

/// <summary>The SQLite app with every category at Trace, written to <see cref="KeptLogs"/> alone.</summary>
public sealed class LoggedSqliteApp : SqliteApp
{
    internal override KeptLogs Logs { get; } = new();
}

/// <summary>The PostgreSQL app with every category at Trace, written to <see cref="KeptLogs"/> alone.</summary>
public sealed class LoggedPostgresApp : PostgresApp
{
    internal override KeptLogs Logs { get; } = new();
}

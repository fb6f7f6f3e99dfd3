using System.Reflection;
using DbUp;
using DbUp.Builder;
using DbUp.Engine.Output;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Applies migrations/{engine}/NNNN_verb_noun.sql with DbUp; its journal table records what ran. The run holds the
/// database's <see cref="MigrationLock"/>, so instances that start together take turns and each script runs once.
/// </summary>
internal sealed class Migrator(IDbEngine engine, DatabaseOptions options, ILogger<Migrator> logger)
{
    public const string ResourcePrefix = "FundAudit.Api.migrations.";

    public void Migrate()
    {
        var connectionString = options.ConnectionString!;
        UpgradeEngineBuilder builder = engine.Provider switch
        {
            DatabaseProvider.Sqlite => DeployChanges.To.SqliteDatabase(connectionString),
            DatabaseProvider.Postgres => DeployChanges.To.PostgresqlDatabase(connectionString),
            DatabaseProvider.SqlServer => DeployChanges.To.SqlDatabase(connectionString),
            _ => throw new InvalidOperationException($"Unknown provider {engine.Provider}."),
        };

        var folder = ResourcePrefix + engine.MigrationFolder + ".";
        using var migrating = MigrationLock.Take(engine.Provider, connectionString);
        if (engine.Provider == DatabaseProvider.Sqlite)
        {
            SqlitePageSize.SetOnNewFile(connectionString, options.SqlitePageSize);
        }

        var result = builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name =>
                name.StartsWith(folder, StringComparison.Ordinal)
            )
            .WithTransactionPerScript()
            .LogTo(new UpgradeLog(logger))
            .Build()
            .PerformUpgrade();

        if (!result.Successful)
        {
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
        }
    }

    /// <summary>Script names per engine folder, e.g. "0001_create_core_tables.sql".</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ScriptNames()
    {
        var names = Assembly
            .GetExecutingAssembly()
            .GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Select(n =>
                (
                    Folder: n[..n.IndexOf('.', StringComparison.Ordinal)],
                    Script: n[(n.IndexOf('.', StringComparison.Ordinal) + 1)..]
                )
            );
        return names
            .GroupBy(n => n.Folder)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<string>)g.Select(n => n.Script).Order(StringComparer.Ordinal).ToList()
            );
    }

    // DbUp hands over printf-style templates of its own; they are formatted here, then logged as one value.
#pragma warning disable CA2254
    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);

        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);

        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);

        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);

        public void LogError(string format, params object[] args) => logger.LogError(format, args);

        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
#pragma warning restore CA2254
}

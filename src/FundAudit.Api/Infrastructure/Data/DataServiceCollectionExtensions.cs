using Microsoft.Data.Sqlite;

namespace FundAudit.Api.Infrastructure.Data;

internal static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Reads Database:Provider/ConnectionString, registers the dialect, the engine, <see cref="Db"/> and the migrator.
    /// </summary>
    public static IServiceCollection AddFundAuditData(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.Bound<DatabaseOptions>(DatabaseOptions.Section);
        var provider = ParseProvider(options.Provider);
        options.ConnectionString =
            provider == DatabaseProvider.Sqlite ? SqliteConnectionString(options.ConnectionString)
            : !string.IsNullOrWhiteSpace(options.ConnectionString) ? options.ConnectionString
            : throw new InvalidOperationException(
                $"Database:ConnectionString is required for provider " + $"'{options.Provider}'."
            );
        options.RapidResponseConnectionString =
            provider == DatabaseProvider.Sqlite
                ? RapidResponseFile.ConnectionString(options.ConnectionString, options.RapidResponseFile)
                : options.ConnectionString;

        IDbDialect dialect = provider switch
        {
            DatabaseProvider.Sqlite => new SqliteDialect(),
            DatabaseProvider.Postgres => new PostgresDialect(),
            _ => new SqlServerDialect(),
        };
        IDbEngine engine = provider switch
        {
            DatabaseProvider.Sqlite => new SqliteEngine(dialect, options.ConnectionString, options.BusyTimeoutMs),
            DatabaseProvider.Postgres => new PostgresEngine(dialect, options.ConnectionString),
            _ => new SqlServerEngine(dialect, options.ConnectionString),
        };

        DapperTypeHandlers.Register();
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton(options);
        services.AddSingleton(dialect);
        services.AddSingleton(engine);
        services.AddSingleton<Db>();
        services.AddSingleton(
            new RapidResponseDb(
                dialect,
                provider == DatabaseProvider.Sqlite
                    ? new SqliteEngine(dialect, options.RapidResponseConnectionString, options.BusyTimeoutMs)
                    : engine
            )
        );
        services.AddSingleton<Migrator>();
        services.AddSingleton<RapidResponseMigrator>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary>Applies migrations before the app serves anything (DbUp skips what its journal says already
    /// ran).</summary>
    public static void MigrateDatabase(this IServiceProvider services)
    {
        if (services.GetRequiredService<DatabaseOptions>().MigrateOnStart)
        {
            services.GetRequiredService<Migrator>().Migrate();
            services.GetRequiredService<RapidResponseMigrator>().Migrate();
        }
    }

    internal static DatabaseProvider ParseProvider(string? name) =>
        name?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            "sqlserver" or "mssql" => DatabaseProvider.SqlServer,
            var other => throw new InvalidOperationException(
                $"Database:Provider '{other}' is not one of sqlite, " + $"postgres, sqlserver."
            ),
        };

    internal static string SqliteConnectionString(string? configured)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured)
                ? $"Data Source={Path.Combine(Directory.GetCurrentDirectory(), "data", "fundaudit.db")}"
                : configured
        )
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        };
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        return builder.ToString();
    }
}

using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;

namespace FundAudit.Api.Infrastructure.Jobs;

internal sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Run a Hangfire server in this process (off in tests unless a test asks for one).</summary>
    public bool RunServer { get; set; } = true;

    public int WorkerCount { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Days a failed job is kept (its state, arguments and exception) before it is deleted.</summary>
    public int FailedRetentionDays { get; set; } = 7;

    /// <summary>
    /// How often an idle worker asks the queue for a job (PostgreSQL and SQLite storage); unset, the storage's own
    /// default (15 s).
    /// </summary>
    public int? QueuePollSeconds { get; set; }

    /// <summary>
    /// Serve Hangfire's dashboard at /hangfire, read-only, to admin keys. Off by default: the dashboard lists every
    /// funder's jobs (their ids, times and failures) and Hangfire has no notion of a funder, so one funder's admin
    /// would see, and before it was read-only could requeue or delete, another's. Turn it on only where one funder
    /// uses the installation.
    /// </summary>
    public bool Dashboard { get; set; }
}

/// <summary>
/// Hangfire storage follows the database provider (DESIGN "Storage"). The storage is an ordinary singleton of
/// this app rather than Hangfire's static JobStorage.Current, so two apps in one process (tests) never share it.
/// Jobs take ids only and are idempotent: the truth lives in FundAudit's own tables.
/// </summary>
internal static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddFundAuditJobs(
        this IServiceCollection services,
        IConfiguration configuration,
        bool runServer = true
    )
    {
        var options = configuration.Bound<JobsOptions>(JobsOptions.Section);
        services.AddSingleton(options);
        services.AddPerEngine<JobStorage>(
            sqlite: sp => SqliteStorage(DatabaseOptionsFor(sp), sp.GetRequiredService<JobsOptions>()),
            postgres: sp => PostgresStorage(DatabaseOptionsFor(sp), sp.GetRequiredService<JobsOptions>()),
            sqlServer: sp => SqlServerStorage(DatabaseOptionsFor(sp))
        );
        services.AddHangfire(
            (sp, c) =>
                c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                    .UseSimpleAssemblyNameTypeSerializer()
                    .UseRecommendedSerializerSettings()
                    .UseLogProvider(
                        new DisposalSafeLogProvider(
                            new Hangfire.AspNetCore.AspNetCoreLogProvider(sp.GetRequiredService<ILoggerFactory>())
                        )
                    )
        );
        services.AddRecurringJob<FailedJobCleanupJob>(
            FailedJobCleanupJob.RecurringId,
            j => j.RunAsync(CancellationToken.None),
            Cron.Hourly()
        );
        if (options.RunServer && runServer)
        {
            services.AddHangfireServer((sp, o) => o.WorkerCount = sp.GetRequiredService<JobsOptions>().WorkerCount);
        }

        return services;
    }

    public static WebApplication MapFundAuditJobsDashboard(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<JobsOptions>().Dashboard)
        {
            return app;
        }

        app.MapHangfireDashboard(
                "/hangfire",
                new DashboardOptions
                {
                    Authorization = [],
                    AsyncAuthorization = [],
                    DisplayStorageConnectionString = false,
                    IsReadOnlyFunc = _ => true,
                },
                app.Services.GetRequiredService<JobStorage>()
            )
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    private static DatabaseOptions DatabaseOptionsFor(IServiceProvider sp)
    {
        // Hangfire's log provider is process-wide: set this app's before the storage asks it for loggers.
        sp.GetRequiredService<IGlobalConfiguration>();
        return sp.GetRequiredService<DatabaseOptions>();
    }

    private static JobStorage SqliteStorage(DatabaseOptions database, JobsOptions jobs)
    {
        // Hangfire.Storage.SQLite keeps its own file beside FundAudit's: one server process only (DESIGN).
        var main = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(main)) ?? ".";
        var path = Path.Combine(folder, Path.GetFileNameWithoutExtension(main) + ".hangfire.db");
        var options = new SQLiteStorageOptions();
        if (jobs.QueuePollSeconds is { } poll)
        {
            options.QueuePollInterval = TimeSpan.FromSeconds(Math.Max(1, poll));
        }

        return new SQLiteStorage(path, options);
    }

    private static JobStorage PostgresStorage(DatabaseOptions database, JobsOptions jobs)
    {
        var pg = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
        };
        if (jobs.QueuePollSeconds is { } poll)
        {
            pg.QueuePollInterval = TimeSpan.FromSeconds(Math.Max(1, poll));
        }

        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString!, pg), pg);
    }

    private static JobStorage SqlServerStorage(DatabaseOptions database) =>
        new SqlServerStorage(
            database.ConnectionString,
            new SqlServerStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
                QueuePollInterval = TimeSpan.Zero,
                UseRecommendedIsolationLevel = true,
                DisableGlobalLocks = true,
            }
        );
}

/// <summary>
/// Hangfire keeps one static log provider per process. When several apps share a process (the tests) and one is
/// disposed, its logger factory throws; a logger asked for then is a silent one instead of a crash.
/// </summary>
internal sealed class DisposalSafeLogProvider(Hangfire.Logging.ILogProvider inner) : Hangfire.Logging.ILogProvider
{
    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try
        {
            return inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return new Silent();
        }
    }

    private sealed class Silent : Hangfire.Logging.ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) =>
            false;
    }
}

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// <c>Database:Provider</c> (sqlite | postgres | sqlserver) and <c>Database:ConnectionString</c>.
/// With neither set, SQLite in <c>./data/fundaudit.db</c> under the working directory.
/// </summary>
internal sealed class DatabaseOptions
{
    public const string Section = "Database";

    public string Provider { get; set; } = "sqlite";

    public string? ConnectionString { get; set; }

    /// <summary>SQLite only: milliseconds a writer waits for the lock before SQLITE_BUSY.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>Whether to apply migrations at start-up (the default; a multi-instance deployment may run them once out
    /// of band).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// SQLite only: the file of the rapid-response data (funds, requests and everything the defenders' and officers'
    /// paths write), so that a portfolio import holding the main file's write lock never blocks them. Default:
    /// <c>&lt;main file name&gt;-rapid-response.db</c> beside the main file. Ignored on PostgreSQL and SQL Server,
    /// where the rapid-response tables live in the one database.
    /// </summary>
    public string? RapidResponseFile { get; set; }

    /// <summary>
    /// SQLite only: the page size of a new main database file, set before its first table (an existing file keeps its
    /// own; README "Performance" says how to change it). A grant's row is about 2.3 kB, so 4 KiB pages (SQLite's
    /// default) hold one each and stay half empty; 16 KiB pages hold seven. The rapid-response file keeps the default.
    /// </summary>
    public int SqlitePageSize { get; set; } = 16384;

    /// <summary>Seconds a client is told to wait (<c>Retry-After</c> of a 503) when the database is busy.</summary>
    public int BusyRetryAfterSeconds { get; set; } = 60;

    /// <summary>
    /// The connection string of the rapid-response data: on SQLite its own file (set at registration from
    /// <see cref="RapidResponseFile"/>), elsewhere <see cref="ConnectionString"/>.
    /// </summary>
    public string? RapidResponseConnectionString { get; set; }
}

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

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
}

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

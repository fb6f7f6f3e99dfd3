namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// Apps that several test classes share, one per collection: three on SQLite, three on PostgreSQL, so that fewer
/// apps are started (a host, its database copied from the migrated template, its services and endpoints). A class
/// shares an app only if it does not move the clock, derive an app with other settings, run the jobs that go over
/// every funder, or change what every funder sees (single sign-on on the sign-in page);
/// <see cref="Platform.SharedAppsTests"/> holds them to that. Each class works in funders of its own, so what one
/// writes is not what the next reads, and the classes of one collection run one after another.
/// </summary>
public static class SharedApps
{
    public const string Sqlite1 = "shared SQLite app 1";
    public const string Sqlite2 = "shared SQLite app 2";
    public const string Sqlite3 = "shared SQLite app 3";
    public const string Postgres1 = "shared PostgreSQL app 1";
    public const string Postgres2 = "shared PostgreSQL app 2";
    public const string Postgres3 = "shared PostgreSQL app 3";

    /// <summary>Every shared collection's name.</summary>
    public static IReadOnlyList<string> Names { get; } = [Sqlite1, Sqlite2, Sqlite3, Postgres1, Postgres2, Postgres3];
}

[CollectionDefinition(SharedApps.Sqlite1)]
public sealed class SharedSqliteApp1 : ICollectionFixture<SqliteApp>;

[CollectionDefinition(SharedApps.Sqlite2)]
public sealed class SharedSqliteApp2 : ICollectionFixture<SqliteApp>;

[CollectionDefinition(SharedApps.Sqlite3)]
public sealed class SharedSqliteApp3 : ICollectionFixture<SqliteApp>;

[CollectionDefinition(SharedApps.Postgres1)]
public sealed class SharedPostgresApp1 : ICollectionFixture<PostgresApp>;

[CollectionDefinition(SharedApps.Postgres2)]
public sealed class SharedPostgresApp2 : ICollectionFixture<PostgresApp>;

[CollectionDefinition(SharedApps.Postgres3)]
public sealed class SharedPostgresApp3 : ICollectionFixture<PostgresApp>;

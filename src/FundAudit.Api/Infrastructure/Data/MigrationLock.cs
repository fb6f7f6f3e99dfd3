using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// The lock every instance takes around its migration run, so that any number of instances can start together: the
/// first runs the scripts, the others wait, then find every script in the journal and run none. PostgreSQL: a
/// session advisory lock (<see cref="PostgresKey"/>) on a connection of its own; SQL Server: <c>sp_getapplock</c>
/// (Exclusive, Session) on a connection of its own; SQLite: an exclusive lock (<c>flock</c>) on a file beside the
/// database, <c>&lt;database&gt;.migrate.lock</c>. Each is released when its connection or file closes, or when the
/// process dies.
/// </summary>
internal sealed class MigrationLock : IDisposable
{
    /// <summary>The advisory lock key of migrations on PostgreSQL ("FAMIGRAT" in ASCII).</summary>
    public const long PostgresKey = 0x46414D4947524154;

    /// <summary>The application lock resource of migrations on SQL Server.</summary>
    public const string SqlServerResource = "fundaudit.migrations";

    /// <summary>How long a starting instance waits for another's migration run before it gives up.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromMinutes(10);

    private readonly IDisposable _held;

    private MigrationLock(IDisposable held) => _held = held;

    /// <summary>Waits for and takes the migration lock of the database named by <paramref name="connectionString"/>.
    /// </summary>
    public static MigrationLock Take(DatabaseProvider provider, string connectionString) =>
        new(
            provider switch
            {
                DatabaseProvider.Postgres => TakePostgres(connectionString),
                DatabaseProvider.SqlServer => TakeSqlServer(connectionString),
                _ => TakeSqliteFile(connectionString),
            }
        );

    public void Dispose() => _held.Dispose();

    private static NpgsqlConnection TakePostgres(string connectionString)
    {
        // Not pooled: closing the connection ends the session, which releases the lock whatever happened.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        return Opened(new NpgsqlConnection(builder.ConnectionString), connection =>
        {
            using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@Key)", connection);
            command.Parameters.AddWithValue("Key", PostgresKey);
            command.CommandTimeout = (int)Wait.TotalSeconds;
            command.ExecuteNonQuery();
        });
    }

    private static SqlConnection TakeSqlServer(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString) { Pooling = false };
        return Opened(new SqlConnection(builder.ConnectionString), connection =>
        {
            using var command = new SqlCommand("sp_getapplock", connection)
            {
                CommandType = CommandType.StoredProcedure,
                CommandTimeout = (int)Wait.TotalSeconds + 30,
            };
            command.Parameters.AddWithValue("@Resource", SqlServerResource);
            command.Parameters.AddWithValue("@LockMode", "Exclusive");
            command.Parameters.AddWithValue("@LockOwner", "Session");
            command.Parameters.AddWithValue("@LockTimeout", (int)Wait.TotalMilliseconds);
            var result = command.Parameters.Add("@Result", SqlDbType.Int);
            result.Direction = ParameterDirection.ReturnValue;
            command.ExecuteNonQuery();
            if ((int)result.Value < 0)
            {
                throw new InvalidOperationException(
                    $"The migration lock was not granted (sp_getapplock {result.Value})."
                );
            }
        });
    }

    /// <summary>Opens <paramref name="connection"/> and takes the lock on it with <paramref name="take"/>; when either
    /// fails, the connection is disposed (so a half-taken lock is never held) and the error goes on.</summary>
    private static T Opened<T>(T connection, Action<T> take)
        where T : DbConnection
    {
        try
        {
            connection.Open();
            take(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static FileStream TakeSqliteFile(string connectionString)
    {
        // FileShare.None takes flock(LOCK_EX) on Unix and a share lock on Windows: another process (or another
        // migrator in this one) cannot open the file until this stream closes; the kernel drops it with the process.
        var database = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        var path = database + ".migrate.lock";
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}

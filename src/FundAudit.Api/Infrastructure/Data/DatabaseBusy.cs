using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Whether an exception (or one it wraps) says the database is busy rather than broken: the same request can succeed
/// a little later, so the answer is 503 with Retry-After (see <see cref="ProblemExceptionHandler"/>), never 500.
/// </summary>
internal static class DatabaseBusy
{
    public static bool Is(Exception? exception) => ExceptionChain.Any(exception, IsBusy);

    private static bool IsBusy(Exception e) =>
        e switch
        {
            // SQLITE_BUSY (another connection holds the write lock past busy_timeout), SQLITE_LOCKED.
            SqliteException { SqliteErrorCode: 5 or 6 } => true,

            // lock_not_available (lock_timeout), deadlock_detected, serialization_failure, too_many_connections (the
            // server's max_connections reached by the instances' pools together).
            PostgresException { SqlState: "55P03" or "40P01" or "40001" or "53300" } => true,

            // Npgsql: the connection pool exhausted, or a connect or command timeout.
            NpgsqlException { InnerException: TimeoutException } => true,

            // SQL Server: deadlock victim, lock request timeout, client timeout.
            SqlException { Number: 1205 or 1222 or -2 } => true,

            // SqlClient's pool exhaustion ("Timeout expired… all pooled connections were in use and max pool size").
            InvalidOperationException { Source: "Core Microsoft SqlClient Data Provider" } io
                when io.Message.Contains("max pool size", StringComparison.OrdinalIgnoreCase) => true,
            // Two reads of one answer disagreed because of a write between them (a retry reads them again).
            ReadChangedException => true,
            _ => false,
        };
}

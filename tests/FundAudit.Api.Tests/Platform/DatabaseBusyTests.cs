using FundAudit.Api.Infrastructure.Data;
using Npgsql;

namespace FundAudit.Api.Tests.Platform;

/// <summary>Which PostgreSQL errors mean "busy, try again" (503 with Retry-After) and which are failures (500).</summary>
public sealed class DatabaseBusyTests
{
    [Theory]
    [InlineData("55P03", true)] // lock_not_available
    [InlineData("40P01", true)] // deadlock_detected
    [InlineData("40001", true)] // serialization_failure
    [InlineData("53300", true)] // too_many_connections: the server's max_connections reached
    [InlineData("23505", false)] // unique_violation: a bug or a conflict, not load
    [InlineData("42P01", false)] // undefined_table
    public void A_postgres_error_is_busy_only_when_the_same_request_can_succeed_later(string sqlState, bool busy)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);
        Assert.Equal(busy, DatabaseBusy.Is(error));
        Assert.Equal(busy, DatabaseBusy.Is(new InvalidOperationException("wrapped", error)));
    }
}

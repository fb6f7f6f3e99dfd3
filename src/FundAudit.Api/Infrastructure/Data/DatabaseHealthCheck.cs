using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>/health/ready: the database answers a trivial query, and so does the rapid-response data (on SQLite its
/// own file; elsewhere the same database).</summary>
internal sealed class DatabaseHealthCheck(Db db, RapidResponseDb rapid) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        try
        {
            foreach (var database in new[] { db, rapid })
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await connection.ExecuteScalarAsync<int>(
                    new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)
                );
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database did not answer.");
        }
    }
}

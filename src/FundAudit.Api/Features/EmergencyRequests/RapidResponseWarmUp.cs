using Microsoft.AspNetCore.DataProtection;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>
/// At start, creates what the defenders' path would otherwise create in the main database on first use: the case-code
/// HMAC key (service_secrets) and a Data Protection key. On SQLite those are writes to the main file, which a portfolio
/// import may hold; made here, before any import can run, the first form after an installation never waits on one.
/// Best effort: a failure (a busy database, a secret the key ring cannot read) only leaves them to first use.
/// </summary>
internal sealed class RapidResponseWarmUp(
    CaseCodeHasher hasher,
    IDataProtectionProvider protection,
    ILogger<RapidResponseWarmUp> logger
) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await hasher.WarmUpAsync(cancellationToken);
            protection.CreateProtector("FundAudit.RapidResponseWarmUp.v1").Protect([1]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // As before this warm-up: the first form meets the same condition (and answers 503 when it is a busy
            // database). Never a reason not to start.
            logger.LogWarning(
                "Could not prepare the case-code key at start ({Error}); it is read or made on first use.",
                ex.GetType().Name
            );
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Hangfire;

namespace FundAudit.Api.Infrastructure.Security;

/// <summary>
/// Every day (no arguments): re-protects every stored value that is not under the current Data Protection key, so that
/// after Data Protection's own key roll-over (every 90 days) or a <c>keyring rotate</c> the older keys hold nothing and
/// can be revoked. Idempotent: a second run finds nothing to do.
/// </summary>
internal sealed class KeyRotationJob(KeyRotation rotation)
{
    public const string RecurringId = "keyring-reprotect";

    /// <summary>Runs one pass; answers the number of values re-protected.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct) => (await rotation.ReprotectAsync(ct)).Reprotected;
}

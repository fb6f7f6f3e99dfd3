namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// One answer read the database twice (on two connections, so in two snapshots) and a write in between made the
/// reads disagree: a median report's grants hold a (currency, day) that its sums, read first, did not price. The
/// caller may read again; if it still disagrees, <see cref="DatabaseBusy"/> makes it a 503 with Retry-After, as for
/// any other busy database, never a 500.
/// </summary>
internal sealed class ReadChangedException(string message) : Exception(message);

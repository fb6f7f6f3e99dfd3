namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// A seam for tests to stop an import part-way, as a crash or a kill would. The registered default does nothing;
/// tests pass their own to the job to prove that a stopped import leaves the portfolio as it was.
/// </summary>
internal interface IImportFaultInjector
{
    /// <summary>Called after each batch of valid rows is staged (<paramref name="batches"/> so far).</summary>
    void AfterBatch(long importId, int batches);

    /// <summary>Called inside the load transaction, after the merge and before the commit.</summary>
    void BeforeCommit(long importId);
}

internal sealed class NoImportFaults : IImportFaultInjector
{
    public void AfterBatch(long importId, int batches) { }

    public void BeforeCommit(long importId) { }
}

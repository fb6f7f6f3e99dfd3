using FundAudit.Api.Features.GrantIngest.Imports;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>An import failure point for tests: after a given batch, or just before the commit.</summary>
internal sealed class ImportFaults(Action<int>? afterBatch = null, Action? beforeCommit = null) : IImportFaultInjector
{
    public void AfterBatch(long importId, int batches) => afterBatch?.Invoke(batches);

    public void BeforeCommit(long importId) => beforeCommit?.Invoke();
}

internal static class ImportJobs
{
    /// <summary>The app's <see cref="GrantImportJob"/> with test settings (small batches) and, optionally, a failure point.</summary>
    public static GrantImportJob Create(
        IServiceProvider services,
        GrantImportOptions options,
        ImportFaults? faults = null
    ) => ActivatorUtilities.CreateInstance<GrantImportJob>(services, faults ?? new ImportFaults(), options);
}

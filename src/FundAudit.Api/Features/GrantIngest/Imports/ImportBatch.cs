using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Rows cut by the reader (<see cref="GrantImportPipeline"/>), with the row errors read meanwhile, the progress as of
/// its last row, and the mapping of its rows while it runs on the thread pool.
/// </summary>
internal sealed class ImportBatch(int capacity)
{
    /// <summary>Valid rows to store, in file order.</summary>
    public List<CsvRow> Rows { get; } = new(capacity);

    public List<ImportRowError> Errors { get; } = [];

    public ImportProgressCounts? Progress { get; set; }

    /// <summary>
    /// Whether <see cref="Progress"/> is due to be stored (every <see cref="GrantImportOptions.ProgressEveryRows"/>).
    /// </summary>
    public bool WriteProgress { get; set; }

    /// <summary>The mapping of <see cref="Rows"/>; null when the batch has none.</summary>
    public Task<MappedRows>? Mapped { get; set; }
}

/// <summary>
/// A batch's rows as the load writes them (<see cref="GrantStore.WriteColumns"/>): grants new to the funder, grants
/// that may change stored ones, the count of rows left out because their grant is stored unchanged, and, where the
/// engine's load asks for it, what the new grants add to the day totals.
/// </summary>
internal sealed class MappedRows(int capacity, bool sumDayTotals)
{
    public List<object?[]> New { get; } = new(capacity);

    public List<object?[]> Changed { get; } = [];

    public long Unchanged { get; set; }

    /// <summary>The new grants' day totals, or null when the engine's triggers keep them.</summary>
    public NewGrantDayTotals? DayTotals { get; } = sumDayTotals ? new() : null;
}

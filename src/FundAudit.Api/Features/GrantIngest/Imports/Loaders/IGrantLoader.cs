namespace FundAudit.Api.Features.GrantIngest.Imports.Loaders;

/// <summary>
/// Writes an import's grants with the engine's bulk path; one implementation per engine, each deciding where the row
/// errors, the progress and the day totals of its loads go (<see cref="SqliteGrantLoader"/>,
/// <see cref="PostgresGrantLoader"/>, <see cref="SqlServerGrantLoader"/>). The job calls every load the same way:
/// <see cref="BeginAsync"/>, <see cref="IGrantLoad.WriteAsync"/> for each batch, then
/// <see cref="IGrantLoad.CompleteAsync"/>.
/// </summary>
internal interface IGrantLoader
{
    /// <summary>Opens one run's load: its connection, the engine's bulk upsert, the funder's stored hashes.</summary>
    Task<IGrantLoad> BeginAsync(GrantImportRun run, CancellationToken ct);

    /// <summary>
    /// The heartbeat of a claimed run (every <see cref="GrantImportOptions.HeartbeatSeconds"/>, from the claim to the
    /// end): stored at once where other connections can write meanwhile, kept in memory on SQLite.
    /// </summary>
    Task BeatAsync(long importId, string token, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// One run's load. All or nothing: the grants of every batch and the import's outcome commit together in
/// <see cref="CompleteAsync"/>, and disposing a load that did not complete stores none of them.
/// </summary>
internal interface IGrantLoad : IAsyncDisposable
{
    /// <summary>
    /// The funder's grants as the load found them: the mapping skips unchanged rows and tells new from changed.
    /// </summary>
    StoredHashes Stored { get; }

    /// <summary>
    /// An empty batch for the mapping to fill; it sums new grants' day totals where this engine needs them.
    /// </summary>
    MappedRows NewBatch(int capacity);

    /// <summary>
    /// Writes one batch in file order: its mapped grants (<paramref name="rows"/>, null when the batch had none), the
    /// row errors read meanwhile, and <paramref name="progress"/> when it is due (null otherwise).
    /// </summary>
    Task WriteAsync(
        MappedRows? rows,
        IReadOnlyList<ImportRowError> errors,
        ImportProgressCounts? progress,
        CancellationToken ct
    );

    /// <summary>
    /// Merges what was staged and ends the run with <paramref name="outcome"/> (a succeeded outcome gets what the load
    /// stored as its result), all in one transaction. Not finished when another run took the import over meanwhile:
    /// then nothing of this run is stored.
    /// </summary>
    Task<LoadCompletion> CompleteAsync(ImportOutcome outcome, CancellationToken ct);
}

/// <summary>How a load ended, for the job's log.</summary>
/// <param name="Finished">False when another run held the import: this one rolled back.</param>
/// <param name="Result">What the load stored (created, updated, unchanged).</param>
/// <param name="DayTotalGroups">Day-total groups the load added at the end itself (the rest went on the way).</param>
/// <param name="DayTotalsTime">How long adding those took.</param>
internal sealed record LoadCompletion(
    bool Finished,
    ImportResultCounts Result,
    int DayTotalGroups,
    TimeSpan DayTotalsTime
);

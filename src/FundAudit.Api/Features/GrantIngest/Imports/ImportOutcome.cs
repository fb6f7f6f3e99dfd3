using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>What a run stored: grants created, updated, and left alone because nothing changed.</summary>
internal sealed record ImportResultCounts(long Created, long Updated, long Unchanged);

/// <summary>
/// How a run ends, as <see cref="GrantImportStore.FinishAsync"/> writes it to the import row: succeeded (with what
/// it stored, <see cref="Result"/>) or refused (with the <see cref="Problems"/> that say why), the counts of the rows
/// read, and the warnings kept (<see cref="WarningCount"/> counts them all).
/// </summary>
internal sealed record ImportOutcome(
    string Status,
    ImportProgressCounts Counts,
    IReadOnlyList<ImportProblem> Problems,
    IReadOnlyList<ImportProblem> Warnings,
    long WarningCount,
    bool ErrorsTruncated
)
{
    /// <summary>What was stored; null for a refusal.</summary>
    public ImportResultCounts? Result { get; init; }

    public bool Succeeded => Status == ImportStatus.Succeeded;

    /// <summary>A file refused before any row was read: nothing counted but the data rows pass 1 found.</summary>
    public static ImportOutcome RefusedFile(long? dataRows, params IReadOnlyList<CsvFileProblem> problems) =>
        new(
            ImportStatus.Refused,
            new ImportProgressCounts(dataRows, 0, 0, 0, 0, 0),
            problems.Select(Problem).ToList(),
            [],
            0,
            false
        );

    /// <summary>The stored form of a problem the CSV reader found with the file.</summary>
    public static ImportProblem Problem(CsvFileProblem p) => new(p.Code, p.Message, p.Column, p.Row, p.Text);
}

/// <summary>The run of an import that a job has claimed: every write of the run names its token.</summary>
/// <param name="ImportId">The import (grant_imports.id).</param>
/// <param name="FunderId">Its funder, which owns every row the run writes.</param>
/// <param name="Token">The run token of the claim.</param>
/// <param name="DayTotalsPerFlush">See <see cref="GrantImportOptions.DayTotalsPerFlush"/>.</param>
/// <param name="Faults">The failure points tests put in (nothing in production).</param>
internal sealed record GrantImportRun(
    long ImportId,
    long FunderId,
    string Token,
    int DayTotalsPerFlush,
    IImportFaultInjector Faults
);

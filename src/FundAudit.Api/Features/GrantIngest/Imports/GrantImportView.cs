namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>An import as the API shows it.</summary>
/// <param name="Status">queued; waiting (for the funder's previous import to finish: one funder's imports take turns);
/// running; interrupted (its worker stopped beating: retry it); succeeded, failed or refused.</param>
/// <param name="SameFileAs">An earlier succeeded import of the same file (same SHA-256 and date format) by this funder:
/// importing it again changes nothing.</param>
/// <param name="Result">What the load did, once succeeded.</param>
/// <param name="Problems">Why the file was refused, or why the run failed.</param>
/// <param name="Warnings">File warnings and the first row warnings (such as superseded duplicate identifiers); <see
/// cref="WarningCount"/> counts all.</param>
/// <param name="Id">The import's id.</param>
/// <param name="FileName">The uploaded file's name, made safe.</param>
/// <param name="FileBytes">The file's size in bytes.</param>
/// <param name="FileSha256">The SHA-256 of the file, hex.</param>
/// <param name="DateFormat">The date order the uploader named (DD/MM/YYYY or MM/DD/YYYY); null to detect it.</param>
/// <param name="Progress">How far the run is.</param>
/// <param name="WarningCount">Row warnings in all.</param>
/// <param name="ErrorsTruncated">More row errors were found than are stored and listed.</param>
/// <param name="CreatedAt">When the file was uploaded.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="FinishedAt">When the run finished.</param>
internal sealed record GrantImportView(
    long Id,
    string Status,
    string FileName,
    long FileBytes,
    string FileSha256,
    string? DateFormat,
    long? SameFileAs,
    GrantImportProgress Progress,
    GrantImportResult? Result,
    IReadOnlyList<ImportProblem> Problems,
    IReadOnlyList<ImportProblem> Warnings,
    long WarningCount,
    bool ErrorsTruncated,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt
)
{
    public static GrantImportView Of(GrantImportRow r) =>
        new(
            r.Id,
            r.Status,
            r.FileName,
            r.FileBytes,
            r.FileSha256,
            r.DateFormat,
            r.SameFileAs,
            new GrantImportProgress(
                r.DataRows,
                r.RowsRead,
                r.RowsAccepted,
                r.RowsRejected,
                r.RowsSuperseded,
                r.Status is ImportStatus.Succeeded or ImportStatus.Refused ? 100
                    : r.FileBytes == 0 ? 0
                    : (int)Math.Min(99, r.BytesRead * 100 / r.FileBytes)
            ),
            r.Status == ImportStatus.Succeeded
                ? new GrantImportResult(r.CreatedCount ?? 0, r.UpdatedCount ?? 0, r.UnchangedCount ?? 0)
                : null,
            GrantImportStore.ReadProblems(r.ProblemsJson),
            GrantImportStore.ReadProblems(r.WarningsJson),
            r.WarningCount,
            r.ErrorsTruncated,
            r.CreatedAt,
            r.StartedAt,
            r.FinishedAt
        );
}

/// <param name="DataRows">Data rows in the file (known once the file has been checked).</param>
/// <param name="RowsAccepted">Rows without errors (a row superseded by a later row with its identifier counts here and
/// in <paramref name="RowsSuperseded"/>).</param>
/// <param name="RowsRejected">Rows with errors, listed by GET …/errors.</param>
/// <param name="Percent">Share of the file's bytes read.</param>
/// <param name="RowsRead">Rows read so far.</param>
/// <param name="RowsSuperseded">Rows replaced by a later row of the file with the same identifier.</param>
internal sealed record GrantImportProgress(
    long? DataRows,
    long RowsRead,
    long RowsAccepted,
    long RowsRejected,
    long RowsSuperseded,
    int Percent
);

internal sealed record GrantImportResult(long Created, long Updated, long Unchanged);

internal static class GrantImportProblems
{
    public static ProblemHttpResult NotFound() =>
        ProblemText.Problem(StatusCodes.Status404NotFound, "Title_ImportNotFound", "Use_ImportNotFound");
}

using Hangfire;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// POST /api/grants/imports/{id}/retry: queues a failed or interrupted import of the caller's funder again and
/// enqueues its job; 202 with the import. The new run starts over from the stored upload, all or nothing as always.
/// 409 when the import is not failed or interrupted (it runs, waits, is queued, or has ended for good) or its upload
/// is no longer stored; 404 for another funder's import.
/// </summary>
internal static class RetryGrantImport
{
    public const string NotRetryableCode = "not_retryable";

    public static async Task<Results<Accepted<GrantImportView>, ProblemHttpResult>> HandleAsync(
        long id,
        ClaimsPrincipal user,
        [FromServices] GrantImportStore store,
        [FromServices] IImportUploadStore uploads,
        [FromServices] IBackgroundJobClient jobs,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var import = await store.FindAsync(funderId, id, ct);
        if (import is null)
        {
            return GrantImportProblems.NotFound();
        }

        if (import.Status is not (ImportStatus.Failed or ImportStatus.Interrupted))
        {
            return NotRetryable(
                ProblemText.T("Use_ImportNotRetryable", id, import.Status)
                    + (
                        import.Status is ImportStatus.Succeeded or ImportStatus.Refused
                            ? " " + ProblemText.T("Use_ImportUploadAgain")
                            : ""
                    )
            );
        }

        if (!await uploads.ExistsAsync(import, ct))
        {
            return NotRetryable(ProblemText.T("Use_ImportFileGone", id));
        }

        if (!await store.RequeueAsync(funderId, id, ct))
        {
            return NotRetryable(ProblemText.T("Use_ImportChanged", id));
        }

        jobs.Enqueue<GrantImportJob>(j => j.RunAsync(id, CancellationToken.None));
        var queued = await store.FindAsync(funderId, id, ct);
        return TypedResults.Accepted($"/api/grants/imports/{id}", GrantImportView.Of(queued!));
    }

    private static ProblemHttpResult NotRetryable(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: ProblemText.T("Title_ImportNotRetryable"),
            detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = NotRetryableCode }
        );
}

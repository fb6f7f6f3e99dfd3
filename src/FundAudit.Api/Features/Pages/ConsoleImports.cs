using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

internal sealed record ImportListData(
    IReadOnlyList<GrantImportView> Items,
    long? Next,
    UploadProblem? UploadProblem = null,
    string? DateFormat = null
);

/// <param name="Import">The import.</param>
/// <param name="Errors">Its rejected rows' errors.</param>
/// <param name="Quality">Its grants' data-quality summary, once it has succeeded.</param>
/// <param name="RefreshOff">The reader turned the page's self-refresh off (<c>?refresh=off</c>, WCAG 2.2.1).</param>
internal sealed record ImportPageData(
    GrantImportView Import,
    GetGrantImportErrors.Response Errors,
    ImportQualitySummary? Quality = null,
    bool RefreshOff = false
);

/// <summary>The console's imports: the funder's CSV imports with status, counts and warnings, and one import's rejected
/// rows.</summary>
internal static class ConsoleImports
{
    public const int PageSize = 50;

    public static Task<IResult> ListAsync(
        HttpContext http,
        long? before,
        ClaimsPrincipal user,
        [FromServices] GrantIngestUseCases grants,
        CancellationToken ct
    ) => ListPageAsync(http, before, user, grants, null, null, ct);

    /// <summary>The imports page; with an upload problem, the upload form again with the problem beside its field
    /// (400).</summary>
    public static async Task<IResult> ListPageAsync(
        HttpContext http,
        long? before,
        ClaimsPrincipal user,
        GrantIngestUseCases grants,
        UploadProblem? problem,
        string? dateFormat,
        CancellationToken ct,
        string? notice = null,
        int problemStatus = StatusCodes.Status400BadRequest
    )
    {
        var request = new ListGrantImports.Request(PageSize, before is > 0 ? before : null);
        var page = await grants.ListImportsAsync(request, user, ct);
        return ConsoleRender.Page<ConsoleImportsPage>(
            http,
            ConsoleText.T("Imports_Title"),
            "imports",
            new ImportListData(page.Items, page.Next, problem, dateFormat),
            notice,
            status: problem is null ? StatusCodes.Status200OK : problemStatus
        );
    }

    /// <summary>Whether an import is still in progress: queued, running or waiting.</summary>
    public static bool InProgress(GrantImportView import) =>
        import.Status is ImportStatus.Queued or ImportStatus.Running or ImportStatus.Waiting;

    /// <summary>
    /// The seconds after which an import's page reloads itself: every 3 s while the import is in progress, unless the
    /// reader turned it off with the page's "stop refreshing" link (WCAG 2.2.1, timing adjustable), which stands before
    /// the first reload.
    /// </summary>
    public static int? RefreshSeconds(ImportPageData page) => InProgress(page.Import) && !page.RefreshOff ? 3 : null;

    /// <summary>
    /// One import. The id is taken as text (no route constraint), so that any /app/imports/… address is a console page:
    /// the
    /// sign-in page for a caller without a session, the console's "not found" page for a signed-in one.
    /// </summary>
    public static async Task<IResult> ShowAsync(
        HttpContext http,
        string id,
        ClaimsPrincipal user,
        [FromServices] GrantIngestUseCases grants,
        [FromServices] Audit.Quality.QualityCalculator quality,
        CancellationToken ct
    ) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? await ShowAsync(http, number, user, grants, quality, ct)
            : NotFound(http);

    private static async Task<IResult> ShowAsync(
        HttpContext http,
        long id,
        ClaimsPrincipal user,
        [FromServices] GrantIngestUseCases grants,
        [FromServices] Audit.Quality.QualityCalculator quality,
        CancellationToken ct
    )
    {
        if (
            (await grants.GetImportAsync(id, user, ct)).Result is not Ok<GrantImportView> { Value: { } import }
            || (await grants.GetImportErrorsAsync(id, "json", http, user, ct)).Result
                is not Ok<GetGrantImportErrors.Response> { Value: { } errors }
        )
        {
            return NotFound(http);
        }

        return ConsoleRender.Page<ConsoleImportPage>(
            http,
            ConsoleText.T("Import_Title", id),
            "imports",
            new ImportPageData(
                import,
                errors,
                await ConsoleImportQuality.SummaryAsync(import, user, quality, grants, ct),
                RefreshOff: http.Request.Query["refresh"] == "off"
            )
        );
    }

    /// <summary>
    /// The retry button of a failed or interrupted import (administrators and analysts): queues it again and shows
    /// the import; a refusal (not retryable, file gone) is shown as the API words it.
    /// </summary>
    public static async Task<IResult> RetryAsync(
        HttpContext http,
        string id,
        ClaimsPrincipal user,
        [FromServices] GrantIngestUseCases grants,
        CancellationToken ct
    )
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return NotFound(http);
        }

        return (await grants.RetryImportAsync(number, user, ct)).Result switch
        {
            ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound } => NotFound(http),
            ProblemHttpResult problem => ConsoleRender.Message(
                http,
                problem.ProblemDetails.Title ?? ConsoleText.T("Import_NotRetried"),
                problem.ProblemDetails.Detail ?? "",
                problem.StatusCode
            ),
            _ => ConsoleAccount.SeeOther("/app/imports/" + number.ToString(CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>Whether the console shows the retry button: a failed or interrupted import, to an administrator or an
    /// analyst.</summary>
    public static bool CanRetry(GrantImportView import, ConsoleChrome chrome) =>
        import.Status is ImportStatus.Failed or ImportStatus.Interrupted && chrome.Role is Roles.Admin or Roles.Analyst;

    private static IResult NotFound(HttpContext http) =>
        ConsoleRender.Message(
            http,
            ConsoleText.T("NotFound_Title"),
            ConsoleText.T("Import_NotFound"),
            StatusCodes.Status404NotFound
        );

    /// <summary>An import's problem or warning in the page's language: its stored key (a file or row problem of the
    /// reader, <see cref="ImportProblem.Text"/>) or one of the job's own fixed texts (no valid row, a run that
    /// stopped), else as stored (English: stored before the key was kept).</summary>
    public static string Say(ImportProblem problem)
    {
        if (problem.Text is { } text)
        {
            return text.Text();
        }

        var key = problem.Code switch
        {
            "no_valid_rows" => "Import_NoValidRows",
            "import_failed" => "Import_Failed",
            _ => null,
        };
        return key is not null && problem.Message == ProblemText.Invariant(key) ? ProblemText.T(key) : problem.Message;
    }

    public static string When(DateTimeOffset? at) => at is { } instant ? ConsoleFormat.When(instant) : "—";

    public static string Count(long? n) => n is { } count ? ConsoleFormat.Count(count) : "—";

    /// <summary>"412 KB", "3.1 MB".</summary>
    public static string Size(long bytes) =>
        bytes >= 1024 * 1024
            ? ConsoleFormat.Number(bytes / 1048576m, "0.0") + " MB"
            : ConsoleFormat.Number(Math.Ceiling(bytes / 1024m), "0") + " KB";

    /// <summary>The badge class of a status: done is on track, refused and failed are breached, the rest at
    /// risk.</summary>
    public static string Badge(string status) =>
        status switch
        {
            ImportStatus.Succeeded => "on_track",
            ImportStatus.Refused or ImportStatus.Failed or ImportStatus.Interrupted => "breached",
            _ => "at_risk",
        };
}

using FundAudit.Api.Features.GrantIngest.Csv;
using Hangfire;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// POST /api/grants/imports: stores an uploaded CSV, XLSX workbook or 360Giving JSON package (raw text/csv, XLSX or
/// application/json body, or the file part of multipart/form-data), records the import as queued and enqueues
/// <see cref="GrantImportJob"/>; 202 with Location of the import. The job tells a workbook (unless named
/// <c>.csv</c>) and a JSON package from a CSV by their bytes; a raw XLSX or JSON body without <c>fileName</c> is named
/// <c>upload.xlsx</c> or <c>upload.json</c>.
/// </summary>
internal static class UploadGrantImport
{
    private static readonly string[] UploadMediaTypes =
    [
        "text/csv",
        "application/csv",
        "application/vnd.ms-excel",
        Xlsx.GrantXlsxReader.MediaType,
        "application/json",
    ];

    public sealed record Request
    {
        /// <summary>How to read slash dates: DD/MM/YYYY or MM/DD/YYYY; left out, the file must decide.</summary>
        public string? DateFormat { get; init; }

        /// <summary>The file's name, for a raw body (multipart uploads carry their own).</summary>
        public string? FileName { get; init; }
    }

    public static async Task<Results<Accepted<GrantImportView>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Request request,
        HttpRequest http,
        ClaimsPrincipal user,
        [FromServices] GrantImportStore store,
        [FromServices] IImportUploadStore uploads,
        [FromServices] IBackgroundJobClient jobs,
        [FromServices] TimeProvider clock,
        [FromServices] GrantImportOptions options,
        CancellationToken ct
    )
    {
        if (!MediaTypeHeaderValue.TryParse(http.ContentType, out var contentType))
        {
            return UnsupportedMediaType();
        }

        Stream body;
        string? fileName;
        if (contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return BadUpload(ProblemText.T("Use_UploadNoBoundary"));
            }

            if (await FirstFilePartAsync(new MultipartReader(boundary, http.Body), ct) is not { } part)
            {
                return BadUpload(ProblemText.T("Use_UploadNoFile"));
            }

            (body, fileName) = part;
        }
        else if (UploadMediaTypes.Any(t => contentType.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase)))
        {
            body = http.Body;
            fileName = request.FileName ?? DefaultFileName(contentType);
        }
        else
        {
            return UnsupportedMediaType();
        }

        var stored = new ImportStorage(store, uploads, jobs, clock, options.MaxFileBytes);
        return await StoreAsync(body, fileName, request.DateFormat, user, stored, ct);
    }

    /// <summary>
    /// The upload itself, for the API and the console's upload form: stores the file's bytes (refused with 413 over
    /// the size limit), records the import as queued and enqueues its job. The date format is checked by the caller.
    /// </summary>
    public static async Task<Results<Accepted<GrantImportView>, ProblemHttpResult>> StoreAsync(
        Stream body,
        string? fileName,
        string? dateFormat,
        ClaimsPrincipal user,
        ImportStorage storage,
        CancellationToken ct
    )
    {
        var (store, uploads, jobs, clock, maxFileBytes) = storage;
        var saved = await uploads.SaveAsync(user.FunderId(), body, ct);
        if (saved is null)
        {
            return BodyLimits.TooLarge("File too large", "The file", maxFileBytes);
        }

        var now = clock.GetUtcNow();
        var format = dateFormat?.Trim().ToUpperInvariant() is { Length: > 0 } f ? f : null;
        var id = await store.CreateAsync(
            user.FunderId(),
            ImportFiles.SanitizeFileName(fileName),
            saved.StoredName,
            saved.Sha256,
            saved.Bytes,
            format,
            user.Actor(),
            now,
            ct
        );
        jobs.Enqueue<GrantImportJob>(j => j.RunAsync(id, CancellationToken.None));
        var import = await store.FindAsync(user.FunderId(), id, ct);
        return TypedResults.Accepted($"/api/grants/imports/{id}", GrantImportView.Of(import!));
    }

    /// <summary>A raw XLSX or JSON body without a file name is named <c>upload.xlsx</c> or <c>upload.json</c> (a CSV
    /// body's default name is <c>upload.csv</c>).</summary>
    private static string? DefaultFileName(MediaTypeHeaderValue contentType) =>
        contentType.MediaType.Equals(Xlsx.GrantXlsxReader.MediaType, StringComparison.OrdinalIgnoreCase) ? "upload.xlsx"
        : contentType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ? "upload.json"
        : null;

    /// <summary>
    /// The first file part of a multipart body (its stream and file name), or null when there is none.
    /// </summary>
    private static async Task<(Stream Body, string? FileName)?> FirstFilePartAsync(
        MultipartReader reader,
        CancellationToken ct
    )
    {
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (
                ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                && disposition.IsFileDisposition()
            )
            {
                return (section.Body, disposition.FileNameStar.Value ?? disposition.FileName.Value);
            }
        }

        return null;
    }

    private static ProblemHttpResult UnsupportedMediaType() =>
        ProblemText.Problem(
            StatusCodes.Status415UnsupportedMediaType,
            "Title_UnsupportedMediaType",
            "Use_UploadMediaType",
            Xlsx.GrantXlsxReader.MediaType
        );

    private static ProblemHttpResult BadUpload(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: ProblemText.T("Title_BadUpload"),
            detail: detail
        );

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.DateFormat)
                .Must(f => CsvImportOptions.TryReadDateOrder(f, out _))
                .When(r => !string.IsNullOrWhiteSpace(r.DateFormat))
                .WithText("Import_DateFormat", CsvImportOptions.DayFirst, CsvImportOptions.MonthFirst);
            RuleFor(r => r.FileName).AtMost(1000);
        }
    }
}

/// <summary>What storing an upload needs: the import records, the upload store, the job queue, the clock and the file
/// limit (<see cref="GrantImportOptions.MaxFileBytes"/>).</summary>
internal sealed record ImportStorage(
    GrantImportStore Store,
    IImportUploadStore Uploads,
    IBackgroundJobClient Jobs,
    TimeProvider Clock,
    long MaxFileBytes
);

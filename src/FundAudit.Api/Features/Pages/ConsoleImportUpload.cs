using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using Microsoft.Extensions.Localization;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The upload form of the console's imports page (administrators and analysts), posted as multipart/form-data: a CSV
/// or XLSX file is handed to the API's upload use case (stored upload, queued job), then a 303 to the import's page; a
/// 360Giving JSON package up to the API's JSON body limit (16 MiB) goes through POST /api/grants' use case and its
/// counts are shown, a larger one to the import job as a CSV does (read grant by grant, its bad grants listed as row
/// errors). Bad input shows the imports page again with the problem beside its field and stores nothing.
/// </summary>
internal static class ConsoleImportUpload
{
    /// <summary>The form's file field.</summary>
    public const string FileField = "file";

    /// <summary>The form's date-format field.</summary>
    public const string DateFormatField = "dateFormat";

    private static readonly string[] Extensions = [".csv", ".xlsx", ".json"];

    /// <summary>Whether the imports page shows the upload form: to an administrator or an analyst.</summary>
    public static bool CanUpload(ConsoleChrome chrome) => chrome.Role is Roles.Admin or Roles.Analyst;

    public static async Task<IResult> UploadAsync(
        HttpContext http,
        ClaimsPrincipal user,
        [FromServices] GrantIngestUseCases grants,
        [FromServices] GrantImportOptions options,
        [FromServices] UploadGrantPackage packages,
        [FromServices] IStringLocalizer<ConsoleText> text,
        CancellationToken ct
    )
    {
        var form = await http.Request.ReadFormAsync(ct);
        var dateFormat = form[DateFormatField].ToString().Trim();
        var file = form.Files.GetFile(FileField);
        var isPackage = IsPackage(file) && file!.Length <= packages.MaxBytes;
        var maxBytes = isPackage ? packages.MaxBytes : options.MaxFileBytes;
        if (Check(file, dateFormat, maxBytes, text) is { } problem)
        {
            var status =
                file?.Length > maxBytes ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
            return await ConsoleImports.ListPageAsync(http, null, user, grants, problem, dateFormat, ct, null, status);
        }

        await using var stream = file!.OpenReadStream();
        if (isPackage)
        {
            var upload = (stream, file.FileName, NullIfEmpty(dateFormat));
            return await ImportPackageAsync(http, upload, user, grants, packages, text, ct);
        }

        var fileName = Path.GetFileName(file.FileName);
        var result = (await grants.UploadImportAsync(stream, fileName, NullIfEmpty(dateFormat), user, ct)).Result;
        if (result is Accepted<GrantImportView> { Value: { } import })
        {
            return ConsoleAccount.SeeOther("/app/imports/" + import.Id.ToString(CultureInfo.InvariantCulture));
        }

        var refused = (ProblemHttpResult)result;
        var message =
            refused.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? text["Upload_TooLarge", ConsoleImports.Size(options.MaxFileBytes)]
                : text["Upload_Refused", refused.ProblemDetails.Detail ?? refused.ProblemDetails.Title ?? ""];
        var problemAt = new UploadProblem(FileField, message);
        return await ConsoleImports.ListPageAsync(http, null, user, grants, problemAt, dateFormat, ct, null, 400);
    }

    /// <summary>
    /// The upload form's answer to a body over the request limit, ahead of the antiforgery check (which reads the
    /// form): a declared Content-Length over the limit is never read, and a body cut off while it is read (chunked,
    /// or the multipart reader's limit) ends the same way: the imports page again, 413, with the limit in MB beside
    /// the file field, instead of problem+json. Nothing is stored.
    /// </summary>
    public static async ValueTask<object?> AnswerTooLargeAsync(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next
    )
    {
        var http = context.HttpContext;
        if (!BodyLimits.IsDeclaredTooLarge(http))
        {
            try
            {
                return await next(context);
            }
            catch (Exception e) when (BodyLimits.IsTooLarge(e) && !http.Response.HasStarted)
            {
                // Read no further: what remains of the body is the server's to drain or drop.
            }
        }

        var services = http.RequestServices;
        var options = services.GetRequiredService<GrantImportOptions>();
        var text = services.GetRequiredService<IStringLocalizer<ConsoleText>>();
        var problem = new UploadProblem(FileField, text["Upload_TooLarge", ConsoleImports.Size(options.MaxFileBytes)]);
        return await ConsoleImports.ListPageAsync(
            http,
            null,
            http.User,
            services.GetRequiredService<GrantIngestUseCases>(),
            problem,
            null,
            http.RequestAborted,
            null,
            StatusCodes.Status413PayloadTooLarge
        );
    }

    /// <summary>The first problem of the form, by field: no file, an empty one, another type, too large, a date
    /// format the API does not take.</summary>
    private static UploadProblem? Check(
        IFormFile? file,
        string dateFormat,
        long maxBytes,
        IStringLocalizer<ConsoleText> text
    )
    {
        if (file is null || string.IsNullOrWhiteSpace(file.FileName))
        {
            return new(FileField, text["Upload_NoFile"]);
        }

        if (file.Length == 0)
        {
            return new(FileField, text["Upload_Empty"]);
        }

        if (!Extensions.Contains(Path.GetExtension(file.FileName), StringComparer.OrdinalIgnoreCase))
        {
            return new(FileField, text["Upload_WrongType"]);
        }

        if (file.Length > maxBytes)
        {
            return new(FileField, text["Upload_TooLarge", ConsoleImports.Size(maxBytes)]);
        }

        return CsvImportOptions.TryReadDateOrder(dateFormat, out _)
            ? null
            : new(DateFormatField, text["Upload_BadDateFormat"]);
    }

    /// <summary>
    /// A 360Giving JSON package goes through POST /api/grants' use case: stored all together or not at all, its counts
    /// shown on the imports page; its problems (JSON paths) beside the file field.
    /// </summary>
    private static async Task<IResult> ImportPackageAsync(
        HttpContext http,
        (Stream Stream, string FileName, string? DateFormat) upload,
        ClaimsPrincipal user,
        GrantIngestUseCases grants,
        UploadGrantPackage packages,
        IStringLocalizer<ConsoleText> text,
        CancellationToken ct
    )
    {
        var outcome = await packages.ImportAsync(upload.Stream, upload.DateFormat, user, ct);
        if (outcome.Counts is not { } c)
        {
            var shown = string.Join("; ", outcome.Problems.Take(5));
            var more = outcome.Problems.Count > 5 ? $" (+{outcome.Problems.Count - 5})" : "";
            var problem = new UploadProblem(FileField, text["Upload_Refused", shown + more]);
            return await ConsoleImports.ListPageAsync(http, null, user, grants, problem, null, ct);
        }

        var notice = text[
            "Upload_PackageDone",
            Path.GetFileName(upload.FileName),
            c.Received,
            c.Created,
            c.Updated,
            c.Unchanged
        ];
        return await ConsoleImports.ListPageAsync(http, null, user, grants, null, null, ct, notice);
    }

    private static bool IsPackage(IFormFile? file) =>
        file is not null && Path.GetExtension(file.FileName).Equals(".json", StringComparison.OrdinalIgnoreCase);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>A problem of the upload form and the field it sits beside.</summary>
internal sealed record UploadProblem(string Field, string Message);

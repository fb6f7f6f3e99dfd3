using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using Microsoft.Extensions.Localization;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The upload form of the console's imports page (administrators and analysts): a CSV or XLSX file, posted as
/// multipart/form-data, handed to the API's upload use case (stored upload, queued job), then a 303 to the import's
/// page. Bad input shows the imports page again with the problem beside its field and stores nothing.
/// </summary>
internal static class ConsoleImportUpload
{
    /// <summary>The form's file field.</summary>
    public const string FileField = "file";

    /// <summary>The form's date-format field.</summary>
    public const string DateFormatField = "dateFormat";

    private static readonly string[] Extensions = [".csv", ".xlsx"];

    /// <summary>Whether the imports page shows the upload form: to an administrator or an analyst.</summary>
    public static bool CanUpload(ConsoleChrome chrome) => chrome.Role is Roles.Admin or Roles.Analyst;

    public static async Task<IResult> UploadAsync(
        HttpContext http,
        ClaimsPrincipal user,
        GrantIngestUseCases grants,
        GrantImportOptions options,
        IStringLocalizer<PageText> text,
        CancellationToken ct
    )
    {
        var form = await http.Request.ReadFormAsync(ct);
        var dateFormat = form[DateFormatField].ToString().Trim();
        var file = form.Files.GetFile(FileField);
        if (Check(file, dateFormat, options, text) is { } problem)
        {
            return await ConsoleImports.ListPageAsync(http, null, user, grants, problem, dateFormat, ct);
        }

        await using var stream = file!.OpenReadStream();
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
        return await ConsoleImports.ListPageAsync(http, null, user, grants, new(FileField, message), dateFormat, ct);
    }

    /// <summary>The first problem of the form, by field: no file, an empty one, another type, too large, a date
    /// format the API does not take.</summary>
    private static UploadProblem? Check(
        IFormFile? file,
        string dateFormat,
        GrantImportOptions options,
        IStringLocalizer<PageText> text
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

        if (file.Length > options.MaxFileBytes)
        {
            return new(FileField, text["Upload_TooLarge", ConsoleImports.Size(options.MaxFileBytes)]);
        }

        return dateFormat.ToUpperInvariant() is "" or CsvImportOptions.DayFirst or CsvImportOptions.MonthFirst
            ? null
            : new(DateFormatField, text["Upload_BadDateFormat"]);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>A problem of the upload form and the field it sits beside.</summary>
internal sealed record UploadProblem(string Field, string Message);

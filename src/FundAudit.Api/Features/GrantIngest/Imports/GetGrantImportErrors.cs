using System.Text;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// GET /api/grants/imports/{id}/errors: the rejected rows' errors (row, column, code, message), as JSON or, with
/// <c>Accept: text/csv</c> or <c>?format=csv</c>, as a spreadsheet-safe CSV. Messages never echo a cell's value.
/// </summary>
internal static class GetGrantImportErrors
{
    public sealed record Response(
        long ImportId,
        long RowsRejected,
        bool Truncated,
        IReadOnlyList<ImportRowError> Errors
    );

    public static async Task<Results<Ok<Response>, ContentHttpResult, ProblemHttpResult>> HandleAsync(
        long id,
        string? format,
        HttpContext http,
        ClaimsPrincipal user,
        [FromServices] GrantImportStore store,
        CancellationToken ct
    )
    {
        var wantsCsv = format?.Trim().ToLowerInvariant() switch
        {
            "csv" => true,
            "json" => false,
            null or "" => http
                .Request.GetTypedHeaders()
                .Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)),
            _ => (bool?)null,
        };
        if (wantsCsv is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Unknown format",
                detail: "format must be csv or json."
            );
        }

        var import = await store.FindAsync(user.FunderId(), id, ct);
        if (import is null)
        {
            return GrantImportProblems.NotFound();
        }

        var errors = await store.ErrorsAsync(user.FunderId(), id, ct);
        if (wantsCsv == false)
        {
            return TypedResults.Ok(new Response(id, import.RowsRejected, import.ErrorsTruncated, errors));
        }

        var csv = new StringBuilder("\uFEFF"); // a BOM, so spreadsheets read the file as UTF-8
        SpreadsheetCsv.AppendRow(csv, "row", "column", "code", "message");
        foreach (var e in errors)
        {
            SpreadsheetCsv.AppendRow(csv, e.Row.ToString(CultureInfo.InvariantCulture), e.Column, e.Code, e.Message);
        }

        http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{id}-errors.csv\"";
        return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
    }
}

/// <summary>GET /api/grants/imports/template: FundAudit's short CSV template with one example row.</summary>
internal static class GetGrantImportTemplate
{
    public static ContentHttpResult Handle(HttpContext http)
    {
        http.Response.Headers.ContentDisposition = "attachment; filename=\"fundaudit-grants-template.csv\"";
        return TypedResults.Text(Csv.GrantCsvReader.TemplateCsv, "text/csv; charset=utf-8", Encoding.UTF8);
    }
}

using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Xlsx;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// The rows of one stored upload as the import's pipeline reads them, inspected (pass 1). A 360Giving JSON package
/// (recognised by its bytes, whatever its name: <see cref="JsonPackageReader.LooksLikeJson"/>) is read grant by grant
/// (<see cref="JsonPackageImport"/>), each grant a row. A CSV is read as it is; an XLSX
/// workbook (recognised by its bytes, unless its name ends in <c>.csv</c>: a zip named so is refused as not a text
/// CSV) is first written as CSV to a temporary file that is deleted when this source is disposed, and its problems,
/// rows and errors are located in the workbook (<see cref="XlsxSheetMap"/>). Either way every column the import does
/// not read is named in a <c>column_kept_aside</c> warning.
/// </summary>
internal sealed class ImportSource : IAsyncDisposable
{
    private readonly FileStream? converted;

    /// <summary>A JSON package's plan, with the options it is read by; null for a CSV or XLSX upload.</summary>
    private readonly (JsonPackagePlan Plan, CsvImportOptions Options, JsonSerializerOptions Api)? package;

    private ImportSource(Stream rows, CsvInspection inspection, XlsxSheetMap? sheet, FileStream? converted)
    {
        Rows = rows;
        Inspection = inspection;
        Sheet = sheet;
        this.converted = converted;
    }

    private ImportSource(
        Stream rows,
        (JsonPackagePlan Plan, CsvImportOptions Options, JsonSerializerOptions Api) package
    )
    {
        Rows = rows;
        Inspection = null;
        this.package = package;
    }

    /// <summary>The CSV (or JSON package) to read rows from (pass 2).</summary>
    public Stream Rows { get; }

    /// <summary>Pass 1's answer for a CSV or XLSX upload; null for an accepted JSON package (its plan is its own).
    /// </summary>
    private CsvInspection? Inspection { get; }

    /// <summary>The outcome of an upload pass 1 refused (or with no data rows); null when pass 2 is to run.</summary>
    public ImportOutcome? Refusal() =>
        Inspection switch
        {
            CsvInspection.Refused refused => ImportOutcome.RefusedFile(null, refused.Problems),
            CsvInspection.Accepted plan when plan.NoDataRowsProblem() is { } noRows => ImportOutcome.RefusedFile(
                0,
                noRows
            ),
            _ => null,
        };

    /// <summary>The data rows (a JSON package's grants) pass 1 counted.</summary>
    public long DataRows => package?.Plan.Grants ?? ((CsvInspection.Accepted)Inspection!).DataRowCount;

    /// <summary>What pass 1 says of the file as a whole that does not stop it.</summary>
    public IReadOnlyList<CsvFileProblem> Warnings => Inspection is CsvInspection.Accepted plan ? plan.Warnings : [];

    /// <summary>Where the rows come from in the workbook; null for a CSV upload.</summary>
    public XlsxSheetMap? Sheet { get; }

    /// <summary>Inspects <paramref name="upload"/> (readable, seekable, left open) under
    /// <paramref name="options"/>.</summary>
    /// <param name="upload">The stored upload.</param>
    /// <param name="fileName">The upload's (sanitised) file name.</param>
    /// <param name="options">The import's limits and date format.</param>
    /// <param name="api">The API's JSON options, by which a JSON package is read.</param>
    public static ImportSource Inspect(
        Stream upload,
        string fileName,
        CsvImportOptions options,
        JsonSerializerOptions api
    )
    {
        if (JsonPackageReader.LooksLikeJson(upload))
        {
            return JsonPackageImport.Inspect(upload, options, out var plan) is { } refused
                ? new ImportSource(upload, refused, null, null)
                : new ImportSource(upload, (plan!, options, api));
        }

        if (
            fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            || !GrantXlsxReader.IsWorkbookContainer(upload)
        )
        {
            return new ImportSource(upload, WithKeptAside(GrantCsvReader.Inspect(upload, options)), null, null);
        }

        var temp = new FileStream(
            Path.Combine(Path.GetTempPath(), "fundaudit-xlsx-" + Guid.NewGuid().ToString("N") + ".csv"),
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            1 << 16,
            FileOptions.DeleteOnClose
        );
        try
        {
            switch (GrantXlsxReader.ToCsv(upload, temp, options))
            {
                case XlsxConversion.Refused refused:
                    temp.Dispose();
                    return new ImportSource(upload, new CsvInspection.Refused(refused.Problems), null, null);
                case XlsxConversion.Converted done:
                    temp.Flush();
                    done.Map.Bytes = (upload.Length, temp.Length);

                    // The workbook's size was checked on upload; the CSV written from it may be larger.
                    var inspection = WithKeptAside(
                        GrantCsvReader.Inspect(temp, options with { MaxFileBytes = long.MaxValue })
                    );
                    return new ImportSource(temp, done.Map.Locate(inspection, done.Warnings), done.Map, temp);
                default:
                    throw new InvalidOperationException("Unknown conversion outcome.");
            }
        }
        catch
        {
            temp.Dispose();
            throw;
        }
    }

    /// <summary>The plan with a <c>column_kept_aside</c> warning for each column of the header that feeds no
    /// field.</summary>
    private static CsvInspection WithKeptAside(CsvInspection inspection) =>
        inspection is CsvInspection.Accepted plan
            ? plan with
            {
                Warnings = [.. plan.Warnings, .. plan.ExtraColumns.Select(t => GrantCsvReader.KeptAside(t.Trim()))],
            }
            : inspection;

    /// <summary>Pass 2: the rows of an accepted upload, in the upload's terms (the workbook's rows and cells for an
    /// XLSX, the grant's position and JSON path for a JSON package).</summary>
    public IEnumerable<CsvRow> ReadRows()
    {
        if (package is { } json)
        {
            return JsonPackageImport.ReadRows(Rows, json.Plan, json.Options, json.Api);
        }

        var rows = GrantCsvReader.ReadRows(Rows, (CsvInspection.Accepted)Inspection!);
        return Sheet is null ? rows : rows.Select(Sheet.Locate);
    }

    public async ValueTask DisposeAsync()
    {
        if (converted is not null)
        {
            await converted.DisposeAsync();
        }
    }
}

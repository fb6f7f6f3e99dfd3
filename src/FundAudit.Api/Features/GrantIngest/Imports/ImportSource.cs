using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Xlsx;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// The rows of one stored upload as the CSV path reads them, inspected (pass 1). A CSV is read as it is; an XLSX
/// workbook (recognised by its bytes, unless its name ends in <c>.csv</c>: a zip named so is refused as not a text
/// CSV) is first written as CSV to a temporary file that is deleted when this source is disposed, and its problems,
/// rows and errors are located in the workbook (<see cref="XlsxSheetMap"/>). Either way every column the import does
/// not read is named in a <c>column_kept_aside</c> warning.
/// </summary>
internal sealed class ImportSource : IAsyncDisposable
{
    private readonly FileStream? converted;

    private ImportSource(Stream rows, CsvInspection inspection, XlsxSheetMap? sheet, FileStream? converted)
    {
        Rows = rows;
        Inspection = inspection;
        Sheet = sheet;
        this.converted = converted;
    }

    /// <summary>The CSV to read rows from (pass 2).</summary>
    public Stream Rows { get; }

    public CsvInspection Inspection { get; }

    /// <summary>Where the rows come from in the workbook; null for a CSV upload.</summary>
    public XlsxSheetMap? Sheet { get; }

    /// <summary>Inspects <paramref name="upload"/> (readable, seekable, left open) under
    /// <paramref name="options"/>.</summary>
    /// <param name="upload">The stored upload.</param>
    /// <param name="fileName">The upload's (sanitised) file name.</param>
    /// <param name="options">The import's limits and date format.</param>
    public static ImportSource Inspect(Stream upload, string fileName, CsvImportOptions options)
    {
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

    /// <summary>A row in the terms of the upload (the workbook's rows and cells for an XLSX).</summary>
    public CsvRow Locate(CsvRow row) => Sheet is null ? row : Sheet.Locate(row);

    public async ValueTask DisposeAsync()
    {
        if (converted is not null)
        {
            await converted.DisposeAsync();
        }
    }
}

using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>
/// Reads grant CSV uploads (the 360Giving flat CSV or FundAudit's template) in two streaming passes over a file
/// the import job keeps on disk: <see cref="Inspect"/> validates the file as a whole and plans, then
/// <see cref="ReadRows"/> yields one <see cref="CsvRow"/> per data row. Neither pass holds the file in memory.
/// </summary>
/// <remarks>
/// <para><b>Row numbers</b> are spreadsheet rows: the header is row 1; blank lines count (as a spreadsheet shows them)
/// but blank rows (every cell empty) are skipped and are not data rows. A quoted cell spanning lines is one row.</para>
/// <para><b>NUL bytes.</b> A NUL in the first 8 KiB means a binary file: refused (<c>not_text_csv</c>).
/// A NUL later makes its row a <c>nul_character</c> row error; the other rows are read.</para>
/// <para><b>Quotes.</b> CsvHelper recovers from a stray quote (<c>ab"c</c>) or text after a closing quote
/// (<c>"ab"c</c>): that row becomes a <c>malformed_quotes</c> row error. A quote that opens a cell and pairs with a
/// quote
/// rows later merges those rows into one, as a spreadsheet would: the merged row is the error, and its later row
/// numbers
/// follow the merge. A quote that is never closed swallows the rest of the file, so the file is refused
/// (<c>unterminated_quote</c>), as is any row over <see cref="CsvImportOptions.MaxRowBytes"/> (<c>row_too_large</c>):
/// the parser cannot resynchronise after either.</para>
/// <para><b>Cells.</b> Values are trimmed. Required cells (Identifier, Title, Currency, Amount, Award Date) that are
/// empty or unreadable are row errors. Unreadable optional Planned Dates and Amount Disbursed are left empty with an
/// <c>optional_value_ignored</c> warning; unreadable Level, Purpose, Flexible or Location Scope (either layout) or
/// template Beneficiary Countries are row errors (the uploader set them on purpose). Formula-looking text
/// (<c>=HYPERLINK(…)</c>) is plain text here. Missing trailing cells read as empty; cells beyond the header are an
/// error unless they are empty.</para>
/// </remarks>
internal static partial class GrantCsvReader
{
    /// <summary>FundAudit's short template: the header and one example row, served by <c>GET
    /// /api/grants/imports/template</c>.</summary>
    public const string TemplateCsv =
        "Identifier,Title,Description,Currency,Amount,Award Date,Recipient Name,Recipient Country,Beneficiary "
        + "Countries,Beneficiary Places,Programme,Funding Type,Level,Purpose,Flexible\r\n"
        + "FA-2024-001,Emergency relocation,Temporary relocation and legal support for a defender at "
        + "risk,USD,\"15,000.00\",2024-03-31,Example Defenders Network,KE,KE;UG,Nairobi;Kampala,Rapid "
        + "Response,Grant,national,emergency,yes\r\n";

    private static readonly Encoding Windows1252 = CreateWindows1252();

    /// <summary>
    /// Pass 2: one <see cref="CsvRow"/> per data row, in file order, streaming. The file must be the one inspected.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is not the one that was inspected.</exception>
    public static IEnumerable<CsvRow> ReadRows(Stream file, CsvInspection.Accepted plan)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(plan);
        if (!file.CanRead || !file.CanSeek || file.Length != plan.FileBytes)
        {
            throw new InvalidOperationException("The CSV is not the file that was inspected.");
        }

        return ReadRowsCore(file, plan);
    }

    private static IEnumerable<CsvRow> ReadRowsCore(Stream file, CsvInspection.Accepted plan)
    {
        var malformed = new Dictionary<long, CsvMalformedReason>();
        file.Position = 0;
        using var reader = CsvReader.Create(
            file,
            ReaderOptions(plan.Delimiter, plan.Encoding == "utf-8", plan.Options, malformed),
            leaveOpen: true
        );
        if (reader.Headers.Count != plan.Columns.Count)
        {
            throw new InvalidOperationException("The CSV is not the file that was inspected.");
        }

        var superseded = plan.Duplicates.ToDictionary(d => d.Row, d => d.LaterRow);
        var builder = new GrantRowBuilder(plan);
        while (true)
        {
            bool more;
            try
            {
                more = reader.Read();
            }
            catch (CsvFormatException e)
            {
                throw new InvalidOperationException("The CSV is not the file that was inspected.", e);
            }

            if (!more)
            {
                yield break;
            }

            var row = reader.RowNumber + 1;
            CsvMalformedReason? reason = malformed.Remove(row, out var r) ? r : null;
            if (IsBlank(reader))
            {
                continue;
            }

            yield return builder.Build(reader, row, reason, superseded.TryGetValue(row, out var later) ? later : null);
        }
    }

    private static CsvReaderOptions ReaderOptions(
        char delimiter,
        bool utf8,
        CsvImportOptions options,
        Dictionary<long, CsvMalformedReason> malformed
    ) =>
        CsvReaderOptions.Default with
        {
            Separator = delimiter,
            HasHeader = true,
            SkipEmptyLines = false, // keeps spreadsheet row numbers; blank rows are skipped here instead
            DetectSeparatorHint = false,
            AllowLineBreaksInQuotes = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            MaxRecordSize = options.MaxRowBytes,
            IncludeValuesInExceptions = false,
            Encoding = utf8 ? Encoding.UTF8 : Windows1252,
            OnMalformedRecord = m => malformed.TryAdd(m.RecordNumber, m.Reason),
        };

    /// <summary>A row whose cells are all empty or spaces (a blank line, or <c>,,,</c>).</summary>
    private static bool IsBlank(CsvReader reader)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (!reader.GetSpan(i).Trim(" \t"u8).IsEmpty)
            {
                return false;
            }
        }

        return true;
    }

    private static Encoding CreateWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}

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
/// (<c>"ab"c</c>): that row becomes a <c>malformed_quotes</c> row error. A quote that opens a cell and pairs with a quote
/// rows later merges those rows into one, as a spreadsheet would: the merged row is the error, and its later row numbers
/// follow the merge. A quote that is never closed swallows the rest of the file, so the file is refused
/// (<c>unterminated_quote</c>), as is any row over <see cref="CsvImportOptions.MaxRowBytes"/> (<c>row_too_large</c>):
/// the parser cannot resynchronise after either.</para>
/// <para><b>Cells.</b> Values are trimmed. Required cells (Identifier, Title, Currency, Amount, Award Date) that are
/// empty or unreadable are row errors. Unreadable optional Planned Dates and Amount Disbursed are left empty with an
/// <c>optional_value_ignored</c> warning; unreadable template Level, Purpose, Flexible or Beneficiary Countries are row
/// errors (the uploader set them on purpose). Formula-looking text (<c>=HYPERLINK(…)</c>) is plain text here.
/// Missing trailing cells read as empty; cells beyond the header are an error unless they are empty.</para>
/// </remarks>
internal static class GrantCsvReader
{
    /// <summary>FundAudit's short template: the header and one example row, served by <c>GET /api/grants/imports/template</c>.</summary>
    public const string TemplateCsv =
        "Identifier,Title,Description,Currency,Amount,Award Date,Recipient Name,Recipient Country,Beneficiary Countries,Beneficiary Places,Programme,Funding Type,Level,Purpose,Flexible\r\n" +
        "FA-2024-001,Emergency relocation,Temporary relocation and legal support for a defender at risk,USD,\"15,000.00\",2024-03-31,Example Defenders Network,KE,KE;UG,Nairobi;Kampala,Rapid Response,Grant,national,emergency,yes\r\n";

    private const int SniffBytes = 8 * 1024;
    private const int HeaderScanBytes = 64 * 1024;

    private static readonly Encoding Windows1252 = CreateWindows1252();

    /// <summary>
    /// Pass 1: checks the file as a whole (size, text, encoding, delimiter, header, quotes, row count, date order,
    /// duplicate identifiers) in constant memory, apart from 12 bytes per row for identifiers.
    /// </summary>
    /// <param name="file">A readable, seekable stream (the stored upload); read from its start, left open.</param>
    public static CsvInspection Inspect(Stream file, CsvImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        if (!file.CanRead || !file.CanSeek)
        {
            throw new ArgumentException("The CSV must be a readable, seekable stream (the stored upload).", nameof(file));
        }

        DateOrder? givenOrder = options.DateFormat?.Trim().ToUpperInvariant() switch
        {
            null => null,
            CsvImportOptions.DayFirst => DateOrder.DayFirst,
            CsvImportOptions.MonthFirst => DateOrder.MonthFirst,
            _ => (DateOrder?)(DateOrder)(-1),
        };
        if (givenOrder is (DateOrder)(-1))
        {
            return Refuse(CsvProblemCodes.InvalidOption, "dateFormat must be \"DD/MM/YYYY\" or \"MM/DD/YYYY\" (or left out to detect it).");
        }

        var length = file.Length;
        if (length > options.MaxFileBytes)
        {
            return Refuse(CsvProblemCodes.FileTooLarge, $"The file is larger than the limit of {options.MaxFileBytes / (1024 * 1024)} MiB.");
        }

        if (Sniff(file, length) is { } sniffProblem)
        {
            return new CsvInspection.Refused([sniffProblem]);
        }

        var isUtf8 = IsValidUtf8(file);
        var encoding = isUtf8 ? Encoding.UTF8 : Windows1252;
        var warnings = new List<CsvFileProblem>();
        if (!isUtf8)
        {
            warnings.Add(new CsvFileProblem(CsvProblemCodes.NotUtf8, "The file is not valid UTF-8; it was read as Windows-1252. Save it as \"CSV UTF-8\" if accents look wrong."));
        }

        if (!TryDetectDelimiter(file, encoding, length, out var delimiter))
        {
            return Refuse(CsvProblemCodes.HeaderTooLong, $"No end of the header row was found in the first {HeaderScanBytes / 1024} KiB; the first row must be the column titles.", row: 1);
        }

        var malformed = new Dictionary<long, CsvMalformedReason>();
        file.Position = 0;
        using var reader = CsvReader.Create(file, ReaderOptions(delimiter, isUtf8, options, malformed), leaveOpen: true);
        using var identifiers = new IdentifierIndex();

        IReadOnlyList<string> headers;
        try
        {
            headers = reader.Headers;
        }
        catch (CsvFormatException e)
        {
            return RowTooLarge(options, e.RecordNumber);
        }

        if (headers.Count == 0 || headers.All(h => ColumnMap.Normalize(h).Length == 0))
        {
            return Refuse(CsvProblemCodes.EmptyFile, "The file has no header row: the first row must hold the column titles.", row: 1);
        }

        var map = ColumnMap.Build(headers, out var problems);
        if (problems.Count > 0)
        {
            return new CsvInspection.Refused(problems);
        }

        var dateColumns = map.DateColumns.ToArray();
        (long Row, int Column)? dayFirst = null, monthFirst = null, ambiguous = null;
        long dataRows = 0, blankRows = 0;
        while (true)
        {
            try
            {
                if (!reader.Read())
                {
                    break;
                }
            }
            catch (CsvFormatException e)
            {
                return RowTooLarge(options, e.RecordNumber);
            }

            var row = reader.RowNumber + 1;
            if (malformed.Remove(row, out var reason) && reason == CsvMalformedReason.UnterminatedQuote)
            {
                return UnterminatedQuote(row);
            }

            if (IsBlank(reader))
            {
                blankRows++;
                continue;
            }

            if (++dataRows > options.MaxRows)
            {
                return Refuse(CsvProblemCodes.TooManyRows, $"The file has more than {options.MaxRows:N0} data rows; split it into smaller files.", row: row);
            }

            if (givenOrder is null)
            {
                foreach (var column in dateColumns)
                {
                    // Only slash dates say anything about the order: the usual cell has no slash and is not decoded.
                    var cell = column < reader.FieldCount ? reader.GetSpan(column) : default;
                    if (cell.Length is 0 or > 64 || !cell.Contains((byte)'/'))
                    {
                        continue;
                    }

                    switch (CsvDates.Examine(reader.GetString(column)))
                    {
                        case CsvDates.Evidence.DayFirst: dayFirst ??= (row, column); break;
                        case CsvDates.Evidence.MonthFirst: monthFirst ??= (row, column); break;
                        case CsvDates.Evidence.Ambiguous: ambiguous ??= (row, column); break;
                    }
                }
            }

            var id = reader.GetSpan(map.Identifier).Trim(" \t"u8);
            if (id.Length > 0)
            {
                identifiers.Add(id, row);
            }
        }

        foreach (var (row, reason) in malformed)
        {
            if (reason == CsvMalformedReason.UnterminatedQuote)
            {
                return UnterminatedQuote(row);
            }
        }

        var order = givenOrder ?? DateOrder.NotNeeded;
        var source = givenOrder is null ? DateOrderSource.NotNeeded : DateOrderSource.Given;
        long? orderRow = null;
        if (givenOrder is null)
        {
            if (dayFirst is { } d && monthFirst is { } m)
            {
                var (first, firstWay, later, laterWay) = d.Row < m.Row ? (d, "day-first", m, "month-first") : (m, "month-first", d, "day-first");
                return new CsvInspection.Refused([new CsvFileProblem(
                    CsvProblemCodes.InconsistentDateFormat,
                    $"Slash dates disagree: the date at row {first.Row} (column \"{headers[first.Column]}\") can only be {firstWay}, the one at row {later.Row} (column \"{headers[later.Column]}\") only {laterWay}. Use one date format in the whole file.",
                    headers[later.Column],
                    later.Row)]);
            }

            if ((dayFirst ?? monthFirst) is { } proof)
            {
                order = dayFirst is not null ? DateOrder.DayFirst : DateOrder.MonthFirst;
                source = DateOrderSource.Detected;
                orderRow = proof.Row;
            }
            else if (ambiguous is { } a)
            {
                return new CsvInspection.Refused([new CsvFileProblem(
                    CsvProblemCodes.AmbiguousDateFormat,
                    $"Slash dates such as the one at row {a.Row} (column \"{headers[a.Column]}\") can be read day-first or month-first, and no date in the file decides. Upload again naming dateFormat \"DD/MM/YYYY\" or \"MM/DD/YYYY\".",
                    headers[a.Column],
                    a.Row)]);
            }
        }

        return new CsvInspection.Accepted
        {
            Layout = map.Layout,
            Delimiter = delimiter,
            Encoding = isUtf8 ? "utf-8" : "windows-1252",
            Warnings = warnings,
            DateOrder = order,
            DateOrderSource = source,
            DateOrderRow = orderRow,
            Columns = [.. map.Fields.Select((field, i) => new CsvColumn(i, headers[i], field))],
            ExtraColumns = [.. map.ExtraColumns.Select(i => headers[i])],
            DataRowCount = dataRows,
            BlankRowCount = blankRows,
            Duplicates = identifiers.Duplicates(),
            FileBytes = length,
            Map = map,
            Options = options,
        };
    }

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
        using var reader = CsvReader.Create(file, ReaderOptions(plan.Delimiter, plan.Encoding == "utf-8", plan.Options, malformed), leaveOpen: true);
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

    private static CsvReaderOptions ReaderOptions(char delimiter, bool utf8, CsvImportOptions options, Dictionary<long, CsvMalformedReason> malformed) =>
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

    /// <summary>Refuses empty, binary, zipped and UTF-16/32 files from their first bytes.</summary>
    private static CsvFileProblem? Sniff(Stream file, long length)
    {
        if (length == 0)
        {
            return new CsvFileProblem(CsvProblemCodes.EmptyFile, "The file is empty.");
        }

        var head = new byte[(int)Math.Min(SniffBytes, length)];
        file.Position = 0;
        file.ReadExactly(head);
        ReadOnlySpan<byte> h = head;
        if (h.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || h.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || h.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return new CsvFileProblem(CsvProblemCodes.UnsupportedEncoding, "The file is UTF-16 or UTF-32 text; save it as \"CSV UTF-8\".");
        }

        if (h.StartsWith("PK\x03\x04"u8) || h.StartsWith("PK\x05\x06"u8))
        {
            return new CsvFileProblem(CsvProblemCodes.NotTextCsv, "The file is a zip archive (such as an .xlsx workbook), not a text CSV; save it as \"CSV UTF-8\".");
        }

        if (h.IndexOf((byte)0) >= 0 || h.StartsWith("%PDF-"u8) || h.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return new CsvFileProblem(CsvProblemCodes.NotTextCsv, "The file is binary (such as an .xls workbook, a PDF or an archive), not a text CSV; save it as \"CSV UTF-8\".");
        }

        var rest = h.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? h[3..] : h;
        if (length <= SniffBytes && rest.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new CsvFileProblem(CsvProblemCodes.EmptyFile, "The file is empty.");
        }

        return null;
    }

    /// <summary>Streams the whole file through a strict UTF-8 check (the rules of a throwing UTF-8 decoder, without decoding).</summary>
    private static bool IsValidUtf8(Stream file)
    {
        var bytes = new byte[64 * 1024];
        var carried = 0; // the start of a sequence cut by the end of the previous block
        file.Position = 0;
        int read;
        while ((read = file.Read(bytes, carried, bytes.Length - carried)) > 0)
        {
            var length = carried + read;
            var complete = length - CutSequenceLength(bytes.AsSpan(0, length));
            if (!Utf8.IsValid(bytes.AsSpan(0, complete)))
            {
                return false;
            }

            carried = length - complete;
            bytes.AsSpan(complete, carried).CopyTo(bytes);
        }

        return Utf8.IsValid(bytes.AsSpan(0, carried));
    }

    /// <summary>How many bytes at the end of <paramref name="block"/> start a sequence that needs more bytes than follow.</summary>
    private static int CutSequenceLength(ReadOnlySpan<byte> block)
    {
        for (var back = 1; back <= Math.Min(3, block.Length); back++)
        {
            var b = block[^back];
            if ((b & 0xC0) != 0x80)
            {
                var needs = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return needs > back ? back : 0;
            }
        }

        return 0;
    }

    /// <summary>Picks comma, semicolon or tab: whichever appears most, outside quotes, in the header line.</summary>
    private static bool TryDetectDelimiter(Stream file, Encoding encoding, long length, out char delimiter)
    {
        delimiter = ',';
        var bytes = new byte[(int)Math.Min(HeaderScanBytes, length)];
        file.Position = 0;
        file.ReadExactly(bytes);
        var text = encoding.GetString(bytes).AsSpan().TrimStart('\uFEFF');
        int commas = 0, semicolons = 0, tabs = 0;
        var inQuotes = false;
        var ended = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && c is '\r' or '\n')
            {
                ended = true;
                break;
            }
            else if (!inQuotes)
            {
                commas += c == ',' ? 1 : 0;
                semicolons += c == ';' ? 1 : 0;
                tabs += c == '\t' ? 1 : 0;
            }
        }

        if (!ended && length > HeaderScanBytes)
        {
            return false;
        }

        delimiter = semicolons > commas && semicolons >= tabs ? ';' : tabs > commas && tabs > semicolons ? '\t' : ',';
        return true;
    }

    private static CsvInspection.Refused Refuse(string code, string message, string? column = null, long? row = null) =>
        new([new CsvFileProblem(code, message, column, row)]);

    private static CsvInspection.Refused RowTooLarge(CsvImportOptions options, long row) =>
        Refuse(
            CsvProblemCodes.RowTooLarge,
            $"Row {row} is longer than {options.MaxRowBytes / (1024 * 1024)} MiB, usually because a quote opened in it is never closed. Check the quotes of that row.",
            row: row);

    private static CsvInspection.Refused UnterminatedQuote(long row) =>
        Refuse(
            CsvProblemCodes.UnterminatedQuote,
            $"A quote opened in row {row} is never closed, so the rest of the file would be read as one cell. Close or remove that quote.",
            row: row);

    private static Encoding CreateWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}

using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace FundAudit.Api.Features.GrantIngest.Csv;

internal static partial class GrantCsvReader
{
    private const int SniffBytes = 8 * 1024;
    private const int HeaderScanBytes = 64 * 1024;

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
}

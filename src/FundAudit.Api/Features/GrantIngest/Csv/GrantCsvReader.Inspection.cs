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
    /// <param name="options">The limits and the date order the uploader gave.</param>
    public static CsvInspection Inspect(Stream file, CsvImportOptions options)
    {
        if (CheckArguments(file, options, out var givenOrder) is { } optionRefused)
        {
            return optionRefused;
        }

        var length = file.Length;
        var warnings = new List<CsvFileProblem>();
        if (CheckWholeFile(file, options, warnings, out var isUtf8, out var delimiter) is { } fileRefused)
        {
            return fileRefused;
        }

        var malformed = new Dictionary<long, CsvMalformedReason>();
        file.Position = 0;
        using var reader = CsvReader.Create(
            file,
            ReaderOptions(delimiter, isUtf8, options, malformed),
            leaveOpen: true
        );
        using var identifiers = new IdentifierIndex();
        if (ReadHeader(reader, options, out var headers, out var map) is { } headerRefused)
        {
            return headerRefused;
        }

        var scan = ScanRows(reader, map, options, givenOrder is null, malformed, identifiers);
        if (scan.Refused is { } rowRefused)
        {
            return rowRefused;
        }

        if (
            DecideDateOrder(givenOrder, scan.Dates, headers, out var order, out var source, out var orderRow) is
            { } dateRefused
        )
        {
            return dateRefused;
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
            DataRowCount = scan.DataRows,
            BlankRowCount = scan.BlankRows,
            Duplicates = identifiers.Duplicates(),
            FileBytes = length,
            Map = map,
            Options = options,
        };
    }

    /// <summary>
    /// Throws on a missing or unreadable stream or missing options; refuses a date order that is not a known one.
    /// </summary>
    private static CsvInspection.Refused? CheckArguments(
        Stream file,
        CsvImportOptions options,
        out DateOrder? givenOrder
    )
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        if (!file.CanRead || !file.CanSeek)
        {
            throw new ArgumentException(
                "The CSV must be a readable, seekable stream (the stored upload).",
                nameof(file)
            );
        }

        if (!CsvImportOptions.TryReadDateOrder(options.DateFormat, out givenOrder))
        {
            return Refuse(CsvFileProblem.Keyed(CsvProblemCodes.InvalidOption, null, null, "File_DateFormatOption"));
        }

        return null;
    }

    /// <summary>Size, first bytes, encoding and delimiter: the checks made before any row is parsed.</summary>
    private static CsvInspection.Refused? CheckWholeFile(
        Stream file,
        CsvImportOptions options,
        List<CsvFileProblem> warnings,
        out bool isUtf8,
        out char delimiter
    )
    {
        (isUtf8, delimiter) = (false, ',');
        var length = file.Length;
        if (length > options.MaxFileBytes)
        {
            return Refuse(
                CsvFileProblem.Keyed(
                    CsvProblemCodes.FileTooLarge,
                    null,
                    null,
                    "File_TooLarge",
                    options.MaxFileBytes / (1024 * 1024)
                )
            );
        }

        if (Sniff(file, length) is { } sniffProblem)
        {
            return new CsvInspection.Refused([sniffProblem]);
        }

        isUtf8 = IsValidUtf8(file);
        var encoding = isUtf8 ? Encoding.UTF8 : Windows1252;
        if (!isUtf8)
        {
            warnings.Add(CsvFileProblem.Keyed(CsvProblemCodes.NotUtf8, null, null, "File_NotUtf8"));
        }

        if (!TryDetectDelimiter(file, encoding, length, out delimiter))
        {
            return Refuse(
                CsvFileProblem.Keyed(
                    CsvProblemCodes.HeaderTooLong,
                    null,
                    1,
                    "File_HeaderTooLong",
                    HeaderScanBytes / 1024
                )
            );
        }

        return null;
    }

    /// <summary>The header row and the column map built from it.</summary>
    private static CsvInspection.Refused? ReadHeader(
        CsvReader reader,
        CsvImportOptions options,
        out IReadOnlyList<string> headers,
        out ColumnMap map
    )
    {
        map = null!;
        try
        {
            headers = reader.Headers;
        }
        catch (CsvFormatException e)
        {
            headers = [];
            return RowTooLarge(options, e.RecordNumber);
        }

        if (headers.Count == 0 || headers.All(h => ColumnMap.Normalize(h).Length == 0))
        {
            return Refuse(CsvFileProblem.Keyed(CsvProblemCodes.EmptyFile, null, 1, "File_NoHeader"));
        }

        map = ColumnMap.Build(headers, out var problems);
        return problems.Count > 0 ? new CsvInspection.Refused(problems) : null;
    }

    /// <summary>
    /// What pass 1 learnt from the rows: counts, the first date of each order, or why the file is refused.
    /// </summary>
    private readonly record struct RowScan(
        CsvInspection.Refused? Refused,
        long DataRows,
        long BlankRows,
        DateOrderProof<(long Row, int Column)> Dates
    )
    {
        public static RowScan Stop(CsvInspection.Refused refused) => new(refused, 0, 0, new());
    }

    /// <summary>
    /// Reads every row once: quotes, row count, slash dates (when the order is to be found), identifiers.
    /// </summary>
    private static RowScan ScanRows(
        CsvReader reader,
        ColumnMap map,
        CsvImportOptions options,
        bool findDateOrder,
        Dictionary<long, CsvMalformedReason> malformed,
        IdentifierIndex identifiers
    )
    {
        var dateColumns = map.DateColumns.ToArray();
        var dates = new DateOrderProof<(long Row, int Column)>();
        long dataRows = 0,
            blankRows = 0;
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
                return RowScan.Stop(RowTooLarge(options, e.RecordNumber));
            }

            var row = reader.RowNumber + 1;
            if (malformed.Remove(row, out var reason) && reason == CsvMalformedReason.UnterminatedQuote)
            {
                return RowScan.Stop(UnterminatedQuote(row));
            }

            if (IsBlank(reader))
            {
                blankRows++;
                continue;
            }

            if (++dataRows > options.MaxRows)
            {
                return RowScan.Stop(TooManyRows(options, row));
            }

            if (findDateOrder)
            {
                ExamineDates(reader, dateColumns, row, dates);
            }

            var id = reader.GetSpan(map.Identifier).Trim(" \t"u8);
            if (id.Length > 0)
            {
                identifiers.Add(id, row);
            }
        }

        return UnterminatedQuoteLeft(malformed) is { } unterminated
            ? RowScan.Stop(unterminated)
            : new RowScan(null, dataRows, blankRows, dates);
    }

    /// <summary>An unterminated quote among the malformed rows the reader noted and the scan did not meet.</summary>
    private static CsvInspection.Refused? UnterminatedQuoteLeft(Dictionary<long, CsvMalformedReason> malformed)
    {
        foreach (var (row, reason) in malformed)
        {
            if (reason == CsvMalformedReason.UnterminatedQuote)
            {
                return UnterminatedQuote(row);
            }
        }

        return null;
    }

    /// <summary>
    /// The warning that names a column the import does not read: a column of the file, kept with each grant as sent
    /// (<c>additionalColumns</c>), or a column of a workbook's linked <paramref name="sheet"/>, dropped.
    /// </summary>
    internal static CsvFileProblem KeptAside(string title, string? sheet = null) =>
        sheet is null
            ? CsvFileProblem.Keyed(CsvProblemCodes.ColumnKeptAside, title, 1, "File_ColumnKeptAside", title)
            : CsvFileProblem.Keyed(
                CsvProblemCodes.ColumnKeptAside,
                title,
                null,
                "File_LinkedColumnNotRead",
                title,
                sheet
            );

    private static CsvInspection.Refused Refuse(CsvFileProblem problem) => new([problem]);

    private static CsvInspection.Refused TooManyRows(CsvImportOptions options, long row) =>
        Refuse(CsvFileProblem.Keyed(CsvProblemCodes.TooManyRows, null, row, "File_TooManyRows", options.MaxRows));

    private static CsvInspection.Refused RowTooLarge(CsvImportOptions options, long row) =>
        Refuse(
            CsvFileProblem.Keyed(
                CsvProblemCodes.RowTooLarge,
                null,
                row,
                "File_RowTooLarge",
                row,
                options.MaxRowBytes / (1024 * 1024)
            )
        );

    private static CsvInspection.Refused UnterminatedQuote(long row) =>
        Refuse(CsvFileProblem.Keyed(CsvProblemCodes.UnterminatedQuote, null, row, "File_UnterminatedQuote", row));
}

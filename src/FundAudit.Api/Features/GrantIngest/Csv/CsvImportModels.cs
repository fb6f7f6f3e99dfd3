using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>Limits and choices for one CSV upload.</summary>
/// <param name="DateFormat">
/// <c>null</c> to detect day-first or month-first slash dates from the file itself,
/// or <c>"DD/MM/YYYY"</c> / <c>"MM/DD/YYYY"</c> as named by the uploader.
/// </param>
/// <param name="MaxFileBytes">Larger files are refused before anything is parsed.</param>
/// <param name="MaxRows">Files with more data rows are refused.</param>
/// <param name="MaxCellChars">A longer cell is a row error (the row is reported, not imported).</param>
/// <param name="MaxRowBytes">
/// The most bytes one row may take. It bounds the parser's buffer (CsvHelper <c>MaxRecordSize</c>): a longer row
/// (typically an unclosed quote swallowing the file) cannot be skipped by the parser, so the file is refused.
/// </param>
internal sealed record CsvImportOptions(
    string? DateFormat = null,
    long MaxFileBytes = CsvImportOptions.DefaultMaxFileBytes,
    int MaxRows = 2_000_000,
    int MaxCellChars = 32_768,
    int MaxRowBytes = 8 * 1024 * 1024
)
{
    public const long DefaultMaxFileBytes = 200L * 1024 * 1024;
    public const string DayFirst = "DD/MM/YYYY";
    public const string MonthFirst = "MM/DD/YYYY";

    /// <summary>
    /// The slash-date order a <c>dateFormat</c> names, case and surrounding space aside: <see cref="DayFirst"/> or
    /// <see cref="MonthFirst"/>, or none (null, left out or blank: the dates must decide); false when it names
    /// neither. The one reading of the option for CSV and XLSX imports, JSON packages and the console's form.
    /// </summary>
    public static bool TryReadDateOrder(string? dateFormat, out DateOrder? order)
    {
        order = null;
        switch (dateFormat?.Trim().ToUpperInvariant())
        {
            case null or "":
                return true;
            case DayFirst:
                order = DateOrder.DayFirst;
                return true;
            case MonthFirst:
                order = DateOrder.MonthFirst;
                return true;
            default:
                return false;
        }
    }
}

internal enum CsvLayout
{
    /// <summary>The 360Giving flat CSV, recognised by its column titles.</summary>
    Giving360,

    /// <summary>FundAudit's own short template (<see cref="GrantCsvReader.TemplateCsv"/>).</summary>
    Template,
}

/// <summary>How slash dates (<c>03/04/2020</c>) are read.</summary>
internal enum DateOrder
{
    /// <summary>The file has no three-part slash dates: nothing to choose.</summary>
    NotNeeded,
    DayFirst,
    MonthFirst,
}

internal enum DateOrderSource
{
    NotNeeded,

    /// <summary>Named by the upload (<see cref="CsvImportOptions.DateFormat"/>).</summary>
    Given,

    /// <summary>Proved by the file: a date at <see cref="CsvInspection.Accepted.DateOrderRow"/> can only be read one
    /// way.</summary>
    Detected,
}

/// <summary>A problem with the file as a whole (or, for warnings, a remark about it).</summary>
/// <param name="Code">Stable, machine-readable (see <see cref="CsvProblemCodes"/>).</param>
/// <param name="Message">For people; never contains a cell's value.</param>
/// <param name="Column">The column title as written in the file (or as expected, for a missing column).</param>
/// <param name="Row">Spreadsheet row: the header is row 1.</param>
/// <param name="Text"><paramref name="Message"/> as a key and arguments, for the console's languages.</param>
internal sealed record CsvFileProblem(
    string Code,
    string Message,
    string? Column = null,
    long? Row = null,
    RowText? Text = null
)
{
    /// <summary>A problem said by the ProblemText <paramref name="key"/> with <paramref name="args"/> (strings or
    /// whole numbers): stored in English and as the key.</summary>
    public static CsvFileProblem Keyed(
        string code,
        string? column,
        long? row,
        string key,
        params IReadOnlyList<object> args
    )
    {
        var text = new RowText(key, args);
        return new CsvFileProblem(code, text.English(), column, row, text);
    }
}

/// <summary>An error or a warning about one row.</summary>
/// <param name="Row">Spreadsheet row: the header is row 1, the first data row is row 2.</param>
/// <param name="Column">The column title as written in the file; <c>null</c> when it is about the row as a
/// whole.</param>
/// <param name="Code">Stable, machine-readable (see <see cref="CsvProblemCodes"/>).</param>
/// <param name="Message">Says what was expected; never echoes the cell's value.</param>
/// <param name="Text"><paramref name="Message"/> as a key and arguments, for the console's languages.</param>
internal sealed record CsvRowError(long Row, string? Column, string Code, string Message, RowText? Text = null);

/// <summary>One column of the file and what it feeds.</summary>
/// <param name="Index">0-based position in the file.</param>
/// <param name="Title">The title as written in the file.</param>
/// <param name="Field">The <see cref="GrantRecord"/> property it feeds, or <c>null</c> for a column kept aside in <see
/// cref="CsvRow.Extra"/>.</param>
internal sealed record CsvColumn(int Index, string Title, string? Field);

/// <summary>Two rows with the same identifier: <paramref name="LaterRow"/> wins, <paramref name="Row"/> is
/// superseded.</summary>
internal sealed record DuplicateIdentifier(long Row, long LaterRow);

/// <summary>The outcome of pass 1 (<see cref="GrantCsvReader.Inspect"/>): the file is refused as a whole, or accepted
/// with a plan for pass 2.</summary>
internal abstract record CsvInspection
{
    private CsvInspection() { }

    /// <summary>The file cannot be imported; nothing of it should be stored.</summary>
    internal sealed record Refused(IReadOnlyList<CsvFileProblem> Problems) : CsvInspection;

    /// <summary>
    /// The file can be read row by row with <see cref="GrantCsvReader.ReadRows"/>. Rows may still carry errors.
    /// </summary>
    /// <remarks>
    /// <para><b>Duplicate identifiers.</b> When several rows of one file share an identifier, the <i>last</i> one wins:
    /// each earlier row is listed in <see cref="Duplicates"/> and its <see cref="CsvRow.SupersededByRow"/> names the
    /// winning row,
    /// with a <c>duplicate_identifier</c> warning. The import job stores the winner only. The winner wins even when it
    /// has
    /// errors itself (the uploader then fixes that row); identifiers are compared exactly, after trimming
    /// spaces.</para>
    /// <para>Pass 1 keeps a keyed 64-bit hash (HMAC-SHA256, truncated, random key per inspection) of each identifier
    /// and its row: 12 bytes a row, so memory stays bounded by <see cref="CsvImportOptions.MaxRows"/>. A hash collision
    /// between different identifiers is possible (about 1 in 10 million for 2 million rows) and cannot be provoked on
    /// purpose.</para>
    /// </remarks>
    internal sealed record Accepted : CsvInspection
    {
        public required CsvLayout Layout { get; init; }

        public required char Delimiter { get; init; }

        /// <summary><c>utf-8</c> or <c>windows-1252</c>.</summary>
        public required string Encoding { get; init; }

        public required IReadOnlyList<CsvFileProblem> Warnings { get; init; }

        public required DateOrder DateOrder { get; init; }

        public required DateOrderSource DateOrderSource { get; init; }

        /// <summary>The row whose date proved the order, when <see cref="DateOrderSource"/> is <see
        /// cref="DateOrderSource.Detected"/>.</summary>
        public long? DateOrderRow { get; init; }

        /// <summary>Every column of the header, with the field it feeds.</summary>
        public required IReadOnlyList<CsvColumn> Columns { get; init; }

        /// <summary>Titles of the columns kept aside (not mapped to a <see cref="GrantRecord"/> field).</summary>
        public required IReadOnlyList<string> ExtraColumns { get; init; }

        /// <summary>Rows after the header, not counting blank rows (every cell empty), which are skipped.</summary>
        public required long DataRowCount { get; init; }

        /// <summary>Blank rows skipped (every cell empty, such as the <c>,,,,</c> rows spreadsheets leave at the
        /// end).</summary>
        public required long BlankRowCount { get; init; }

        public required IReadOnlyList<DuplicateIdentifier> Duplicates { get; init; }

        /// <summary>The size of the inspected file; pass 2 refuses a file of another size.</summary>
        public required long FileBytes { get; init; }

        internal required ColumnMap Map { get; init; }

        internal required CsvImportOptions Options { get; init; }

        /// <summary>
        /// A header-only file is accepted by pass 1 (it is well formed) but there is nothing to import:
        /// the caller refuses it with this problem.
        /// </summary>
        public CsvFileProblem? NoDataRowsProblem() =>
            DataRowCount == 0 ? CsvFileProblem.Keyed(CsvProblemCodes.NoDataRows, null, 2, "File_NoDataRows") : null;
    }
}

/// <summary>What pass 2 yields for one data row.</summary>
/// <param name="Row">Spreadsheet row: the header is row 1, the first data row is row 2.</param>
/// <param name="Record">The grant, or <c>null</c> when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Why the row cannot be imported.</param>
/// <param name="Warnings">Remarks that do not stop the import (a duplicate, an unreadable optional cell that was left
/// empty).</param>
/// <param name="Extra">Non-empty cells of the columns not mapped to <see cref="GrantRecord"/>, by column title;
/// <c>null</c> when none.</param>
/// <param name="BytePosition">Where the row starts, for progress: bytes of the UTF-8 text (the file offset for UTF-8
/// files).</param>
/// <param name="SupersededByRow">A later row with the same identifier, which wins (see <see
/// cref="CsvInspection.Accepted"/>).</param>
internal sealed record CsvRow(
    long Row,
    GrantRecord? Record,
    IReadOnlyList<CsvRowError> Errors,
    IReadOnlyList<CsvRowError> Warnings,
    IReadOnlyDictionary<string, string>? Extra,
    long BytePosition,
    long? SupersededByRow
)
{
    /// <summary>
    /// The stored JSON of a grant read from a 360Giving JSON package (<see cref="GrantMapping.ToStoredJsonUtf8"/>:
    /// the grant as the publisher wrote it, the bytes <c>POST /api/grants</c> stores), which the import stores as it
    /// is; null for a CSV or XLSX row, whose JSON is built from <see cref="Record"/>.
    /// </summary>
    public byte[]? PublishedJson { get; init; }
}

/// <summary>The codes of <see cref="CsvFileProblem"/> and <see cref="CsvRowError"/>.</summary>
internal static class CsvProblemCodes
{
    // File refusals (pass 1).
    public const string EmptyFile = "empty_file";
    public const string FileTooLarge = "file_too_large";
    public const string NotTextCsv = "not_text_csv";
    public const string UnsupportedEncoding = "unsupported_encoding";
    public const string HeaderTooLong = "header_too_long";
    public const string MissingColumn = "missing_column";
    public const string DuplicateColumn = "duplicate_column";
    public const string TooManyRows = "too_many_rows";
    public const string RowTooLarge = "row_too_large";
    public const string UnterminatedQuote = "unterminated_quote";
    public const string AmbiguousDateFormat = "ambiguous_date_format";
    public const string InconsistentDateFormat = "inconsistent_date_format";
    public const string InvalidOption = "invalid_option";

    /// <summary>A JSON package that is not JSON (a token that cannot be, a file that ends too early).</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>JSON that is not a 360Giving package: no object at the top, no <c>grants</c> array, two of them.
    /// </summary>
    public const string NotAPackage = "not_a_package";

    /// <summary>Returned by <see cref="CsvInspection.Accepted.NoDataRowsProblem"/> for the caller to refuse a
    /// header-only file.</summary>
    public const string NoDataRows = "no_data_rows";

    // File warnings.
    public const string NotUtf8 = "not_utf8";

    /// <summary>A column the import does not read (kept with each grant as sent, or, in a linked sheet,
    /// dropped).</summary>
    public const string ColumnKeptAside = "column_kept_aside";

    // Row errors (pass 2).
    public const string RequiredCellEmpty = "required_cell_empty";
    public const string InvalidDate = "invalid_date";
    public const string ImpossibleDate = "impossible_date";
    public const string InvalidAmount = "invalid_amount";
    public const string TooManyDecimals = "too_many_decimals";
    public const string InvalidCurrency = "invalid_currency";
    public const string InvalidValue = "invalid_value";
    public const string CellTooLong = "cell_too_long";
    public const string TooManyFields = "too_many_fields";
    public const string MalformedQuotes = "malformed_quotes";
    public const string NulCharacter = "nul_character";

    // Row warnings (pass 2).
    public const string DuplicateIdentifier = "duplicate_identifier";

    /// <summary>The import's summary of its <see cref="DuplicateIdentifier"/> rows and their money.</summary>
    public const string DuplicateIdentifiersNotStored = "duplicate_identifiers_not_stored";
    public const string OptionalValueIgnored = "optional_value_ignored";
}

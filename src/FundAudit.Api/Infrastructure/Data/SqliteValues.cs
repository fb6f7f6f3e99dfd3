using SQLitePCL;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// How <see cref="SqliteBulkUpsert"/> binds row values, and <see cref="SqliteRowCursor"/> a query's parameters, through
/// SQLite's C API (by position, without Microsoft.Data.Sqlite's parameters), storing the same text as
/// Microsoft.Data.Sqlite and so the Dapper path.
/// </summary>
internal static class SqliteValues
{
    /// <summary>
    /// A prepared INSERT and the value bound to each of its parameters (by position, from 1), which a reset keeps: a
    /// parameter is bound again only when its next value differs (not an import's NULL columns, the
    /// funder, import and time every row shares, the classification's names, sources and rule set).
    /// </summary>
    internal sealed class Prepared(sqlite3_stmt statement, int parameters)
    {
        public sqlite3_stmt Statement { get; } = statement;

        public object?[] Bound { get; } = Enumerable.Repeat(Unknown, parameters + 1).ToArray();
    }

    /// <summary>What a parameter holds before its first bind or after a failed one: the same as no value.</summary>
    internal static readonly object Unknown = new();

    /// <summary>
    /// Whether binding <paramref name="value"/> would store what <paramref name="bound"/> stored: the same text,
    /// number, date or instant (in UTC, as <see cref="Bind"/> writes it), or both NULL. Blobs are always bound again.
    /// </summary>
    internal static bool Same(object? bound, object? value) =>
        (bound, value) switch
        {
            (null, null) => true,
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (long a, long b) => a == b,
            (int a, int b) => a == b,
            (bool a, bool b) => a == b,
            (double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
            (DateOnly a, DateOnly b) => a == b,
            (DateTimeOffset a, DateTimeOffset b) => a.UtcTicks == b.UtcTicks,
            _ => false,
        };

    /// <summary>
    /// Binds one value as Microsoft.Data.Sqlite (and so the Dapper path) binds it: integers and booleans as integers,
    /// DateOnly as yyyy-MM-dd, instants in UTC as yyyy-MM-dd HH:mm:ss.FFFFFFFzzz, so both write paths store the same
    /// text.
    /// </summary>
    internal static int Bind(sqlite3_stmt statement, int index, object? value) =>
        value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            string text => BindText(statement, index, text),
            long l => raw.sqlite3_bind_int64(statement, index, l),
            int i => raw.sqlite3_bind_int64(statement, index, i),
            short i => raw.sqlite3_bind_int64(statement, index, i),
            bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
            double d => raw.sqlite3_bind_double(statement, index, d),
            float f => raw.sqlite3_bind_double(statement, index, f),
            DateOnly date => BindDate(statement, index, date),
            DateTimeOffset instant => BindInstant(statement, index, instant),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes), // grants.content_hash (migration 0024)
            _ => throw new NotSupportedException($"The bulk path does not bind {value.GetType().Name} values."),
        };

    private static int BindDate(sqlite3_stmt statement, int index, DateOnly date)
    {
        Span<byte> text = stackalloc byte[10];
        return date.TryFormat(text, out var length, @"yyyy\-MM\-dd", CultureInfo.InvariantCulture)
            ? raw.sqlite3_bind_text(statement, index, text[..length])
            : raw.sqlite3_bind_text(statement, index, date.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture));
    }

    // An import stamps every row with the same instants (created, updated, classified): formatted once, not per value.
    [ThreadStatic]
    private static (DateTimeOffset Instant, byte[] Utf8)? _lastInstant;

    private static int BindInstant(sqlite3_stmt statement, int index, DateTimeOffset instant)
    {
        if (_lastInstant is not { } last || last.Instant != instant)
        {
            last = (
                instant,
                System.Text.Encoding.UTF8.GetBytes(
                    instant
                        .ToUniversalTime()
                        .ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)
                )
            );
            _lastInstant = last;
        }

        return raw.sqlite3_bind_text(statement, index, last.Utf8);
    }

    [ThreadStatic]
    private static byte[]? _utf8;

    /// <summary>
    /// Text as UTF-8 through one reused buffer (SQLite copies it: SQLITE_TRANSIENT) rather than a new array per value.
    /// An empty string goes the ordinary way: an empty span would bind NULL.
    /// </summary>
    private static int BindText(sqlite3_stmt statement, int index, string text)
    {
        if (text.Length == 0)
        {
            return raw.sqlite3_bind_text(statement, index, text);
        }

        var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        var buffer = _utf8 is { } b && b.Length >= max ? b : (_utf8 = new byte[Math.Max(max, 16 * 1024)]);
        var length = System.Text.Encoding.UTF8.GetBytes(text, buffer);
        return raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, length));
    }
}

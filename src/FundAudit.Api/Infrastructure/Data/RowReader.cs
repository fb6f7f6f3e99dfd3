using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// The current row of a query read by <see cref="IDbEngine.ReadRowsAsync"/>: typed column access that does not
/// allocate where the engine allows it, so that a query answering hundreds of thousands of narrow rows (the audit
/// mix's daily totals) costs little more than the engine's own scan.
/// </summary>
internal interface IRowCursor
{
    /// <summary>Whether the column is SQL NULL.</summary>
    bool IsNull(int ordinal);

    long Int64(int ordinal);

    DateOnly Date(int ordinal);

    /// <summary>Whether the column's text equals <paramref name="value"/> (ordinal), without reading it into a string
    /// where possible; false for a NULL (unless <paramref name="value"/> is empty, on SQLite).</summary>
    bool TextIs(int ordinal, string value);

    string Text(int ordinal);

    /// <summary>The column's integers (an aggregate of <see cref="IDbDialect.EveryValue"/>: 8-byte big-endian integers
    /// one after another): only on an engine that has one.</summary>
    long[] Int64s(int ordinal);
}

/// <summary>Any ADO.NET reader (PostgreSQL, SQL Server): plain typed getters.</summary>
internal sealed class DataReaderCursor(DbDataReader reader) : IRowCursor
{
    private readonly bool[] _isInt64 = Enumerable
        .Range(0, reader.FieldCount)
        .Select(i => reader.GetFieldType(i) == typeof(long))
        .ToArray();

    public bool IsNull(int ordinal) => reader.IsDBNull(ordinal);

    public long Int64(int ordinal) =>
        _isInt64[ordinal]
            ? reader.GetInt64(ordinal)
            : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public DateOnly Date(int ordinal) => reader.GetFieldValue<DateOnly>(ordinal);

    private readonly string?[] _texts = new string?[reader.FieldCount];

    public bool TextIs(int ordinal, string value) =>
        !reader.IsDBNull(ordinal) && string.Equals(Text(ordinal), value, StringComparison.Ordinal);

    public string Text(int ordinal) => _texts[ordinal] ??= reader.GetString(ordinal); // once per row and column

    /// <summary>Read straight into the answer's memory, then turned to this machine's byte order in place (one
    /// allocation, a vectorised swap).</summary>
    public long[] Int64s(int ordinal)
    {
        var bytes = reader.GetBytes(ordinal, 0, null, 0, 0);
        if (bytes % sizeof(long) != 0)
        {
            throw new InvalidDataException($"Column {ordinal} holds {bytes} bytes, not a whole number of integers.");
        }

        var values = new long[bytes / sizeof(long)];
        using (var stream = reader.GetStream(ordinal))
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        }

        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(values, values);
        }

        return values;
    }

    public static async Task ReadAsync(
        DbConnection connection,
        string sql,
        IReadOnlyDictionary<string, object> parameters,
        Action<IRowCursor> row,
        CancellationToken ct
    )
    {
        await using var reader = await connection.ExecuteReaderAsync(
            new CommandDefinition(sql, new DynamicParameters(parameters), cancellationToken: ct)
        );
        var cursor = new DataReaderCursor(reader);
        while (await reader.ReadAsync(ct))
        {
            Array.Clear(cursor._texts);
            row(cursor);
        }
    }
}

/// <summary>
/// SQLite through its C API on the connection's handle (as the bulk loader does): integers straight from the
/// row, text compared as UTF-8 bytes in place, dates parsed once per distinct value. The SQL takes @name
/// parameters, which SQLite binds by name. The cursor reads the statement's raw handle (<see cref="SqliteColumns"/>)
/// and lives only inside <see cref="ReadAsync"/>, whose <c>using</c> holds the statement until the last row.
/// </summary>
internal sealed class SqliteRowCursor : IRowCursor
{
    private readonly IntPtr _handle;
    private readonly byte[] _lastDate = new byte[10];
    private DateOnly _lastDateValue;
    private bool _hasDate;

    private SqliteRowCursor(IntPtr handle) => _handle = handle;

    public bool IsNull(int ordinal) => SqliteColumns.Type(_handle, ordinal) == raw.SQLITE_NULL;

    public long Int64(int ordinal) => SqliteColumns.Int64(_handle, ordinal);

    private ReadOnlySpan<byte> Bytes(int ordinal) => SqliteColumns.Bytes(_handle, ordinal);

    public DateOnly Date(int ordinal)
    {
        var bytes = Bytes(ordinal);
        if (bytes.Length < 10)
        {
            throw new FormatException("Not a date (yyyy-MM-dd).");
        }

        var day = bytes[..10];
        if (_hasDate && day.SequenceEqual(_lastDate))
        {
            return _lastDateValue;
        }

        _lastDateValue = DateOnly.ParseExact(Encoding.ASCII.GetString(day), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        day.CopyTo(_lastDate);
        _hasDate = true;
        return _lastDateValue;
    }

    public bool TextIs(int ordinal, string value)
    {
        var bytes = Bytes(ordinal);
        if (bytes.Length != value.Length)
        {
            // not ASCII: compare decoded
            return Encoding.UTF8.GetCharCount(bytes) == value.Length && Text(ordinal) == value;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != value[i])
            {
                return bytes[i] >= 0x80 && Text(ordinal) == value;
            }
        }

        return true;
    }

    public string Text(int ordinal) => Encoding.UTF8.GetString(Bytes(ordinal));

    public long[] Int64s(int ordinal) => throw new NotSupportedException("SQLite has no array of integers.");

    public static Task ReadAsync(
        SqliteConnection connection,
        string sql,
        IReadOnlyDictionary<string, object> parameters,
        Action<IRowCursor> row,
        CancellationToken ct
    )
    {
        Check(connection, raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement));
        using (statement)
        {
            foreach (var (name, value) in parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, "@" + name);
                if (index == 0)
                {
                    continue; // not used by this statement
                }

                // The kinds of value a report's parameters hold, bound as the bulk path binds them (the same text).
                if (value is not (long or int or bool or DateOnly or string))
                {
                    throw new ArgumentException(
                        $"Cannot bind a {value.GetType().Name} to @{name}.",
                        nameof(parameters)
                    );
                }

                Check(connection, SqliteValues.Bind(statement, index, value));
            }

            var handle = statement.DangerousGetHandle();
            var cursor = new SqliteRowCursor(handle);
            int rc;
            var rows = 0;
            while ((rc = SqliteColumns.Step(handle)) == raw.SQLITE_ROW)
            {
                if ((++rows & 0xFFF) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                row(cursor);
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(connection, rc);
            }
        }

        return Task.CompletedTask;
    }

    private static void Check(SqliteConnection connection, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
    }
}

using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>Shared SQL shapes for the ANSI-ish engines.</summary>
internal abstract class DialectBase : IDbDialect
{
    public virtual string Limit(string parameter) => $"LIMIT @{parameter}";

    public string Upsert(
        string table,
        IReadOnlyList<string> keyColumns,
        IReadOnlyList<string> insertColumns,
        IReadOnlyList<string> updateColumns,
        string changedWhen,
        IReadOnlyDictionary<string, string> updateValues
    ) =>
        Upsert(
            new UpsertShape(table, keyColumns, insertColumns, updateColumns, changedWhen, updateValues),
            [insertColumns.Select(c => "@" + c)]
        );

    public string UpsertRows(
        string table,
        IReadOnlyList<string> keyColumns,
        IReadOnlyList<string> insertColumns,
        IReadOnlyList<string> updateColumns,
        string changedWhen,
        IReadOnlyDictionary<string, string> updateValues,
        int rows
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows * insertColumns.Count, MaxParameters);
        return Upsert(
            new UpsertShape(table, keyColumns, insertColumns, updateColumns, changedWhen, updateValues),
            Enumerable
                .Range(0, rows)
                .Select(r => Enumerable.Range(0, insertColumns.Count).Select(c => "@" + IDbDialect.RowParameter(r, c)))
        );
    }

    public virtual int UpsertRowsPerStatement(int columns) => Math.Max(1, MaxParameters / columns);

    /// <summary>The most parameters one statement may bind (see <see cref="UpsertRowsPerStatement"/>).</summary>
    protected abstract int MaxParameters { get; }

    /// <summary>What an upsert writes (see <see cref="IDbDialect.Upsert"/>), apart from its values.</summary>
    protected sealed record UpsertShape(
        string Table,
        IReadOnlyList<string> KeyColumns,
        IReadOnlyList<string> InsertColumns,
        IReadOnlyList<string> UpdateColumns,
        string ChangedWhen,
        IReadOnlyDictionary<string, string> UpdateValues
    );

    /// <summary>The upsert of <paramref name="rows"/>, each the values (parameters) of its insert columns.</summary>
    protected virtual string Upsert(UpsertShape u, IEnumerable<IEnumerable<string>> rows) =>
            // INSERT … ON CONFLICT: the same text on SQLite (3.24+) and PostgreSQL. The stored row is aliased t, the
            // proposed one is "excluded". A multi-row VALUES list takes its types from the target columns on both.
            $"""
            INSERT INTO {u.Table} AS t ({string.Join(", ", u.InsertColumns)})
            VALUES {ValuesList(rows)}
            ON CONFLICT ({string.Join(", ", u.KeyColumns)}) DO UPDATE SET
              {MergeCondition.SetList(u.UpdateColumns, u.UpdateValues, "t", "excluded", ",\n  ")}
            WHERE {MergeCondition.Render(u.ChangedWhen, "t", "excluded")}
            """;

    /// <summary>The rows of a VALUES list, <c>(a, b)</c>, one a line.</summary>
    protected static string ValuesList(IEnumerable<IEnumerable<string>> rows) =>
        string.Join(",\n", rows.Select(r => $"({string.Join(", ", r)})"));

    public virtual string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) "
        + $"VALUES ({string.Join(", ", columns.Select(c => "@" + c))}) RETURNING {idColumn}";

    public virtual string ContainsIgnoreCase(string column, string parameter) =>
        $"lower({column}) LIKE lower(@{parameter}) ESCAPE '\\'";

    public virtual string InList(string column, string parameter) => $"{column} IN @{parameter}";

    public abstract string FiscalYearOf(string dateExpression, string shiftMonthsParameter);

    public string TypeName(ColumnType type) =>
        type switch
        {
            ColumnType.Text => TypeNames.Text,
            ColumnType.Date => TypeNames.Date,
            ColumnType.Integer => TypeNames.Integer,
            ColumnType.Decimal => TypeNames.Decimal,
            _ => throw new ArgumentOutOfRangeException(
                nameof(type),
                type,
                "The dialect has no name for this column type."
            ),
        };

    public virtual string TempTable(string name) => name;

    public virtual string CreateTempTable(string name, IReadOnlyList<(string Column, ColumnType Type)> columns) =>
        $"CREATE TEMP TABLE IF NOT EXISTS {name} ({ColumnDefinitions(columns)}); DELETE FROM {name};";

    public virtual string? EveryValue(string expression) => null;

    public abstract bool IsUniqueViolation(Exception exception);

    public virtual string ReadPastUncommitted(string table) => table;

    public virtual string CommitWithoutWaitingForFlush => "";

    public virtual string FastValueCompression => "";

    public virtual bool UpperCostsMoreThanALookup => true;

    public virtual bool ParallelQuery => true;

    public virtual bool GroupsBySorting => false;

    /// <summary>The engine's names of the logical column types.</summary>
    protected abstract (string Text, string Date, string Integer, string Decimal) TypeNames { get; }

    /// <summary><c>column type, …</c> for a table definition.</summary>
    protected string ColumnDefinitions(IReadOnlyList<(string Column, ColumnType Type)> columns) =>
        string.Join(", ", columns.Select(c => $"{c.Column} {TypeName(c.Type)}"));
}

/// <summary>SQLite 3.24+: ON CONFLICT upserts, strftime date arithmetic, dynamic column types.</summary>
internal sealed class SqliteDialect : DialectBase
{
    protected override int MaxParameters => 32_766; // SQLITE_MAX_VARIABLE_NUMBER since 3.32

    public override bool UpperCostsMoreThanALookup => false;

    public override bool ParallelQuery => false;

    public override bool GroupsBySorting => true;

    // One row per statement: Dapper then prepares it once and runs it per row (see IDbDialect).
    public override int UpsertRowsPerStatement(int columns) => 1;

    // The year of the date moved back by the shift (0-11 months) is its calendar year, less one when its month is at
    // most the shift: read from the ISO text (the leading integer, the month's two digits) without strftime, which
    // formats a new string for every grant (1M grants: 0.19 s of CPU against 0.33 s in the sqlite3 shell, the same
    // year for every grant at shifts 0, 1, 3, 5 and 11).
    public override string FiscalYearOf(string dateExpression, string shiftMonthsParameter) =>
        $"(CAST({dateExpression} AS INTEGER) "
        + $"- (CAST(substr({dateExpression}, 6, 2) AS INTEGER) <= @{shiftMonthsParameter}))";

    // Dates are ISO text; decimals are stored as doubles.
    protected override (string Text, string Date, string Integer, string Decimal) TypeNames =>
        ("TEXT", "TEXT", "INTEGER", "REAL");

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };
}

/// <summary>PostgreSQL: ILIKE, arrays for list parameters, make_interval for date arithmetic.</summary>
internal sealed class PostgresDialect : DialectBase
{
    public override string ContainsIgnoreCase(string column, string parameter) =>
        $"{column} ILIKE @{parameter} ESCAPE '\\'";

    public override string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";

    protected override int MaxParameters => 65_535;

    public override string FiscalYearOf(string dateExpression, string shiftMonthsParameter) =>
        $"CAST(EXTRACT(YEAR FROM {dateExpression} - make_interval(months => @{shiftMonthsParameter})) AS integer)";

    protected override (string Text, string Date, string Integer, string Decimal) TypeNames =>
        ("text", "date", "bigint", "numeric");

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    // Hashed with the group's other aggregates (no sort), sent as one binary string per group: each value's int8send
    // (8 bytes, big-endian) appended. An int8[] of array_agg adds a length word per element that the client decodes
    // one by one; the bytes are copied whole and swapped in place: the level × purpose medians' read of 1M grants took
    // 77-95 ms of the service's CPU against 181-214 ms with the arrays (docs/performance-history.md).
    public override string? EveryValue(string expression) => $"string_agg(int8send({expression}), ''::bytea)";

    public override string CommitWithoutWaitingForFlush => "SET LOCAL synchronous_commit = off;";

    // Only where the server offers lz4 (PostgreSQL 14+ built with it): set_config runs once per row of pg_settings
    // that matches, so nowhere else.
    public override string FastValueCompression =>
        "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings "
        + "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals);";
}

/// <summary>SQL Server: OFFSET … FETCH, MERGE for upserts, OUTPUT INSERTED for ids, #temp tables.</summary>
internal sealed class SqlServerDialect : DialectBase
{
    public override string Limit(string parameter) => $"OFFSET 0 ROWS FETCH NEXT @{parameter} ROWS ONLY";

    protected override int MaxParameters => 2_098;

    protected override string Upsert(UpsertShape u, IEnumerable<IEnumerable<string>> rows) =>
        $"""
            MERGE {u.Table} WITH (HOLDLOCK) AS t
            USING (VALUES {ValuesList(rows)}) AS s ({string.Join(", ", u.InsertColumns)})
            ON {string.Join(" AND ", u.KeyColumns.Select(c => $"t.{c} = s.{c}"))}
            WHEN MATCHED AND ({MergeCondition.Render(u.ChangedWhen, "t", "s")})
              THEN UPDATE SET {MergeCondition.SetList(u.UpdateColumns, u.UpdateValues, "t", "s", ", ")}
            WHEN NOT MATCHED THEN INSERT ({string.Join(", ", u.InsertColumns)})
              VALUES ({string.Join(", ", u.InsertColumns.Select(c => "s." + c))});
            """;

    public override string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) OUTPUT INSERTED.{idColumn} "
        + $"VALUES ({string.Join(", ", columns.Select(c => "@" + c))})";

    // T-SQL's LIKE also reads [ as the start of a character class: escaped here, so the pattern means what it means
    // on the other engines (only % and _ are wildcards). The database's collation is case-insensitive by default.
    public override string ContainsIgnoreCase(string column, string parameter) =>
        $"{column} LIKE REPLACE(@{parameter}, '[', '\\[') ESCAPE '\\'";

    public override string FiscalYearOf(string dateExpression, string shiftMonthsParameter) =>
        $"YEAR(DATEADD(month, -@{shiftMonthsParameter}, {dateExpression}))";

    // Text of any length: never a silent nvarchar(64) that cuts a longer value.
    protected override (string Text, string Date, string Integer, string Decimal) TypeNames =>
        ("nvarchar(max)", "date", "bigint", "decimal(38,18)");

    public override string TempTable(string name) => "#" + name;

    // A #temp table lives in tempdb, whose collation (the server's) can differ from the database's: text columns take
    // the database's, or comparing them with the tables' fails with a collation conflict (error 468).
    public override string CreateTempTable(string name, IReadOnlyList<(string Column, ColumnType Type)> columns) =>
        $"IF OBJECT_ID('tempdb..#{name}') IS NULL CREATE TABLE #{name} ("
        + string.Join(", ", columns.Select(c => ColumnDefinitions([c]) + Collation(c.Type)))
        + $"); DELETE FROM #{name};";

    private static string Collation(ColumnType type) => type == ColumnType.Text ? " COLLATE DATABASE_DEFAULT" : "";

    // READCOMMITTEDLOCK makes the read a locking one even where the database reads snapshots (Azure SQL's default), so
    // that READPAST applies: rows locked by another transaction (an insert not yet committed) are skipped, not awaited.
    public override string ReadPastUncommitted(string table) => $"{table} WITH (READCOMMITTEDLOCK, READPAST)";

    // 2627: unique constraint or primary key; 2601: unique index.
    public override bool IsUniqueViolation(Exception exception) => exception is SqlException { Number: 2627 or 2601 };
}

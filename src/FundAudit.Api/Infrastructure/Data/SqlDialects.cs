using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>Shared SQL shapes for the ANSI-ish engines.</summary>
internal abstract class DialectBase(string connectionString) : IDbDialect
{
    protected string ConnectionString { get; } = connectionString;

    public abstract DatabaseProvider Provider { get; }

    public abstract string MigrationFolder { get; }

    public abstract DbConnection CreateConnection();

    public virtual string Limit(string parameter) => $"LIMIT @{parameter}";

    public virtual string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> insertColumns, IReadOnlyList<string> updateColumns, string changedWhen)
    {
        // INSERT … ON CONFLICT: the same text on SQLite (3.24+) and PostgreSQL. The stored row is aliased t,
        // the proposed one is "excluded", which the predicate names s.
        var predicate = changedWhen.Replace("s.", "excluded.", StringComparison.Ordinal);
        return $"""
            INSERT INTO {table} AS t ({string.Join(", ", insertColumns)})
            VALUES ({string.Join(", ", insertColumns.Select(c => "@" + c))})
            ON CONFLICT ({string.Join(", ", keyColumns)}) DO UPDATE SET
              {string.Join(",\n  ", updateColumns.Select(c => $"{c} = excluded.{c}"))}
            WHERE {predicate}
            """;
    }

    public virtual string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))}) RETURNING {idColumn}";

    public virtual string ContainsIgnoreCase(string column, string parameter) => $"lower({column}) LIKE lower(@{parameter}) ESCAPE '\\'";

    public virtual string InList(string column, string parameter) => $"{column} IN @{parameter}";

    // The same text on SQLite and PostgreSQL but for the JSON table function; "WHERE true" keeps SQLite from reading
    // ON CONFLICT as a join constraint, and the key order takes row locks in one order (as the triggers do).
    public virtual string InsertAddingFromJson(string table, IReadOnlyList<(string Column, string Type)> columns, IReadOnlyList<string> keyColumns, IReadOnlyList<string> sumColumns) => $"""
        INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Column))})
        SELECT {string.Join(", ", columns.Select((c, i) => JsonElement(i, c.Type)))}
        FROM {JsonRows("@Rows")}
        WHERE true
        ORDER BY {string.Join(", ", keyColumns.Select(k => (columns.Select(c => c.Column).ToList().IndexOf(k) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))}
        ON CONFLICT ({string.Join(", ", keyColumns)}) DO UPDATE SET
          {string.Join(", ", sumColumns.Select(c => $"{c} = {table}.{c} + excluded.{c}"))}
        """;

    /// <summary>A table of JSON array elements, aliased e, from the JSON text in <paramref name="parameter"/>.</summary>
    protected abstract string JsonRows(string parameter);

    /// <summary>Element <paramref name="index"/> of the JSON array e, as <paramref name="logicalType"/>.</summary>
    protected abstract string JsonElement(int index, string logicalType);

    public abstract IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target);
    public abstract string FiscalYearOf(string dateExpression, string shiftMonthsParameter);

    public virtual string TempTable(string name) => name;

    public virtual string CreateTempTable(string name, IReadOnlyList<(string Column, string Type)> columns) =>
        $"CREATE TEMP TABLE IF NOT EXISTS {name} ({string.Join(", ", columns.Select(c => $"{c.Column} {TypeName(c.Type)}"))}); DELETE FROM {name};";

    protected abstract string TypeName(string logicalType);
    public abstract bool IsUniqueViolation(Exception exception);

    public virtual Task ReadRowsAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object> parameters, Action<IRowCursor> row, CancellationToken ct) =>
        DataReaderCursor.ReadAsync(connection, sql, parameters, row, ct);
}

internal sealed class SqliteDialect(string connectionString, int busyTimeoutMs) : DialectBase(connectionString)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string MigrationFolder => "sqlite";

    public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString) { DefaultTimeout = Math.Max(1, busyTimeoutMs / 1000) };

    public override Task ReadRowsAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object> parameters, Action<IRowCursor> row, CancellationToken ct) =>
        SqliteRowCursor.ReadAsync((SqliteConnection)connection, sql, parameters, row, ct);

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    /// <summary>Per-connection settings (DESIGN "Storage"): applied each time a connection opens.</summary>
    public override string FiscalYearOf(string dateExpression, string shiftMonthsParameter) =>
        $"CAST(strftime('%Y', {dateExpression}, '-' || @{shiftMonthsParameter} || ' months') AS INTEGER)";

    protected override string TypeName(string logicalType) => logicalType switch { "decimal" => "REAL", "integer" => "INTEGER", _ => "TEXT" };

    public string ConnectionPragmas =>
        $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

    public override IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target) =>
        new SqliteBulkUpsert((SqliteConnection)connection, target);

    protected override string JsonRows(string parameter) => $"json_each({parameter}) e";

    protected override string JsonElement(int index, string logicalType) => $"e.value ->> {index.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

internal sealed class PostgresDialect(string connectionString) : DialectBase(connectionString)
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override string MigrationFolder => "postgres";

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override string ContainsIgnoreCase(string column, string parameter) => $"{column} ILIKE @{parameter} ESCAPE '\\'";

    public override string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";

    public override IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target) =>
        new PostgresBulkUpsert((NpgsqlConnection)connection, target);

    protected override string JsonRows(string parameter) => $"json_array_elements(CAST({parameter} AS json)) e";

    protected override string JsonElement(int index, string logicalType) =>
        $"CAST(e ->> {index.ToString(System.Globalization.CultureInfo.InvariantCulture)} AS {TypeName(logicalType)})";
    public override string FiscalYearOf(string dateExpression, string shiftMonthsParameter) =>
        $"CAST(EXTRACT(YEAR FROM {dateExpression} - make_interval(months => @{shiftMonthsParameter})) AS integer)";

    protected override string TypeName(string logicalType) => logicalType switch { "decimal" => "numeric", "date" => "date", "integer" => "bigint", _ => "text" };
    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}

internal sealed class SqlServerDialect(string connectionString) : DialectBase(connectionString)
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public override string MigrationFolder => "sqlserver";

    public override DbConnection CreateConnection() => new SqlConnection(ConnectionString);

    public override string Limit(string parameter) => $"OFFSET 0 ROWS FETCH NEXT @{parameter} ROWS ONLY";

    public override string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> insertColumns, IReadOnlyList<string> updateColumns, string changedWhen) => $"""
        MERGE {table} WITH (HOLDLOCK) AS t
        USING (SELECT {string.Join(", ", insertColumns.Select(c => $"@{c} AS {c}"))}) AS s
        ON {string.Join(" AND ", keyColumns.Select(c => $"t.{c} = s.{c}"))}
        WHEN MATCHED AND ({changedWhen}) THEN UPDATE SET {string.Join(", ", updateColumns.Select(c => $"{c} = s.{c}"))}
        WHEN NOT MATCHED THEN INSERT ({string.Join(", ", insertColumns)}) VALUES ({string.Join(", ", insertColumns.Select(c => "s." + c))});
        """;

    public override string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) OUTPUT INSERTED.{idColumn} VALUES ({string.Join(", ", columns.Select(c => "@" + c))})";

    public override string ContainsIgnoreCase(string column, string parameter) => $"{column} LIKE @{parameter} ESCAPE '\\'";

    public override IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target) =>
        new SqlServerBulkUpsert((SqlConnection)connection, target);

    public override string InsertAddingFromJson(string table, IReadOnlyList<(string Column, string Type)> columns, IReadOnlyList<string> keyColumns, IReadOnlyList<string> sumColumns) => $"""
        MERGE {table} WITH (HOLDLOCK) AS t
        USING (SELECT {string.Join(", ", columns.Select((c, i) => $"{JsonElement(i, c.Type)} AS {c.Column}"))} FROM {JsonRows("@Rows")}) AS s
        ON {string.Join(" AND ", keyColumns.Select(c => $"t.{c} = s.{c}"))}
        WHEN MATCHED THEN UPDATE SET {string.Join(", ", sumColumns.Select(c => $"{c} = t.{c} + s.{c}"))}
        WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(c => c.Column))}) VALUES ({string.Join(", ", columns.Select(c => "s." + c.Column))});
        """;

    protected override string JsonRows(string parameter) => $"OPENJSON({parameter}) e";

    protected override string JsonElement(int index, string logicalType) =>
        $"CAST(JSON_VALUE(e.value, '$[{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}]') AS {TypeName(logicalType)})";
    public override string FiscalYearOf(string dateExpression, string shiftMonthsParameter) => $"YEAR(DATEADD(month, -@{shiftMonthsParameter}, {dateExpression}))";

    public override string TempTable(string name) => "#" + name;

    public override string CreateTempTable(string name, IReadOnlyList<(string Column, string Type)> columns) =>
        $"IF OBJECT_ID('tempdb..#{name}') IS NULL CREATE TABLE #{name} ({string.Join(", ", columns.Select(c => $"{c.Column} {TypeName(c.Type)}"))}); DELETE FROM #{name};";

    protected override string TypeName(string logicalType) => logicalType switch { "decimal" => "decimal(38,18)", "date" => "date", "integer" => "bigint", _ => "nvarchar(64)" };
    // 2627: unique constraint or primary key; 2601: unique index.
    public override bool IsUniqueViolation(Exception exception) => exception is SqlException { Number: 2627 or 2601 };
}

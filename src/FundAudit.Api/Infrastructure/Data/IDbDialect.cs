using System.Data.Common;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// The one place where the three databases differ (DESIGN rule 6): paging, upsert, returning ids,
/// migrations and connection set-up. Everything else is plain SQL run with Dapper.
/// </summary>
internal interface IDbDialect
{
    DatabaseProvider Provider { get; }

    /// <summary>Folder under migrations/ holding this engine's scripts.</summary>
    string MigrationFolder { get; }

    DbConnection CreateConnection();

    /// <summary>A row limit placed after ORDER BY, bound to the parameter <paramref name="parameter"/>.</summary>
    string Limit(string parameter);

    /// <summary>
    /// <c>INSERT … VALUES (…)</c> that updates <paramref name="updateColumns"/> when a row with the same
    /// <paramref name="keyColumns"/> exists and <paramref name="changedWhen"/> (a predicate over the stored row
    /// <c>t</c> and the new values <c>s</c>) holds. Values are bound from parameters named like the columns.
    /// </summary>
    string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> insertColumns, IReadOnlyList<string> updateColumns, string changedWhen);

    /// <summary>An INSERT that answers the new row's <paramref name="idColumn"/> as a scalar.</summary>
    string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn);

    /// <summary><c>column IN (…)</c> for a parameter bound to a list (Dapper expands it; PostgreSQL takes an array).</summary>
    string InList(string column, string parameter);

    /// <summary>Case-insensitive substring match of <paramref name="column"/> against a parameter holding a LIKE pattern.</summary>
    string ContainsIgnoreCase(string column, string parameter);

    /// <summary>
    /// The engine's bulk path for many rows into <paramref name="target"/> on an open <paramref name="connection"/>:
    /// rows are first staged (batch by batch, outside any transaction on the target table, so other connections can
    /// keep writing progress), then merged by <see cref="IBulkUpsert.MergeAsync"/> in ONE statement inside the caller's
    /// transaction: all staged rows or none. SQLite: batched prepared inserts into a TEMP table (which takes no lock on
    /// the main database) and INSERT … SELECT … ON CONFLICT. PostgreSQL: binary COPY into a temp table and INSERT … SELECT
    /// … ON CONFLICT DO UPDATE WHERE changed. SQL Server: SqlBulkCopy into a #temp table and MERGE.
    /// </summary>
    IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target);
    /// The year of a date expression shifted back by the months in the integer parameter <paramref name="shiftMonthsParameter"/>:
    /// the fiscal year (named by the calendar year it starts in) of a year starting in month shift + 1.
    /// </summary>
    string FiscalYearOf(string dateExpression, string shiftMonthsParameter);

    /// <summary>
    /// Statements that create (if needed) and empty a connection-private temporary table. Column types are logical:
    /// <c>text</c>, <c>date</c>, <c>integer</c> (64-bit), <c>decimal</c> (exact where the engine has it; SQLite stores a double).
    /// </summary>
    string CreateTempTable(string name, IReadOnlyList<(string Column, string Type)> columns);

    /// <summary>How SQL names the temporary table <paramref name="name"/> (SQL Server prefixes #).</summary>
    string TempTable(string name);
    /// <summary>
    /// Runs <paramref name="sql"/> (parameters named <c>@Name</c>, bound from <paramref name="parameters"/>) on an open
    /// connection and hands each row to <paramref name="row"/>. For queries answering very many narrow rows: SQLite
    /// reads them through its C API without allocating per row; the other engines through their ADO.NET reader.
    /// </summary>
    Task ReadRowsAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object> parameters, Action<IRowCursor> row, CancellationToken ct);

    /// <summary>
    /// One statement that writes many rows given as a JSON array of arrays bound to the parameter <c>@Rows</c> (each
    /// array holds <paramref name="columns"/> in order; types are logical: <c>text</c>, <c>date</c> as yyyy-MM-dd,
    /// <c>integer</c>): a row whose <paramref name="keyColumns"/> are already stored gets its
    /// <paramref name="sumColumns"/> added to instead. For running totals written in bulk (SQLite json_each,
    /// PostgreSQL json_array_elements, SQL Server OPENJSON).
    /// </summary>
    string InsertAddingFromJson(string table, IReadOnlyList<(string Column, string Type)> columns, IReadOnlyList<string> keyColumns, IReadOnlyList<string> sumColumns);

    /// <summary>Whether <paramref name="exception"/> is this engine's unique-constraint (or primary-key) violation.</summary>
    bool IsUniqueViolation(Exception exception);
}

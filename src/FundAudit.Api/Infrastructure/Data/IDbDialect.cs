namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// The SQL dialect: the fragments of SQL text where the three databases differ (DESIGN rule 6): paging, upsert,
/// returning ids, list parameters, case-insensitive matching, date arithmetic and column types. It builds text only;
/// running anything on a connection (bulk loads, row streams, JSON totals) is the engine's (<see cref="IDbEngine"/>).
/// </summary>
internal interface IDbDialect
{
    /// <summary>A row limit placed after ORDER BY, bound to the parameter <paramref name="parameter"/>.</summary>
    string Limit(string parameter);

    /// <summary>
    /// <c>INSERT … VALUES (…)</c> that updates <paramref name="updateColumns"/> when a row with the same
    /// <paramref name="keyColumns"/> exists and <paramref name="changedWhen"/> holds: a predicate over the stored row
    /// <c>{target}</c> and the new values <c>{source}</c> (see <see cref="MergeCondition"/>). Values are bound from
    /// parameters named like the columns; an updated column takes its new value, or the expression over
    /// <c>{source}</c> that <paramref name="updateValues"/> gives it (<see cref="MergeCondition.SetList"/>).
    /// </summary>
    string Upsert(
        string table,
        IReadOnlyList<string> keyColumns,
        IReadOnlyList<string> insertColumns,
        IReadOnlyList<string> updateColumns,
        string changedWhen,
        IReadOnlyDictionary<string, string> updateValues
    );

    /// <summary>
    /// <see cref="Upsert"/> for <paramref name="rows"/> rows in one statement (a multi-row <c>VALUES</c> list, one
    /// round trip): the value of <c>insertColumns[c]</c> in row <c>r</c> is bound from the parameter named
    /// <see cref="RowParameter"/>(r, c). Rows must have distinct keys; at most
    /// <see cref="UpsertRowsPerStatement"/> of them.
    /// </summary>
    string UpsertRows(
        string table,
        IReadOnlyList<string> keyColumns,
        IReadOnlyList<string> insertColumns,
        IReadOnlyList<string> updateColumns,
        string changedWhen,
        IReadOnlyDictionary<string, string> updateValues,
        int rows
    );

    /// <summary>The name (without @) of the parameter of column <paramref name="column"/> in row
    /// <paramref name="row"/> of <see cref="UpsertRows"/>: short, so that a statement of thousands of them stays
    /// small.</summary>
    static string RowParameter(int row, int column) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"r{row}_{column}");

    /// <summary>
    /// How many rows one <see cref="UpsertRows"/> statement of <paramref name="columns"/> columns writes: as many as
    /// the engine's parameter limit allows where each statement is a round trip to a server (PostgreSQL 65,535, its
    /// protocol counts them in 16 bits; SQL Server 2,098, as 2,100 per request include sp_executesql's statement and
    /// parameter list); 1 on SQLite, whose statements run in process (nothing to save) and whose driver binds named
    /// parameters in time that grows with the square of their count (README, Performance).
    /// </summary>
    int UpsertRowsPerStatement(int columns);

    /// <summary>An INSERT that answers the new row's <paramref name="idColumn"/> as a scalar.</summary>
    string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn);

    /// <summary>
    /// <c>column IN (…)</c> for a parameter bound to a list (Dapper expands it; PostgreSQL takes an array).
    /// </summary>
    string InList(string column, string parameter);

    /// <summary>
    /// Case-insensitive substring match of <paramref name="column"/> against a parameter holding a LIKE pattern.
    /// </summary>
    string ContainsIgnoreCase(string column, string parameter);

    /// <summary>
    /// The year of a date expression shifted back by the months in the integer parameter
    /// <paramref name="shiftMonthsParameter"/>: the fiscal year (named by the calendar year it starts in) of a year
    /// starting in month shift + 1.
    /// </summary>
    string FiscalYearOf(string dateExpression, string shiftMonthsParameter);

    /// <summary>
    /// An aggregate answering every value of the integer <paramref name="expression"/> over the group as one binary
    /// string of 8-byte big-endian integers (read with <see cref="IRowCursor.Int64s"/>), in no particular order; null
    /// where the engine has no such aggregate (SQLite, SQL Server).
    /// </summary>
    string? EveryValue(string expression);

    /// <summary>The engine's type for a column of the logical <paramref name="type"/>.</summary>
    string TypeName(ColumnType type);

    /// <summary>Statements that create (if needed) and empty a connection-private temporary table.</summary>
    string CreateTempTable(string name, IReadOnlyList<(string Column, ColumnType Type)> columns);

    /// <summary>How SQL names the temporary table <paramref name="name"/> (SQL Server prefixes #).</summary>
    string TempTable(string name);

    /// <summary>
    /// Whether <paramref name="exception"/> is this engine's unique-constraint (or primary-key) violation.
    /// </summary>
    bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// A statement that, run first in a transaction, lets that transaction's commit return before its log records are
    /// flushed to disk (PostgreSQL <c>SET LOCAL synchronous_commit = off</c>); empty where the engine has no such
    /// per-transaction setting (SQLite's is per connection, SQL Server's delayed durability needs a database option),
    /// so the commit there is as durable as any other. Only for writes that a later synchronous commit completes: the
    /// log is flushed in order, so that commit makes them durable too.
    /// </summary>
    string CommitWithoutWaitingForFlush { get; }

    /// <summary>
    /// A statement that, run first in a transaction, has large values it stores compressed with the engine's fastest
    /// method (PostgreSQL: lz4 instead of the default pglz for TOAST, where the server was built with lz4; the values
    /// read back the same); empty where the engine has no such setting.
    /// </summary>
    string FastValueCompression { get; }

    /// <summary>
    /// <paramref name="table"/> as a FROM clause names it for a read that must not wait for rows other transactions
    /// are still writing (it skips them: they are not committed yet). SQL Server without snapshot reads would wait
    /// for each such row's lock, so it reads past them (<c>WITH (READCOMMITTEDLOCK, READPAST)</c>); PostgreSQL reads
    /// committed rows without waiting and SQLite has one writer, so both name the table as it is.
    /// </summary>
    string ReadPastUncommitted(string table);

    /// <summary>
    /// Whether <c>upper()</c> of a text costs more than looking the text up in a small hashed list: true on PostgreSQL
    /// and SQL Server, whose <c>upper()</c> follows the locale (PostgreSQL converts each text to wide characters and
    /// back; over a million grants' countries a fifth of a report's read), false on SQLite, whose <c>upper()</c>
    /// folds ASCII only, as its NOCASE collation does, which then compares the text with the keys instead.
    /// </summary>
    bool UpperCostsMoreThanALookup { get; }

    /// <summary>
    /// Whether the engine reads one statement with several processes or threads (PostgreSQL's and SQL Server's
    /// parallel plans): a long read split into award-date ranges on two connections gains nothing there. SQLite reads
    /// a statement on one thread, so such a split halves the read's wall time where a second core is free.
    /// </summary>
    bool ParallelQuery { get; }

    /// <summary>
    /// Whether the engine's GROUP BY sorts the rows it groups (SQLite, which has no hash aggregate): rows it would sort
    /// only to sum a few groups then cost less read as they are stored and summed by the service.
    /// </summary>
    bool GroupsBySorting { get; }
}

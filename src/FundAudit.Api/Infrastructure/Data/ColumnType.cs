namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// A column's logical type, which each dialect names in its own SQL (<see cref="IDbDialect.TypeName"/>): temporary
/// tables and the casts of JSON rows are typed with these, never with an engine's type names.
/// </summary>
internal enum ColumnType
{
    /// <summary>Text of any length (SQLite TEXT, PostgreSQL text, SQL Server nvarchar(max)).</summary>
    Text,

    /// <summary>A calendar date, written yyyy-MM-dd where the engine keeps dates as text (SQLite).</summary>
    Date,

    /// <summary>A 64-bit integer.</summary>
    Integer,

    /// <summary>An exact decimal where the engine has one (SQLite stores a double).</summary>
    Decimal,
}

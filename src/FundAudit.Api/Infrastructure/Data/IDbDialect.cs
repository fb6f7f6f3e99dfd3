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

    /// <summary>Whether <paramref name="exception"/> is this engine's unique-constraint (or primary-key) violation.</summary>
    bool IsUniqueViolation(Exception exception);
}

using FundAudit.Api.Tests.SqlServer;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace FundAudit.Api.Tests.Tenancy;

/// <summary>
/// Whether a statement keeps to one funder, read from SQL Server's own parse tree: each statement of a batch that
/// names a tenant table (one with a <c>funder_id</c> column) must compare <c>funder_id</c> with a parameter
/// (<c>funder_id = @X</c>, <c>funder_id IN (@X, …)</c>) or, writing a row, name <c>funder_id</c> among the columns
/// it inserts. A comparison of two columns (<c>a.funder_id = b.funder_id</c>) or with a subquery does not count: it
/// does not say which funder.
/// </summary>
internal static class TenantFilter
{
    /// <summary>The column that says whose a row is.</summary>
    public const string Column = "funder_id";

    /// <summary>
    /// The statements of <paramref name="sql"/> that name a table of <paramref name="tenantTables"/> without saying
    /// which funder's rows they read or write, each as "tables: statement"; none for a batch that does not parse (the
    /// parse tests report those).
    /// </summary>
    public static IEnumerable<string> Unfiltered(string sql, IReadOnlySet<string> tenantTables)
    {
        var (tree, errors) = TSql.Parse(sql);
        if (errors.Count > 0 || tree is not TSqlScript script)
        {
            yield break;
        }

        foreach (var statement in script.Batches.SelectMany(b => b.Statements))
        {
            var facts = new Facts();
            statement.Accept(facts);
            var touched = facts.Tables.Where(tenantTables.Contains).Order(StringComparer.Ordinal).ToList();
            if (touched.Count > 0 && !facts.SaysWhichFunder)
            {
                yield return $"{string.Join(", ", touched)}: {Text(statement)}";
            }
        }
    }

    private static string Text(TSqlFragment fragment) =>
        string.Concat(
                Enumerable
                    .Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1)
                    .Select(i => fragment.ScriptTokenStream[i].Text)
            )
            .ReplaceLineEndings(" ");

    private static bool IsFunderColumn(ScalarExpression? e) =>
        e is ColumnReferenceExpression { MultiPartIdentifier.Identifiers: [.., var last] }
        && string.Equals(last.Value, Column, StringComparison.OrdinalIgnoreCase);

    private static bool IsFunderColumn(ColumnReferenceExpression c) => IsFunderColumn((ScalarExpression)c);

    private sealed class Facts : TSqlFragmentVisitor
    {
        public HashSet<string> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

        public bool SaysWhichFunder { get; private set; }

        public override void Visit(NamedTableReference node) => Tables.Add(node.SchemaObject.BaseIdentifier.Value);

        public override void Visit(BooleanComparisonExpression node)
        {
            if (
                node.ComparisonType == BooleanComparisonType.Equals
                && (
                    (IsFunderColumn(node.FirstExpression) && node.SecondExpression is VariableReference)
                    || (IsFunderColumn(node.SecondExpression) && node.FirstExpression is VariableReference)
                )
            )
            {
                SaysWhichFunder = true;
            }
        }

        public override void Visit(InPredicate node)
        {
            if (
                !node.NotDefined
                && node.Subquery is null
                && IsFunderColumn(node.Expression)
                && node.Values.All(v => v is VariableReference)
            )
            {
                SaysWhichFunder = true;
            }
        }

        public override void Visit(InsertSpecification node) => SaysWhichFunder |= node.Columns.Any(IsFunderColumn);

        public override void Visit(InsertMergeAction node) => SaysWhichFunder |= node.Columns.Any(IsFunderColumn);
    }
}

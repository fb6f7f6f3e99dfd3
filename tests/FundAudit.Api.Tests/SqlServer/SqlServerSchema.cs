using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace FundAudit.Api.Tests.SqlServer;

/// <summary>
/// The tables and columns (with their declared type) that a set of SQL Server scripts leaves behind, read from
/// ScriptDom's parse trees in script order: CREATE TABLE, ALTER TABLE ADD / ALTER COLUMN / DROP COLUMN, DROP TABLE.
/// Temporary tables (#) and table variables are not tables of the schema. A statement that changes tables in a way
/// this reading does not follow (sp_rename) is reported in <see cref="Unfollowed"/>.
/// </summary>
internal sealed class SqlServerSchema : TSqlFragmentVisitor
{
    private readonly string _where;

    private SqlServerSchema(string where) => _where = where;

    /// <summary>Table → column → declared type (lower case, without length).</summary>
    public Dictionary<string, Dictionary<string, string>> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Unfollowed { get; } = [];

    /// <summary>Reads every script in order; each must parse (see the migration parse test).</summary>
    public static SqlServerSchema Read(IEnumerable<(string Name, string Script)> scripts)
    {
        var schema = new SqlServerSchema("");
        foreach (var (name, script) in scripts)
        {
            foreach (var (line, batch) in TSql.Batches(script))
            {
                var (tree, errors) = TSql.Parse(batch);
                if (errors.Count > 0)
                {
                    throw new InvalidOperationException(TSql.Describe(name, batch, line, errors));
                }

                tree.Accept(new SqlServerSchema(name) { Target = schema });
            }
        }

        return schema;
    }

    private SqlServerSchema? Target { get; init; }

    private Dictionary<string, Dictionary<string, string>> Into => (Target ?? this).Tables;

    public override void Visit(CreateTableStatement node)
    {
        var table = node.SchemaObjectName.BaseIdentifier.Value;
        if (table.StartsWith('#') || node.Definition is null)
        {
            return;
        }

        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in node.Definition.ColumnDefinitions)
        {
            columns[column.ColumnIdentifier.Value] = TypeOf(column);
        }

        Into[table] = columns;
    }

    public override void Visit(AlterTableAddTableElementStatement node)
    {
        if (Into.TryGetValue(node.SchemaObjectName.BaseIdentifier.Value, out var columns))
        {
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                columns[column.ColumnIdentifier.Value] = TypeOf(column);
            }
        }
    }

    public override void Visit(AlterTableAlterColumnStatement node)
    {
        if (Into.TryGetValue(node.SchemaObjectName.BaseIdentifier.Value, out var columns) && node.DataType is not null)
        {
            columns[node.ColumnIdentifier.Value] = TypeName(node.DataType);
        }
    }

    public override void Visit(AlterTableDropTableElementStatement node)
    {
        if (Into.TryGetValue(node.SchemaObjectName.BaseIdentifier.Value, out var columns))
        {
            foreach (var element in node.AlterTableDropTableElements)
            {
                if (element.TableElementType == TableElementType.Column)
                {
                    columns.Remove(element.Name.Value);
                }
            }
        }
    }

    public override void Visit(DropTableStatement node)
    {
        foreach (var table in node.Objects)
        {
            Into.Remove(table.BaseIdentifier.Value);
        }
    }

    public override void Visit(ExecutableProcedureReference node)
    {
        var name = node.ProcedureReference?.ProcedureReference?.Name?.BaseIdentifier?.Value;
        if (string.Equals(name, "sp_rename", StringComparison.OrdinalIgnoreCase))
        {
            (Target ?? this).Unfollowed.Add($"{_where}: sp_rename (the schema comparison does not follow renames)");
        }
    }

    private static string TypeOf(ColumnDefinition column) =>
        column.DataType is null ? "computed" : TypeName(column.DataType);

    private static string TypeName(DataTypeReference type) =>
        type switch
        {
            SqlDataTypeReference sql => sql.SqlDataTypeOption.ToString().ToLowerInvariant(),
            _ => type.Name.BaseIdentifier.Value.ToLowerInvariant(),
        };
}

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>The parameters of a row written from a record, instead of copying the record field by field.</summary>
internal static class RowArgs
{
    /// <summary>
    /// Every public property of <paramref name="fields"/>, plus the keys and instants in <paramref name="more"/>
    /// (an anonymous object) that the record does not carry.
    /// </summary>
    public static DynamicParameters Of(object fields, object more)
    {
        var args = new DynamicParameters(fields);
        args.AddDynamicParams(more);
        return args;
    }

    /// <summary>
    /// The values of <paramref name="columns"/> (snake_case) for an INSERT of <paramref name="row"/>
    /// (<see cref="IDbDialect.InsertReturningId"/>): each the row's property of the same name, <c>funder_id</c> from
    /// <c>FunderId</c>, as Dapper reads rows back (<c>MatchNamesWithUnderscores</c>), in a parameter named as the
    /// column.
    /// </summary>
    public static DynamicParameters OfColumns(object row, IReadOnlyList<string> columns)
    {
        var args = new DynamicParameters();
        foreach (var column in columns)
        {
            var name = string.Concat(column.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
            var property = row.GetType().GetProperty(name)
                ?? throw new ArgumentException($"{row.GetType().Name} has no {name} for {column}.", nameof(columns));
            args.Add(column, property.GetValue(row));
        }

        return args;
    }

    /// <summary>The columns of <paramref name="columnList"/> (comma-separated, as a SELECT names them) that an INSERT
    /// of a new row writes: all but the generated <c>id</c>.</summary>
    public static string[] InsertedColumns(string columnList) =>
        [.. columnList.Split(',', StringSplitOptions.TrimEntries).Where(c => c != "id")];
}

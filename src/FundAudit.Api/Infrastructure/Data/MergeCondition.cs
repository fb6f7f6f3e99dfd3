namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// A predicate of an upsert or merge over the stored row and the proposed one, written with the placeholders
/// <see cref="Target"/> and <see cref="Source"/> (<c>{target}.content_hash &lt;&gt; {source}.content_hash</c>); each
/// engine puts in its own names (SQLite and PostgreSQL: <c>t</c> and <c>excluded</c>; SQL Server: <c>t</c> and
/// <c>s</c>). Only the placeholders are rewritten, never a qualifier that happens to end in "s".
/// </summary>
internal static class MergeCondition
{
    /// <summary>Stands for the stored row.</summary>
    public const string Target = "{target}";

    /// <summary>Stands for the row being written.</summary>
    public const string Source = "{source}";

    /// <summary>The condition with both placeholders replaced by the aliases of one statement.</summary>
    public static string Render(string condition, string target, string source)
    {
        if (
            !condition.Contains(Target, StringComparison.Ordinal)
            && !condition.Contains(Source, StringComparison.Ordinal)
        )
        {
            throw new ArgumentException($"Name {Target} or {Source} in the condition: {condition}", nameof(condition));
        }

        return condition
            .Replace(Target, target, StringComparison.Ordinal)
            .Replace(Source, source, StringComparison.Ordinal);
    }

    /// <summary>
    /// The SET list of an upsert or merge: each of <paramref name="columns"/> takes the proposed row's value, or, where
    /// <paramref name="values"/> names the column, that expression over <see cref="Source"/> (and
    /// <see cref="Target"/>), rendered with the statement's aliases.
    /// </summary>
    public static string SetList(
        IReadOnlyList<string> columns,
        IReadOnlyDictionary<string, string> values,
        string target,
        string source,
        string separator
    ) =>
        string.Join(
            separator,
            columns.Select(c =>
                values.TryGetValue(c, out var value) ? $"{c} = {Render(value, target, source)}" : $"{c} = {source}.{c}"
            )
        );
}

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace FundAudit.Api.Tests.SqlServer;

/// <summary>
/// SQL Server's own T-SQL parser (ScriptDom, <see cref="TSql160Parser"/>: SQL Server 2022), with QUOTED_IDENTIFIER on
/// as SqlClient sets it. No SQL Server runs on these machines; this is how far they can check what is sent to one.
/// </summary>
internal static partial class TSql
{
    /// <summary>
    /// The batches of a script as DbUp sends them: split on a line holding only GO (any case), empty batches dropped;
    /// each with the line it starts on.
    /// </summary>
    public static IReadOnlyList<(int Line, string Text)> Batches(string script)
    {
        var batches = new List<(int, string)>();
        var lines = script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new StringBuilder();
        var start = 1;
        for (var i = 0; i < lines.Length; i++)
        {
            if (GoLine().IsMatch(lines[i]))
            {
                Add(batches, start, current);
                current.Clear();
                start = i + 2;
                continue;
            }

            current.Append(lines[i]).Append('\n');
        }

        Add(batches, start, current);
        return batches;
    }

    /// <summary>The parser's errors for one batch (none when it parses), with their line and column.</summary>
    public static IReadOnlyList<ParseError> Errors(string batch) => Parse(batch).Errors;

    /// <summary>Fails, naming <paramref name="where"/> and each error's line, unless <paramref name="batch"/>
    /// parses.</summary>
    public static void AssertParses(string where, string batch)
    {
        var errors = Errors(batch);
        Xunit.Assert.True(errors.Count == 0, Describe(where, batch, 1, errors));
    }

    /// <summary>The parse tree of one batch and its errors.</summary>
    public static (TSqlFragment Tree, IReadOnlyList<ParseError> Errors) Parse(string batch)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(batch);
        var tree = parser.Parse(reader, out var errors);
        return (tree, errors.ToList());
    }

    /// <summary>One line per error: where (with the batch's first line), the parser's message, the line.</summary>
    public static string Describe(string where, string batch, int firstLine, IReadOnlyList<ParseError> errors)
    {
        var lines = batch.Split('\n');
        return string.Join(
            "\n",
            errors.Select(e =>
                $"{where}:{firstLine + e.Line - 1}:{e.Column}: {e.Message} "
                + $"near: {(e.Line >= 1 && e.Line <= lines.Length ? lines[e.Line - 1].Trim() : "")}"
            )
        );
    }

    private static void Add(List<(int, string)> batches, int start, StringBuilder text)
    {
        if (!string.IsNullOrWhiteSpace(text.ToString()))
        {
            batches.Add((start, text.ToString()));
        }
    }

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();
}

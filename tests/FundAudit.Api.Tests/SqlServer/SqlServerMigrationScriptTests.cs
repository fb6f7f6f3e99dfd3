using FundAudit.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.SqlServer;

/// <summary>Every SQL Server migration parses with SQL Server's own parser, batch by batch as DbUp sends it.</summary>
public sealed class SqlServerMigrationScriptTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_sqlserver_migration_parses_as_T_SQL_batch_by_batch()
    {
        var files = Directory
            .GetFiles(Path.Combine(RepoPaths.Root, "migrations", "sqlserver"), "*.sql")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);

        var failures = new List<string>();
        var batches = 0;
        foreach (var file in files)
        {
            foreach (var (line, text) in TSql.Batches(File.ReadAllText(file)))
            {
                batches++;
                var errors = TSql.Errors(text);
                if (errors.Count > 0)
                {
                    failures.Add(TSql.Describe("migrations/sqlserver/" + Path.GetFileName(file), text, line, errors));
                }
            }
        }

        output.WriteLine($"{files.Count} files, {batches} batches, {failures.Count} with errors");
        Assert.True(failures.Count == 0, "Not valid T-SQL:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Batches_split_on_GO_lines_only_and_a_broken_batch_is_reported_with_its_file_line()
    {
        const string Script =
            "CREATE TABLE a (id bigint);\ngo\n\nSELECT 'GO' AS word FROM a;\n  GO  \nSELEC id FROM a;\n";
        var batches = TSql.Batches(Script);
        Assert.Equal([1, 3, 6], batches.Select(b => b.Line));
        Assert.Empty(TSql.Errors(batches[0].Text));
        Assert.Empty(TSql.Errors(batches[1].Text));

        var errors = TSql.Errors(batches[2].Text);
        Assert.NotEmpty(errors);
        Assert.StartsWith("x.sql:6:", TSql.Describe("x.sql", batches[2].Text, batches[2].Line, errors));
    }
}

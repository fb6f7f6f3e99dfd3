using FundAudit.Api.Infrastructure.Data;

namespace FundAudit.Api.Tests.Platform;

/// <summary>The SQL dialects' text, without a database: column types and merge conditions.</summary>
public sealed class DialectTests
{
    private static readonly IDbDialect[] Dialects =
    [
        new SqliteDialect(),
        new PostgresDialect(),
        new SqlServerDialect(),
    ];

    [Fact]
    public void Every_dialect_names_every_column_type_and_SQL_Server_text_has_no_length_limit()
    {
        foreach (var dialect in Dialects)
        {
            foreach (var type in Enum.GetValues<ColumnType>())
            {
                Assert.False(string.IsNullOrWhiteSpace(dialect.TypeName(type)));
            }
        }

        Assert.Equal("nvarchar(max)", new SqlServerDialect().TypeName(ColumnType.Text));
        Assert.Contains(
            "currency nvarchar(max)",
            new SqlServerDialect().CreateTempTable("x", [("currency", ColumnType.Text)])
        );
    }

    [Fact]
    public void Merge_conditions_rewrite_their_placeholders_and_nothing_else()
    {
        const string Changed = "{target}.content_hash <> {source}.content_hash AND grants.funder_id > 0";
        Assert.Equal(
            "t.content_hash <> excluded.content_hash AND grants.funder_id > 0",
            MergeCondition.Render(Changed, "t", "excluded")
        );
        Assert.Throws<ArgumentException>(() => MergeCondition.Render("t.a <> s.a", "t", "excluded"));

        string[] columns = ["funder_id", "identifier", "content_hash"];
        var sqlite = new SqliteDialect().Upsert(
            "grants",
            ["funder_id", "identifier"],
            columns,
            ["content_hash"],
            Changed,
            new Dictionary<string, string>()
        );
        Assert.Contains("WHERE t.content_hash <> excluded.content_hash AND grants.funder_id > 0", sqlite);
        var sqlServer = new SqlServerDialect().Upsert(
            "grants",
            ["funder_id", "identifier"],
            columns,
            ["content_hash"],
            Changed,
            new Dictionary<string, string>()
        );
        Assert.Contains("WHEN MATCHED AND (t.content_hash <> s.content_hash AND grants.funder_id > 0)", sqlServer);
    }
}

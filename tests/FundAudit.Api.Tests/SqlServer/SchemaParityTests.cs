using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.SqlServer;

/// <summary>
/// The three migration sets create the same tables with the same columns, of the same coarse type (text, integer,
/// decimal, date, binary, bool), so that SQL Server (which no machine here runs) cannot drift from the engines the
/// tests run. SQLite and PostgreSQL are read from real databases migrated by the service's migrator; SQL Server from
/// ScriptDom's parse trees of its scripts. No table is named here: every table of every migration is compared.
/// </summary>
public sealed class SchemaParityTests(ITestOutputHelper output)
{
    /// <summary>DbUp's journal, made by DbUp rather than by a script.</summary>
    private const string Journal = "schemaversions";

    [Fact]
    public async Task The_three_migration_sets_create_the_same_tables_columns_and_type_families()
    {
        var postgres = await PostgresColumnsAsync();
        var sqlite = await SqliteColumnsAsync();
        var sqlServer = SqlServerColumns();
        output.WriteLine(
            $"tables: postgres {postgres.Count}, sqlite {sqlite.Count}, sqlserver {sqlServer.Count}; columns: "
                + $"{postgres.Values.Sum(c => c.Count)}, {sqlite.Values.Sum(c => c.Count)}, "
                + $"{sqlServer.Values.Sum(c => c.Count)}"
        );
        Assert.NotEmpty(postgres);

        var differences = Differences(postgres, sqlite, sqlServer).ToList();
        Assert.True(
            differences.Count == 0,
            $"{differences.Count} differences between the migration sets (postgres is the reference):\n"
                + string.Join("\n", differences)
        );
    }

    [Fact]
    public void The_comparison_names_the_table_and_column_that_drift()
    {
        var reference = Schema(("grants", "id", "bigint"), ("grants", "title", "text"), ("funds", "id", "bigint"));
        var sqlite = Schema(("grants", "id", "INTEGER"), ("grants", "title", "TEXT"), ("funds", "id", "INTEGER"));
        var sqlServer = SqlServerSchema
            .Read([
                ("a.sql", "CREATE TABLE grants (id bigint, title nvarchar(max), extra bit);\nGO\n"),
                ("b.sql", "ALTER TABLE grants ALTER COLUMN title date;\nCREATE TABLE #tmp (x int);"),
            ])
            .Tables;

        var differences = Differences(reference, sqlite, sqlServer).ToList();
        Assert.Equal(
            [
                "table funds: missing in sqlserver",
                "column grants.extra: only in sqlserver (bit)",
                "column grants.title: postgres text (text), sqlserver date (date)",
            ],
            differences
        );
    }

    /// <summary>Each difference, one line naming the table (and column), PostgreSQL taken as the reference.</summary>
    private static IEnumerable<string> Differences(
        Dictionary<string, Dictionary<string, string>> postgres,
        Dictionary<string, Dictionary<string, string>> sqlite,
        Dictionary<string, Dictionary<string, string>> sqlServer
    )
    {
        var engines = new[] { ("sqlite", sqlite), ("sqlserver", sqlServer) };
        var tables = postgres.Keys.Concat(sqlite.Keys).Concat(sqlServer.Keys);
        foreach (var table in tables.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
        {
            if (!postgres.TryGetValue(table, out var reference))
            {
                var holders = engines.Where(e => e.Item2.ContainsKey(table)).Select(e => e.Item1);
                yield return $"table {table}: missing in postgres (only in {string.Join(", ", holders)})";
                continue;
            }

            foreach (var (engine, schema) in engines)
            {
                if (!schema.TryGetValue(table, out var columns))
                {
                    yield return $"table {table}: missing in {engine}";
                    continue;
                }

                foreach (var difference in ColumnDifferences(table, reference, engine, columns))
                {
                    yield return difference;
                }
            }
        }
    }

    private static IEnumerable<string> ColumnDifferences(
        string table,
        Dictionary<string, string> reference,
        string engine,
        Dictionary<string, string> columns
    )
    {
        foreach (var column in reference.Keys.Union(columns.Keys).Order(StringComparer.Ordinal))
        {
            var name = $"column {table}.{column}";
            if (!columns.TryGetValue(column, out var type))
            {
                yield return $"{name}: missing in {engine}";
            }
            else if (!reference.TryGetValue(column, out var expected))
            {
                yield return $"{name}: only in {engine} ({type})";
            }
            else if (!TypeFamilies.Agree(expected, engine, type))
            {
                yield return $"{name}: postgres {TypeFamilies.Of(expected)} ({expected}), "
                    + $"{engine} {TypeFamilies.Of(type)} ({type})";
            }
        }
    }

    private static async Task<Dictionary<string, Dictionary<string, string>>> PostgresColumnsAsync()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        Migrate(new PostgresEngine(new PostgresDialect(), connectionString), connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        var rows = await connection.QueryAsync<(string Table, string Column, string Type)>(
            """
            SELECT c.table_name, c.column_name,
                   CASE WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name ELSE c.data_type END
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
            """
        );
        return Group(rows);
    }

    /// <summary>
    /// SQLite's tables over its two files: the main file after its migrations, and the rapid-response file after its
    /// own migrations and the move of the rapid-response tables out of the main file (as a service start does).
    /// </summary>
    private static async Task<Dictionary<string, Dictionary<string, string>>> SqliteColumnsAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "schema-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        string File(string name) =>
            new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, name), Pooling = false }.ToString();
        var options = new DatabaseOptions
        {
            ConnectionString = File("fundaudit.db"),
            RapidResponseConnectionString = File("fundaudit-rapid-response.db"),
        };
        try
        {
            var engine = new SqliteEngine(new SqliteDialect(), options.ConnectionString, 5000);
            Migrate(engine, options.ConnectionString);
            new RapidResponseMigrator(engine, options, NullLogger<RapidResponseMigrator>.Instance).Migrate();
            var rows = new List<(string Table, string Column, string Type)>();
            foreach (var file in new[] { options.ConnectionString, options.RapidResponseConnectionString })
            {
                await using var connection = new SqliteConnection(file);
                rows.AddRange(
                    await connection.QueryAsync<(string Table, string Column, string Type)>(
                        """
                        SELECT m.name, p.name, p.type
                        FROM sqlite_master m JOIN pragma_table_info(m.name) p
                        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
                        """
                    )
                );
            }

            return Group(rows);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The tables (less the migrations journal) and columns the SQL Server migrations leave behind.</summary>
    internal static Dictionary<string, Dictionary<string, string>> SqlServerColumns()
    {
        var files = Directory
            .GetFiles(Path.Combine(RepoPaths.Root, "migrations", "sqlserver"), "*.sql")
            .Order(StringComparer.Ordinal)
            .Select(f => ("migrations/sqlserver/" + Path.GetFileName(f), File.ReadAllText(f)));
        var schema = SqlServerSchema.Read(files);
        Assert.True(schema.Unfollowed.Count == 0, string.Join("\n", schema.Unfollowed));
        schema.Tables.Remove(Journal);
        return schema.Tables;
    }

    private static void Migrate(IDbEngine engine, string connectionString) =>
        new Migrator(
            engine,
            new DatabaseOptions { ConnectionString = connectionString },
            NullLogger<Migrator>.Instance
        ).Migrate();

    private static Dictionary<string, Dictionary<string, string>> Group(
        IEnumerable<(string Table, string Column, string Type)> rows
    ) =>
        rows.Where(r => !string.Equals(r.Table, Journal, StringComparison.OrdinalIgnoreCase))
            .GroupBy(r => r.Table, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(
                g => g.Key,
                g => g.ToDictionary(r => r.Column, r => r.Type, StringComparer.OrdinalIgnoreCase),
                StringComparer.OrdinalIgnoreCase
            );

    private static Dictionary<string, Dictionary<string, string>> Schema(
        params (string Table, string Column, string Type)[] rows
    ) => Group(rows);
}

/// <summary>
/// Coarse type families across the engines' type names. SQLite has no date or boolean type: the service stores
/// dates and instants there as ISO text and booleans as integers, so those are what agree with date and bool.
/// </summary>
internal static class TypeFamilies
{
    public static string Of(string type)
    {
        var t = type.ToLowerInvariant();
        t = t.Contains('(', StringComparison.Ordinal) ? t[..t.IndexOf('(', StringComparison.Ordinal)].Trim() : t;
        return t switch
        {
            _ when t.Contains("char", StringComparison.Ordinal) => "text",
            "text" or "ntext" or "citext" or "xml" or "uniqueidentifier" or "uuid" or "json" or "jsonb" => "text",
            "bigint" or "integer" or "int" or "smallint" or "tinyint" or "int2" or "int4" or "int8" => "integer",
            "numeric" or "decimal" or "real" or "float" or "double precision" or "money" or "float8" => "decimal",
            "date" or "datetime" or "datetime2" or "datetimeoffset" or "smalldatetime" or "time" => "date",
            _ when t.StartsWith("timestamp", StringComparison.Ordinal) => "date",
            _ when t.StartsWith("time ", StringComparison.Ordinal) => "date",
            "bytea" or "blob" or "varbinary" or "binary" or "image" => "binary",
            "boolean" or "bool" or "bit" => "bool",
            _ => "other",
        };
    }

    /// <summary>Whether <paramref name="engine"/>'s <paramref name="type"/> agrees with PostgreSQL's.</summary>
    public static bool Agree(string postgresType, string engine, string type)
    {
        var expected = Of(postgresType);
        var actual = Of(type);
        if (expected == "other" || actual == "other")
        {
            return false;
        }

        return engine != "sqlite"
            ? expected == actual
            : actual
                == expected switch
                {
                    "date" => "text",
                    "bool" => "integer",
                    _ => expected,
                };
    }
}

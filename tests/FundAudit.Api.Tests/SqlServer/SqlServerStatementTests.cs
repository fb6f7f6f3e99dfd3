using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.GrantIngest.Imports.Loaders;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Security;
using FundAudit.Core.Audit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Xunit.Abstractions;
using ColumnType = FundAudit.Api.Infrastructure.Data.ColumnType;

namespace FundAudit.Api.Tests.SqlServer;

/// <summary>
/// Every statement the service can send SQL Server parses with SQL Server's own parser: the SQL constants of the
/// service, every statement its stores send through the SQL Server dialect and engine (each public method called with
/// representative arguments on connections that record what they are sent), and every dialect fragment and bulk
/// statement rendered with the service's real targets.
/// </summary>
public sealed partial class SqlServerStatementTests(ITestOutputHelper output)
{
    private static readonly Assembly Api = typeof(Db).Assembly;

    [Fact]
    public void Every_SQL_constant_of_the_service_parses_as_T_SQL()
    {
        var statements = SqlConstants().ToList();
        output.WriteLine($"{statements.Count} SQL constants");
        Assert.True(statements.Count >= 40, $"Only {statements.Count} SQL constants found: is the search broken?");
        AssertParses(statements);
    }

    [Fact]
    public async Task Every_statement_the_stores_send_through_the_SQL_Server_dialect_parses()
    {
        var statements = await StoreStatementsAsync(new RecordingSqlServer(), output);
        AssertParses(statements);
    }

    /// <summary>
    /// Every statement the stores send through the SQL Server dialect, named Store.Method: each public method of each
    /// class that runs SQL through <see cref="Db"/>, called with representative arguments (and again without its
    /// optional ones) on <paramref name="server"/>'s recording connections. Fails if a store sends nothing.
    /// </summary>
    internal static async Task<List<(string Where, string Sql)>> StoreStatementsAsync(
        RecordingSqlServer server,
        ITestOutputHelper output
    )
    {
        var statements = new List<(string, string)>();
        var silent = new List<string>();
        foreach (var store in StoreTypes())
        {
            var instance = Construct(store, server);
            var sentByStore = 0;
            foreach (var method in StoreMethods(store))
            {
                var name = $"{store.Name}.{method.Name}";
                var (sent, error) = await server.RecordAsync(() =>
                    AwaitAsync(method.Invoke(instance, new SampleValues(server).For(method)))
                );
                if (SampleValues.HasOptionals(method))
                {
                    // Again without the optional values: the statements without their optional conditions.
                    var (bare, _) = await server.RecordAsync(() =>
                        AwaitAsync(method.Invoke(instance, new SampleValues(server).WithoutOptionals(method)))
                    );
                    sent = [.. sent, .. bare];
                }

                statements.AddRange(sent.Select(s => (name, s)));
                sentByStore += sent.Count;
                output.WriteLine($"{name}: {sent.Count} sent{(error is null ? "" : $" ({error.GetType().Name})")}");
                if (sent.Count == 0)
                {
                    silent.Add(name);
                }
            }

            Assert.True(
                sentByStore > 0,
                $"{store.Name} sent nothing with sample arguments: call it here with arguments that reach its SQL."
            );
        }

        output.WriteLine($"{statements.Count} statements; sent nothing: {string.Join(", ", silent)}");
        return statements;
    }

    [Fact]
    public async Task The_mix_statements_parse_for_every_grouping_filter_and_median()
    {
        var server = new RecordingSqlServer();
        var store = new MixStore(server.Db);
        var period = new AuditPeriod(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));
        var factors = new Dictionary<(string, DateOnly), decimal> { [("GBP", period.From)] = 1.1m };
        var statements = new List<(string, string)>();
        var groupings = MixDimensions.Names.Select(n => new[] { n }).Append(MixDimensions.Names).Append([]);
        foreach (var groupBy in groupings)
        {
            foreach (var filtered in new[] { false, true })
            {
                var q = new MixQuery(
                    period,
                    "EUR",
                    groupBy,
                    filtered ? "Protection" : null,
                    filtered ? "Europe" : null,
                    filtered ? "HN" : null,
                    filtered ? "manual" : null,
                    4
                );
                var name = $"MixStore groupBy=[{string.Join(",", groupBy)}] filtered={filtered}";
                var (sums, sumsError) = await server.RecordAsync(() => store.SumsAsync(7, q, default));
                Assert.Null(sumsError);
                statements.AddRange(sums.Select(s => (name + " sums", s)));

                var (medians, mediansError) = await server.RecordAsync(async () =>
                    (await store.ReadMediansAsync(7, q, default)).Rows(factors)
                );
                Assert.Null(mediansError);
                statements.AddRange(medians.Select(s => (name + " medians", s)));
            }
        }

        output.WriteLine($"{statements.Count} mix statements, {statements.Distinct().Count()} distinct");
        AssertParses(statements);
    }

    [Fact]
    public void The_multi_row_grant_upsert_parses_binds_every_row_and_stays_under_the_parameter_limit()
    {
        var dialect = new SqlServerDialect();
        var bulk = GrantStore.BulkTarget;
        var rows = dialect.UpsertRowsPerStatement(bulk.InsertColumns.Count);
        string Sql(int n) =>
            dialect.UpsertRows(
                bulk.Table,
                bulk.KeyColumns,
                bulk.InsertColumns,
                bulk.UpdateColumns,
                bulk.ChangedWhen,
                bulk.UpdateValues,
                n
            );
        var sql = Sql(rows);
        var parameters = Regex.Matches(sql, @"@(\w+)").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.True(rows > 1, $"{rows} row per statement");
        Assert.InRange(parameters.Count, 2, 2_098);
        Assert.Equal(
            Enumerable
                .Range(0, rows)
                .SelectMany(r =>
                    Enumerable.Range(0, bulk.InsertColumns.Count).Select(c => IDbDialect.RowParameter(r, c))
                )
                .Order(),
            parameters.Order()
        );
        AssertParses([("UpsertRows", sql)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sql(rows + 1));
    }

    [Fact]
    public async Task Every_dialect_fragment_and_engine_statement_parses_inside_a_statement()
    {
        var dialect = new SqlServerDialect();
        var bulk = GrantStore.BulkTarget;
        var statements = new List<(string, string)>
        {
            ("Limit", $"SELECT id FROM grants ORDER BY id {dialect.Limit("Limit")}"),
            ("ContainsIgnoreCase", $"SELECT id FROM grants g WHERE {dialect.ContainsIgnoreCase("g.title", "Text")}"),
            ("FiscalYearOf", $"SELECT {dialect.FiscalYearOf("g.award_date", "Shift")} AS y FROM grants g"),
            (
                "Upsert",
                dialect.Upsert(
                    bulk.Table,
                    bulk.KeyColumns,
                    bulk.InsertColumns,
                    bulk.UpdateColumns,
                    bulk.ChangedWhen,
                    bulk.UpdateValues
                )
            ),
            ("InsertReturningId", dialect.InsertReturningId("funders", ["name", "created_at"], "id")),
            (
                "CreateTempTable",
                dialect.CreateTempTable("t", [.. Enum.GetValues<ColumnType>().Select(t => ("c_" + t, t))])
            ),
            ("TempTable", $"INSERT INTO {dialect.TempTable("t")} (c) VALUES (@C0), (@C1)"),
            ("SqlServerBulkUpsert.CreateStaging", SqlServerBulkUpsert.CreateStagingSql(bulk)),
            ("SqlServerBulkUpsert.Merge", SqlServerBulkUpsert.MergeSql(bulk)),
            ("SqlServerBulkUpsert.DropStaging", SqlServerBulkUpsert.DropStagingSql(bulk)),
        };

        // What only runs on a connection: the list parameter as Dapper expands it, the JSON totals of an import.
        var server = new RecordingSqlServer();
        var (inList, _) = await server.RecordAsync(async () =>
        {
            await using var connection = await server.Db.OpenAsync();
            var sql = $"SELECT id FROM grants WHERE {dialect.InList("identifier", "Ids")}";
            await connection.QueryAsync<long>(sql, new { Ids = new[] { "a", "b" } });
        });
        statements.AddRange(inList.Select(s => ("InList", s)));
        var (json, jsonError) = await server.RecordAsync(async () =>
        {
            await using var connection = await server.Db.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await server.Db.Engine.AddFromJsonAsync(transaction, NewGrantDayTotals.Target, "[]", default);
            await server.Db.Engine.AddFromJsonAsync(transaction, NewGrantQualityTotals.Target, "[]", default);
        });
        Assert.Null(jsonError);
        statements.AddRange(json.Select(s => ("AddFromJsonAsync", s)));
        Assert.Equal(13, statements.Count);
        AssertParses(statements);
    }

    [Fact]
    public void Text_columns_of_temporary_tables_take_the_database_collation()
    {
        // A #temp table lives in tempdb, whose collation (the server's) can differ from the database's; a text column
        // declared without COLLATE DATABASE_DEFAULT then cannot be compared with the tables' (error 468).
        var sql = new SqlServerDialect().CreateTempTable(
            "t",
            [.. Enum.GetValues<ColumnType>().Select(t => ("c_" + t, t))]
        );
        var (tree, errors) = TSql.Parse(sql);
        Assert.Empty(errors);
        var columns = new ColumnDefinitions();
        tree.Accept(columns);
        var text = columns.Found.Where(c =>
            c.DataType is SqlDataTypeReference { SqlDataTypeOption: var o } && IsText(o)
        );
        Assert.NotEmpty(text);
        Assert.All(text, c =>
            Assert.True(c.Collation?.Value == "DATABASE_DEFAULT", $"{c.ColumnIdentifier.Value} in: {sql}")
        );

        static bool IsText(SqlDataTypeOption o) =>
            o
                is SqlDataTypeOption.NVarChar
                    or SqlDataTypeOption.VarChar
                    or SqlDataTypeOption.NChar
                    or SqlDataTypeOption.Char;
    }

    [Fact]
    public void The_check_fails_on_a_statement_that_is_not_T_SQL()
    {
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            AssertParses([("SQLite paging", $"SELECT id FROM grants ORDER BY id {new SqliteDialect().Limit("L")}")])
        );
        Assert.Contains("SQLite paging", failure.Message, StringComparison.Ordinal);
        Assert.Contains("LIMIT", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Parses each statement as one batch; fails naming every one that is not T-SQL, and where.</summary>
    internal static void AssertParses(IEnumerable<(string Where, string Sql)> statements)
    {
        var failures = statements
            .Select(s => (s.Where, s.Sql, Errors: TSql.Errors(s.Sql)))
            .Where(s => s.Errors.Count > 0)
            .Select(s => TSql.Describe(s.Where, s.Sql, 1, s.Errors) + "\n  in: " + s.Sql.ReplaceLineEndings(" "))
            .Distinct()
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} statements are not T-SQL:\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// Every string constant (and static readonly string) of the service that is a statement, named Type.Field;
    /// engine-specific types (Sqlite*, Postgres*) never reach SQL Server and are left out.
    /// </summary>
    private static IEnumerable<(string Where, string Sql)> SqlConstants()
    {
        const BindingFlags Fields =
            BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var type in Api.GetTypes().Where(t => !EngineSpecific(t) && !t.Name.Contains('<')))
        {
            foreach (var field in type.GetFields(Fields).Where(f => f.FieldType == typeof(string)))
            {
                if ((field.IsLiteral || field.IsInitOnly) && field.GetValue(null) is string value && IsStatement(value))
                {
                    yield return ($"{type.Name}.{field.Name}", value);
                }
            }
        }
    }

    private static bool IsStatement(string text) => Statement().IsMatch(text);

    private static bool EngineSpecific(Type type)
    {
        var outer = type;
        while (outer.DeclaringType is not null)
        {
            outer = outer.DeclaringType;
        }

        return outer.Name.StartsWith("Sqlite", StringComparison.Ordinal)
            || outer.Name.StartsWith("Postgres", StringComparison.Ordinal);
    }

    /// <summary>
    /// The classes that run SQL through <see cref="Db"/> (a constructor takes one). The grant loaders are left out:
    /// what they send is the bulk upsert's SQL (checked from <see cref="SqlServerBulkUpsert"/>) and the stores'.
    /// </summary>
    private static IEnumerable<Type> StoreTypes() =>
        Api.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && !EngineSpecific(t) && !t.Name.Contains('<'))
            .Where(t => !typeof(IGrantLoader).IsAssignableFrom(t))
            .Where(t => t != typeof(KeyRingMaintenance)) // its one statement is a constant (UpdateKey), checked above
            // Off on SQL Server (GrantSnapshots.Enabled): it sends nothing there.
            .Where(t => t != typeof(Features.Audit.Snapshots.GrantSnapshots))
            .Where(t =>
                t.GetConstructors().Any(c => c.GetParameters().Any(p => typeof(Db).IsAssignableFrom(p.ParameterType)))
            )
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    private static IEnumerable<MethodInfo> StoreMethods(Type store) =>
        store
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && !m.IsGenericMethodDefinition && m.DeclaringType == store)
            .Where(m => m.Name is not ("Equals" or "GetHashCode" or "ToString" or "Dispose" or "DisposeAsync"))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ThenBy(m => m.GetParameters().Length);

    private static object Construct(Type store, RecordingSqlServer server)
    {
        var constructor = store.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var samples = new SampleValues(server);
        var arguments = constructor
            .GetParameters()
            .Select(p =>
                p.ParameterType == typeof(IDataProtectionProvider)
                    ? new EphemeralDataProtectionProvider()
                    : samples.Of(p.ParameterType, 0)
            );
        return constructor.Invoke([.. arguments]);
    }

    private static async Task AwaitAsync(object? result)
    {
        switch (result)
        {
            case Task task:
                await task;
                break;
            case ValueTask valueTask:
                await valueTask;
                break;
            case not null when AsyncSequence(result.GetType()) is { } element:
                await (Task)
                    typeof(SqlServerStatementTests)
                        .GetMethod(nameof(DrainAsync), BindingFlags.NonPublic | BindingFlags.Static)!
                        .MakeGenericMethod(element)
                        .Invoke(null, [result])!;
                break;
        }
    }

    private static Type? AsyncSequence(Type type) =>
        type.GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
            ?.GetGenericArguments()[0];

    private static async Task DrainAsync<T>(IAsyncEnumerable<T> sequence)
    {
        await foreach (var _ in sequence) { }
    }

    private sealed class ColumnDefinitions : TSqlFragmentVisitor
    {
        public List<ColumnDefinition> Found { get; } = [];

        public override void Visit(ColumnDefinition node) => Found.Add(node);
    }

    [GeneratedRegex(
        @"^\s*(?:--[^\n]*\n\s*)*"
            + "(?:SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|CREATE|DROP|ALTER|DECLARE|IF|BEGIN|SET|TRUNCATE|EXEC)\\s"
    )]
    private static partial Regex Statement();
}

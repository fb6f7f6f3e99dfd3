using FundAudit.Api.Tests.SqlServer;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.Tenancy;

/// <summary>
/// Tenant isolation in the SQL itself: every statement the stores send (recorded through the SQL Server dialect, as
/// the statement parse tests do) that reads or writes a tenant table says which funder's rows (<see
/// cref="TenantFilter"/>), unless its method is cross-tenant by design and listed in <see cref="ByDesign"/> with the
/// reason. The HTTP tests prove that one funder's key never reaches another's data; this proves it of the statements
/// themselves, so a new query that forgets its funder fails here before any endpoint uses it.
/// </summary>
public sealed class TenantFilterTests(ITestOutputHelper output)
{
    /// <summary>
    /// The methods whose statements are not one funder's, and why: Store.Method, or Store.* for a whole store; with a
    /// table, only the statements that name it.
    /// </summary>
    private static readonly (string Method, string? Table, string Why)[] ByDesign =
    [
        .. Because(
            "before the funder is known, the caller is found by a secret's hash: an API key, a console session's token, "
                + "a sign-in's email and recovery code, an invitation's token",
            "TenancyStore.FindActiveKeyAsync",
            "ConsoleSessionStore.FindLiveAsync",
            "ConsoleSessionStore.RevokeAsync",
            "PeopleStore.FindActiveByEmailAsync",
            "PeopleStore.FindInvitationAsync",
            "FactorStore.FindCodeOwnerAsync"
        ),
        .. Because(
            "a session found by its token is then touched or stepped up by its own id",
            "ConsoleSessionStore.StepUpAsync",
            "ConsoleSessionStore.TouchAsync"
        ),
        .. Because(
            "anonymous by design: the defender's form finds its fund by the public slug, the status page its case by "
                + "the case code's hash (ApplicantStore, the one place of such reads)",
            "ApplicantStore.FindFundAsync",
            "ApplicantStore.FindRequestAsync"
        ),
        .. Because(
            "single sign-on starts before the funder is known: the provider by its public slug, and whether any is on",
            "SsoStore.FindBySlugAsync",
            "SsoStore.AnyEnabledAsync"
        ),
        .. Because(
            "jobs over every funder's rows: the SLA sweep and webhook outbox, the retention purge, the log chains "
                + "(each funder's chain sealed and verified apart), the sweep of abandoned uploads",
            "SlaOutboxStore.*",
            "PurgeStore.*",
            "LogChainStore.*",
            "DatabaseUploadStore.DeleteLeftoversAsync"
        ),
        .. Because(
            "the import job: a job takes ids only, so it finds its import by id and run token, and the funder is the "
                + "import's own; the sweep of files no import still needs",
            "GrantImportStore.ClaimAsync",
            "GrantImportStore.FailAsync",
            "GrantImportStore.FindForJobAsync",
            "GrantImportStore.FinishAsync",
            "GrantImportStore.HeartbeatAsync",
            "GrantImportStore.ProgressAsync",
            "GrantImportStore.SetWaitingAsync",
            "GrantImportStore.UploadsStillNeededAsync"
        ),
        .. Because(
            "operator commands over the whole database: key rotation, the backups' case-key file, the legacy-field "
                + "migration, revoking a key by its id",
            "KeyRotation.*",
            "BackupKeyFile.*",
            "LegacyFieldMigration.RunAsync",
            "TenancyStore.RevokeKeyAsync"
        ),
        (
            "FieldParticipationStore.OptedInAsync",
            null,
            "the field view: the funders who opted in, each of whose own mix is then read with its own funder_id"
        ),
    ];

    [Fact]
    public async Task Every_statement_on_a_tenant_table_says_which_funder()
    {
        var unfiltered = await UnfilteredAsync();
        var wrong = unfiltered.Where(u => Why(u.Where, u.Statement) is null).ToList();
        foreach (var (where, statement) in wrong)
        {
            output.WriteLine($"{where}\n  {statement}");
        }

        Assert.True(
            wrong.Count == 0,
            $"{wrong.Count} statements read or write a tenant table without saying which funder (funder_id = @…): "
                + string.Join(", ", wrong.Select(w => w.Where).Distinct())
                + ". Filter them, or list the method as cross-tenant by design, with the reason."
        );
    }

    [Fact]
    public async Task Every_method_listed_as_cross_tenant_still_sends_such_a_statement()
    {
        var unfiltered = await UnfilteredAsync();
        var stale = ByDesign
            .Where(d => !unfiltered.Any(u => Matches(d, u.Where, u.Statement)))
            .Select(d => d.Method)
            .ToList();
        Assert.True(
            stale.Count == 0,
            "Listed as cross-tenant, but every statement now says which funder: " + string.Join(", ", stale)
        );
    }

    [Theory]
    [InlineData("SELECT title FROM grants WHERE id = @Id", true)]
    [InlineData("SELECT title FROM grants WHERE id = @Id AND funder_id = @FunderId", false)]
    [InlineData("SELECT g.title FROM grants g WHERE @FunderId = g.funder_id", false)]
    [InlineData("SELECT g.title FROM grants g WHERE g.funder_id IN (@F0, @F1)", false)]
    [InlineData("SELECT g.title FROM grants g WHERE g.funder_id IN (SELECT funder_id FROM funds)", true)]
    [InlineData("SELECT g.title FROM grants g JOIN funds f ON f.funder_id = g.funder_id", true)]
    [InlineData("SELECT g.title FROM grants g WHERE g.funder_id <> @FunderId", true)]
    [InlineData("UPDATE grants SET title = @T WHERE identifier = @I", true)]
    [InlineData("DELETE FROM grants WHERE id = @Id AND funder_id = @FunderId", false)]
    [InlineData("INSERT INTO grants (funder_id, identifier) VALUES (@F, @I)", false)]
    [InlineData("INSERT INTO grants (identifier) VALUES (@I)", true)]
    [InlineData("SELECT id FROM funders WHERE id = @FunderId", false)] // not a tenant table: no funder_id column
    [InlineData("SELECT 1 FROM grants WHERE funder_id = @F; SELECT title FROM grants WHERE id = @Id", true)]
    public void The_check_tells_a_statement_that_says_which_funder_from_one_that_does_not(string sql, bool flagged)
    {
        var found = TenantFilter.Unfiltered(sql, new HashSet<string>(["grants", "funds"])).ToList();
        Assert.Equal(flagged ? 1 : 0, found.Count);
    }

    private async Task<List<(string Where, string Statement)>> UnfilteredAsync()
    {
        var tenantTables = SchemaParityTests
            .SqlServerColumns()
            .Where(t => t.Value.ContainsKey(TenantFilter.Column))
            .Select(t => t.Key)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.True(tenantTables.Count >= 20, $"only {tenantTables.Count} tenant tables found: is the reading broken?");
        var statements = await SqlServerStatementTests.StoreStatementsAsync(new RecordingSqlServer(), output);
        return
        [
            .. statements
                .SelectMany(s => TenantFilter.Unfiltered(s.Sql, tenantTables).Select(u => (s.Where, u)))
                .Distinct(),
        ];
    }

    private static string? Why(string where, string statement) =>
        ByDesign.FirstOrDefault(d => Matches(d, where, statement)).Why;

    private static bool Matches((string Method, string? Table, string Why) d, string where, string statement) =>
        (
            d.Method == where
            || (
                d.Method.EndsWith(".*", StringComparison.Ordinal)
                && where.StartsWith(d.Method[..^1], StringComparison.Ordinal)
            )
        )
        && (
            d.Table is null
            || statement[..statement.IndexOf(':', StringComparison.Ordinal)].Split(", ").Contains(d.Table)
        );

    private static IEnumerable<(string, string?, string)> Because(string why, params string[] methods) =>
        methods.Select(m => (m, (string?)null, why));
}

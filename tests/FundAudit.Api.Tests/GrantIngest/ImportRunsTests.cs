using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.GrantIngest;

/// <summary>
/// The liveness of import runs: a worker's heartbeat keeps its import running; an import whose worker died is shown
/// interrupted once the heartbeat is older than the limit (60 s), and an administrator or analyst can retry it, which
/// starts over from the stored upload. Time is the app's FakeTimeProvider.
/// </summary>
public abstract class ImportRunsTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    protected TApp App { get; } = app;

    [Fact]
    public async Task An_import_whose_worker_died_is_shown_interrupted_after_a_minute_and_a_retry_loads_it_once()
    {
        var admin = await App.CreateTenantAsync();
        var analyst = await App.AddKeyAsync(admin, Roles.Analyst);
        var officer = await App.AddKeyAsync(admin, Roles.Officer);
        var other = await App.CreateTenantAsync();
        var id = await UploadAsync(admin, Rows("D", 1, 10));
        var store = App.Services.GetRequiredService<GrantImportStore>();

        // A worker claims the import, then its process dies: nothing beats any more.
        Assert.True(await store.ClaimAsync(id, "dead-run", App.Clock.GetUtcNow(), default));
        Assert.Equal("running", await StatusAsync(admin, id));
        await AssertNotRetryableAsync(admin, id, "running");

        App.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("running", await StatusAsync(admin, id));
        App.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("interrupted", await StatusAsync(admin, id));
        var listed = await HttpAssert.OkJsonAsync(await admin.Client.GetAsync("/api/grants/imports"));
        Assert.Equal("interrupted", listed.GetProperty("items")[0].GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Client.PostAsync(Retry(id), null)).StatusCode);
        await HttpAssert.ProblemAsync(await other.Client.PostAsync(Retry(id), null), HttpStatusCode.NotFound);
        var queued = await HttpAssert.OkJsonAsync(
            await analyst.Client.PostAsync(Retry(id), null),
            HttpStatusCode.Accepted
        );
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        await AssertNotRetryableAsync(admin, id, "queued");

        await App.Services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        var done = await HttpAssert.OkJsonAsync(await admin.Client.GetAsync($"/api/grants/imports/{id}"));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(10, done.GetProperty("result").GetProperty("created").GetInt32());
        Assert.Equal(10, await admin.Client.CountGrantsAsync());
        await AssertNotRetryableAsync(admin, id, "succeeded");

        // The dead run's token is void: nothing it might still write changes the import.
        await store.FailAsync(id, "dead-run", new ImportProblem("x", "x"), App.Clock.GetUtcNow(), default);
        Assert.Equal("succeeded", await StatusAsync(admin, id));
    }

    [Fact]
    public async Task A_live_worker_beats_so_a_long_import_stays_running_past_the_limit()
    {
        var tenant = await App.CreateTenantAsync();
        var id = await UploadAsync(tenant, Rows("H", 1, 300));
        using var paused = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var options = new GrantImportOptions { BatchSize = 100, ProgressEveryRows = 100 };
        var faults = new ImportFaults(afterBatch: batch =>
        {
            if (batch == 1)
            {
                paused.Set();
                release.Wait(TimeSpan.FromSeconds(60));
            }
        });
        var run = Task.Run(() => ImportJobs.Create(App.Services, options, faults).RunAsync(id, CancellationToken.None));
        try
        {
            Assert.True(paused.Wait(TimeSpan.FromSeconds(30)), "the import reached its first batch");
            for (var step = 0; step < 4; step++)
            {
                App.Clock.Advance(TimeSpan.FromSeconds(40)); // 160 s in all, each step within the limit of a beat
                await EventuallyAsync(async () => await StatusAsync(tenant, id) == "running", "a beat was written");
            }
        }
        finally
        {
            release.Set();
        }

        await run;
        Assert.Equal("succeeded", await StatusAsync(tenant, id));
        Assert.Equal(300, await tenant.Client.CountGrantsAsync());
    }

    protected async Task<long> UploadAsync(Tenant tenant, string csv) =>
        (
            await HttpAssert.OkJsonAsync(
                await tenant.Client.PostAsync("/api/grants/imports", new StringContent(csv, Encoding.UTF8, "text/csv")),
                HttpStatusCode.Accepted
            )
        )
            .GetProperty("id")
            .GetInt64();

    protected static string Rows(string prefix, int from, int to, int amount = 10) =>
        CsvTestFiles.Header360
        + "\n"
        + string.Concat(
            Enumerable.Range(from, to - from + 1).Select(i => $"{prefix}-{i},Title {i},D,GBP,{amount + i},2024-01-01\n")
        );

    protected static async Task<string?> StatusAsync(Tenant tenant, long id) =>
        (await tenant.Client.GetFromJsonAsync<JsonElement>($"/api/grants/imports/{id}"))
            .GetProperty("status")
            .GetString();

    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting: " + what);
            await Task.Delay(50);
        }
    }

    private static string Retry(long id) => $"/api/grants/imports/{id}/retry";

    private static async Task AssertNotRetryableAsync(Tenant tenant, long id, string status)
    {
        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync(Retry(id), null),
            HttpStatusCode.Conflict
        );
        Assert.Equal(RetryGrantImport.NotRetryableCode, problem.GetProperty("code").GetString());
        Assert.Contains(status, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(status, await StatusAsync(tenant, id));
    }
}

public sealed class SqliteImportRunsTests(SqliteApp app) : ImportRunsTests<SqliteApp>(app);

/// <summary>
/// PostgreSQL, where imports of one funder really overlap: they take turns on the funder's advisory lock, the second
/// shown waiting meanwhile, and both succeed with the day totals equal to a from-scratch GROUP BY (before the lock,
/// overlapping pairs deadlocked in the day-totals trigger).
/// </summary>
public sealed class PostgresImportRunsTests(PostgresApp app) : ImportRunsTests<PostgresApp>(app)
{
    [Fact]
    public async Task Two_imports_of_one_funder_started_together_both_succeed_and_the_totals_match_the_grants()
    {
        var tenant = await App.CreateTenantAsync();
        var first = await UploadAsync(tenant, Rows("T", 1, 400));
        var second = await UploadAsync(tenant, Rows("T", 201, 600, amount: 20));
        var options = new GrantImportOptions { BatchSize = 50, ProgressEveryRows = 50 };

        using var start = new Barrier(2);
        await Task.WhenAll(
            new[] { first, second }.Select(id =>
                Task.Run(async () =>
                {
                    start.SignalAndWait();
                    await ImportJobs.Create(App.Services, options).RunAsync(id, CancellationToken.None);
                })
            )
        );

        Assert.Equal("succeeded", await StatusAsync(tenant, first));
        Assert.Equal("succeeded", await StatusAsync(tenant, second));
        Assert.Equal(600, await tenant.Client.CountGrantsAsync());
        await AssertTotalsMatchGrantsAsync(tenant.FunderId, 600);
    }

    [Fact]
    public async Task A_second_import_of_one_funder_waits_visibly_for_the_first_then_both_succeed()
    {
        var tenant = await App.CreateTenantAsync();
        var other = await App.CreateTenantAsync();
        var first = await UploadAsync(tenant, Rows("W", 1, 400));
        var second = await UploadAsync(tenant, Rows("W", 201, 600, amount: 20));
        var elsewhere = await UploadAsync(other, Rows("W", 1, 100));
        var options = new GrantImportOptions { BatchSize = 50, ProgressEveryRows = 50 };
        using var paused = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var hold = new ImportFaults(afterBatch: batch =>
        {
            if (batch == 2)
            {
                paused.Set();
                release.Wait(TimeSpan.FromSeconds(60));
            }
        });

        var firstRun = Task.Run(() => ImportJobs.Create(App.Services, options, hold).RunAsync(first, default));
        Task? secondRun = null;
        try
        {
            Assert.True(paused.Wait(TimeSpan.FromSeconds(30)), "the first import is loading");
            secondRun = Task.Run(() => ImportJobs.Create(App.Services, options).RunAsync(second, default));
            await EventuallyAsync(async () => await StatusAsync(tenant, second) == "waiting", "the second waits");
            Assert.Equal("running", await StatusAsync(tenant, first));

            // Another funder's import does not wait.
            await ImportJobs.Create(App.Services, options).RunAsync(elsewhere, default);
            Assert.Equal("succeeded", await StatusAsync(other, elsewhere));
        }
        finally
        {
            release.Set();
        }

        await firstRun;
        await secondRun!;
        var done = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync($"/api/grants/imports/{second}"));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var result = done.GetProperty("result");
        Assert.Equal((200, 200), (result.GetProperty("created").GetInt32(), result.GetProperty("updated").GetInt32()));
        Assert.Equal(600, await tenant.Client.CountGrantsAsync());
        await AssertTotalsMatchGrantsAsync(tenant.FunderId, 600);
    }

    [Fact]
    public async Task An_import_streams_its_new_grants_in_one_copy_and_the_day_totals_match()
    {
        // Rows of one statement share its command id (cmin) in the load transaction (xmin). A COPY per batch gave
        // the 300 rows six command ids, and the day-totals trigger ran six times, updating its groups each time.
        var tenant = await App.CreateTenantAsync();
        var rows =
            CsvTestFiles.Header360
            + "\n"
            + string.Concat(
                Enumerable.Range(1, 300).Select(i => $"C-{i},Title {i},D,GBP,{10 + i},2024-01-{1 + i % 3:00}\n")
            );
        var id = await UploadAsync(tenant, rows);
        var options = new GrantImportOptions { BatchSize = 50, ProgressEveryRows = 50 };
        await ImportJobs.Create(App.Services, options).RunAsync(id, CancellationToken.None);
        Assert.Equal("succeeded", await StatusAsync(tenant, id));

        await using var connection = await App.Services.GetRequiredService<Db>().OpenAsync();
        var grants = await connection.QuerySingleAsync<(long Rows, long Statements, long Transactions)>(
            "SELECT count(*), count(DISTINCT cmin::text), count(DISTINCT xmin::text) FROM grants WHERE funder_id = @F",
            new { F = tenant.FunderId }
        );
        Assert.Equal((300L, 1L, 1L), grants);
        await AssertTotalsMatchGrantsAsync(tenant.FunderId, 300);
    }

    private async Task AssertTotalsMatchGrantsAsync(long funderId, int grants)
    {
        await using var connection = await App.Services.GetRequiredService<Db>().OpenAsync();
        const string stored = """
            SELECT award_date, currency, level, purpose, flexible, source,
                   grant_count, amount
            FROM grant_day_totals WHERE funder_id = @FunderId AND grant_count <> 0
            ORDER BY 1, 2, 3, 4, 5, 6
            """;
        const string scratch = """
            SELECT award_date, currency, level, purpose, CASE WHEN flexible IS NULL THEN -1 WHEN flexible THEN 1 ELSE 0 END,
                   coalesce(purpose_source, '') AS source, count(*) AS grant_count, sum(amount_awarded) AS amount
            FROM grants WHERE funder_id = @FunderId
            GROUP BY 1, 2, 3, 4, 5, 6
            ORDER BY 1, 2, 3, 4, 5, 6
            """;
        var expected = (await connection.QueryAsync(scratch, new { FunderId = funderId })).Select(Row).ToList();
        var actual = (await connection.QueryAsync(stored, new { FunderId = funderId })).Select(Row).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal(
            grants,
            expected.Sum(r => long.Parse(r.Split('|')[6], System.Globalization.CultureInfo.InvariantCulture))
        );
    }

    private static string Row(dynamic r) =>
        string.Join(
            '|',
            ((IDictionary<string, object>)r).Values.Select(v =>
                Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)
            )
        );
}

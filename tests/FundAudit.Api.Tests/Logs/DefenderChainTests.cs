using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Logs;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Logs;

/// <summary>
/// Issue 17 (the PostgreSQL regression): a defender's action (the form, the status check that reads a question, the
/// answer, the withdrawal) appends its chained row unsealed and takes no chain lock, so one funder's defenders never
/// queue on it; the seal job (<see cref="LogSealJob"/>, the real one, run as Hangfire would) chains every such row
/// exactly once, in one contiguous chain per funder.
/// </summary>
public abstract class DefenderChainTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private const int Forms = 40;

    /// <summary>The app under test, for the engine-specific tests below.</summary>
    protected TApp App => app;

    [Fact]
    public async Task Forty_forms_at_once_for_one_funder_all_answer_201_and_the_seal_job_chains_each_event_once()
    {
        var (admin, slug) = await FundAsync();

        await Task.WhenAll(Enumerable.Range(0, Forms).Select(i => Task.Run(() => SubmitAsync(slug, i))));

        // The forms sealed nothing themselves: their events wait for the seal job, reported as pending, not broken.
        var before = await EventsChainAsync(admin.FunderId);
        Assert.True(before.Intact, VerifyLogsCommand.Describe(before));
        Assert.Equal(0, before.Links);
        Assert.Equal(Forms, before.Pending);
        Assert.Equal(0, before.Unsealed);

        // More forms while the seal job runs again and again: it never waits for, nor seals, a row still being
        // written, and seals each committed one once.
        using var stop = new CancellationTokenSource();
        var sealing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await RunSealJobAsync();
            }
        });
        await Task.WhenAll(Enumerable.Range(Forms, Forms).Select(i => Task.Run(() => SubmitAsync(slug, i))));
        await stop.CancelAsync();
        await sealing;
        await RunSealJobAsync();

        var after = await EventsChainAsync(admin.FunderId);
        Assert.True(after.Intact, VerifyLogsCommand.Describe(after));
        Assert.Equal(2 * Forms, after.Links);
        Assert.Equal(0, after.Pending);
        Assert.Equal(0, after.Unsealed);
        await using var rapid = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        var rows = (
            await rapid.QueryAsync<(long Seq, string Hash, long RequestId)>(
                "SELECT seq, hash, request_id FROM request_events WHERE funder_id = @FunderId ORDER BY seq",
                new { admin.FunderId }
            )
        ).AsList();
        Assert.Equal(Enumerable.Range(1, 2 * Forms).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(2 * Forms, rows.Select(r => r.Hash).Distinct().Count());
        Assert.Equal(2 * Forms, rows.Select(r => r.RequestId).Distinct().Count()); // one submit event per form
        Assert.Equal(0, await RunSealJobAsync());
    }

    /// <summary>A funder with a fund; answers its admin and the fund's slug.</summary>
    protected async Task<(Tenant Admin, string Slug)> FundAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "seal-" + Guid.NewGuid().ToString("N")[..10];
        var fund = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Sealed Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 2000,
        };
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(fund)),
            HttpStatusCode.Created
        );
        return (admin, slug);
    }

    /// <summary>Posts the form (every other one with an Idempotency-Key); answers its reference and case code.</summary>
    protected async Task<(string Reference, string Code)> SubmitAsync(string slug, int i)
    {
        using var client = app.CreateClient();
        if (i % 2 == 0)
        {
            client.DefaultRequestHeaders.Add("Idempotency-Key", "seal-" + Guid.NewGuid().ToString("N"));
        }

        var form = new JsonObject
        {
            ["alias"] = "Ana",
            ["contact"] = new JsonObject { ["channel"] = "signal", ["handle"] = "+50400000000" },
            ["country"] = "HN",
            ["urgency"] = "high",
            ["situation"] = "Threatened after a hearing.",
            ["need"] = "legal",
            ["amount"] = 500,
            ["currency"] = "USD",
            ["language"] = "es",
        };
        var created = await HttpAssert.OkJsonAsync(
            await client.PostAsync($"/api/funds/{slug}/requests", Giving.Json(form)),
            HttpStatusCode.Created
        );
        return (created.GetProperty("reference").GetString()!, created.GetProperty("caseCode").GetString()!);
    }

    /// <summary>Runs the real seal job, resolved as Hangfire resolves it (a scope of its own).</summary>
    protected async Task<int> RunSealJobAsync()
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<LogSealJob>().RunAsync(default);
    }

    private async Task<ChainReport> EventsChainAsync(long funderId) =>
        (await app.Services.GetRequiredService<LogChainStore>().VerifyAsync(funderId, default)).Single(r =>
            r.Log == "request_events"
        );
}

public sealed class SqliteDefenderChainTests(SqliteApp app) : DefenderChainTests<SqliteApp>(app);

/// <summary>
/// PostgreSQL, where the chain's lock is an advisory lock a test can hold (on SQLite it is the database's one write
/// lock, which every insert needs anyway): with the funder's locks for its events and its access log held by another
/// open transaction, every defender's write still answers at once, while a staff action waits for the lock.
/// </summary>
public sealed class PostgresDefenderChainTests(PostgresApp app) : DefenderChainTests<PostgresApp>(app)
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5); // a behaviour check, not a timer

    [Fact]
    public async Task Defenders_writes_answer_while_another_transaction_holds_the_funders_chain_locks()
    {
        var (admin, slug) = await FundAsync();
        var officer = await App.AddKeyAsync(admin, Roles.Officer);
        var (asked, askedCode) = await SubmitAsync(slug, 1);
        var (_, withdrawnCode) = await SubmitAsync(slug, 2);
        await Act(officer, asked, "acknowledge", new { version = 1 });
        await Act(officer, asked, "questions", new { version = 2, question = "Which city are you in now?" });
        using var anonymous = App.CreateClient();

        var rapid = App.Services.GetRequiredService<RapidResponseDb>();
        await using var holder = await rapid.OpenAsync();
        await using var tx = await holder.BeginTransactionAsync();
        foreach (var log in new[] { LogChains.RequestEvents, LogChains.AccessLog })
        {
            await rapid.Engine.LockInTransactionAsync(tx, log.LockKey(admin.FunderId), wait: true, default);
        }

        Task<HttpResponseMessage>? staffAction = null;
        try
        {
            var (late, _) = await SubmitAsync(slug, 4).WaitAsync(Prompt);
            var status = await Ok(anonymous.PostAsJsonAsync("/api/requests/status", new { caseCode = askedCode }));
            Assert.Equal("question", status.GetProperty("status").GetString()); // its read goes to the access log
            var answer = new { caseCode = askedCode, answer = "Tegucigalpa, safe house." };
            Assert.Equal(
                "under_review",
                (await Ok(anonymous.PostAsJsonAsync("/api/requests/answer", answer))).GetProperty("status").GetString()
            );
            var withdraw = new { caseCode = withdrawnCode };
            Assert.Equal(
                "withdrawn",
                (await Ok(anonymous.PostAsJsonAsync("/api/requests/withdraw", withdraw)))
                    .GetProperty("status")
                    .GetString()
            );

            // The lock held is the real one: a staff action (sealed at once) waits for it.
            staffAction = officer.Client.PostAsJsonAsync($"/api/requests/{late}/acknowledge", new { version = 1 });
            await Task.WhenAny(staffAction, Task.Delay(TimeSpan.FromMilliseconds(500)));
            Assert.False(staffAction.IsCompleted, "the officer's action did not wait for the chain's lock");
        }
        finally
        {
            await tx.RollbackAsync();
        }

        await HttpAssert.OkJsonAsync(await staffAction.WaitAsync(TimeSpan.FromSeconds(30)));
        await RunSealJobAsync();
        var reports = await App.Services.GetRequiredService<LogChainStore>().VerifyAsync(admin.FunderId, default);
        Assert.All(reports, r => Assert.True(r.Intact && r.Pending == 0, VerifyLogsCommand.Describe(r)));
        var events = reports.Single(r => r.Log == "request_events");
        Assert.Equal(3 + 2 + 2 + 1, events.Links); // 3 forms; acknowledge, ask; answer, withdraw; acknowledge
    }

    private static async Task<JsonElement> Ok(Task<HttpResponseMessage> call) =>
        await HttpAssert.OkJsonAsync(await call.WaitAsync(Prompt));

    private static async Task Act(Tenant who, string reference, string action, object body) =>
        await HttpAssert.OkJsonAsync(await who.Client.PostAsJsonAsync($"/api/requests/{reference}/{action}", body));
}

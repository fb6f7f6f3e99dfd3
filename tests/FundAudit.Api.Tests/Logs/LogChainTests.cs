using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.Logs;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Logs;

/// <summary>
/// Issue 15 item 5: request events, the access log and the administration log are hash-chained per funder and
/// append-only. Concurrent appends keep one chain; a row edited or removed behind the service's back (the trigger
/// disabled by the database owner) is reported by <c>verify-logs</c> and the admin endpoint at that link; the
/// database refuses UPDATE and DELETE; one funder sees only its own logs.
/// </summary>
public abstract class LogChainTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private sealed record Case(Tenant Admin, Tenant Officer, IReadOnlyList<string> References, string Slug);

    private async Task<Case> CaseAsync(int requests = 2)
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = await EmergencyForms.CreateFundAsync(
            admin,
            "chain",
            new JsonObject
            {
                ["name"] = "Chained Fund",
                ["currency"] = "USD",
                ["maxAmount"] = 2000,
            }
        );
        var officer = await app.AddKeyAsync(admin, Roles.Officer);
        var references = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            var reference = await EmergencyForms.SubmitAsync(app.CreateClient(), slug);
            await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests/{reference}"));
            references.Add(reference);
        }

        await SealDefendersRowsAsync(); // the forms' events are chained by the seal job (every minute in service)
        return new Case(admin, officer, references, slug);
    }

    private async Task<int> SealDefendersRowsAsync()
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<LogSealJob>().RunAsync(default);
    }

    [Fact]
    public async Task Events_access_reads_and_admin_changes_form_intact_chains_shown_to_the_admin()
    {
        var c = await CaseAsync();
        await HttpAssert.OkJsonAsync(
            await c.Officer.Client.PostAsJsonAsync($"/api/requests/{c.References[0]}/acknowledge", new { version = 1 })
        );

        var chain = await ChainAsync(c.Admin);

        Assert.True(chain.GetProperty("intact").GetBoolean(), chain.ToString());
        Assert.Equal(3L, Links(chain, "request_events")); // two submissions, one acknowledgement
        Assert.True(Links(chain, "request_access_log") >= 2);
        Assert.Equal(4L, Links(chain, "admin_log")); // funder, first key, fund, officer key
        var head = Chain(chain, "admin_log");
        Assert.Equal(4L, head.GetProperty("headSeq").GetInt64());
        Assert.Matches("^[0-9a-f]{64}$", head.GetProperty("headHash").GetString());
    }

    [Fact]
    public async Task Appends_from_many_connections_at_once_keep_one_chain_per_funder()
    {
        var one = await app.CreateTenantAsync(Roles.Admin);
        var two = await app.CreateTenantAsync(Roles.Admin);
        var log = app.Services.GetRequiredService<AdminLog>();

        await Task.WhenAll(
            Enumerable
                .Range(0, 24)
                .Select(i =>
                    Task.Run(() =>
                        log.AppendAsync(
                            new AdminLogEntry(
                                i % 2 == 0 ? one.FunderId : two.FunderId,
                                "key:test",
                                "test.appended",
                                "test",
                                i.ToString(System.Globalization.CultureInfo.InvariantCulture)
                            ),
                            default
                        )
                    )
                )
        );

        var store = app.Services.GetRequiredService<LogChainStore>();
        foreach (var funder in new[] { one, two })
        {
            var report = (await store.VerifyAsync(funder.FunderId, default)).Single(r => r.Log == "admin_log");
            Assert.True(report.Intact, VerifyLogsCommand.Describe(report));
            Assert.Equal(2 + 12, report.Links);
            Assert.Equal(0, report.Unsealed);
        }
    }

    [Fact]
    public async Task An_event_edited_behind_the_services_back_is_reported_at_its_link_and_only_for_its_funder()
    {
        var c = await CaseAsync();
        var other = await CaseAsync();
        await BehindTheBackAsync(
            rapid: true,
            "request_events",
            "UPDATE request_events SET actor_role = 'admin' WHERE funder_id = @FunderId AND seq = 2",
            c.Admin.FunderId
        );

        var (code, stdout, stderr) = await VerifyLogsAsync(c.Admin.FunderId);
        Assert.Equal(1, code);
        Assert.Contains(
            $"request_events funder {c.Admin.FunderId}: 2 links, head 2 ",
            stdout,
            StringComparison.Ordinal
        );
        Assert.Contains("BROKEN at seq 2 (hash): expected ", stdout, StringComparison.Ordinal);
        Assert.Contains("chains broken", stderr, StringComparison.Ordinal);

        var chain = await ChainAsync(c.Admin);
        Assert.False(chain.GetProperty("intact").GetBoolean());
        var broken = Chain(chain, "request_events").GetProperty("broken");
        Assert.Equal(2L, broken.GetProperty("seq").GetInt64());
        Assert.Equal("hash", broken.GetProperty("what").GetString());
        Assert.True(Chain(chain, "admin_log").GetProperty("intact").GetBoolean());

        Assert.True((await ChainAsync(other.Admin)).GetProperty("intact").GetBoolean());
        Assert.Equal(0, (await VerifyLogsAsync(other.Admin.FunderId)).Code);
    }

    [Fact]
    public async Task An_admin_entry_removed_behind_the_services_back_is_reported_as_a_missing_link()
    {
        var c = await CaseAsync(requests: 0);
        await BehindTheBackAsync(
            rapid: false,
            "admin_log",
            "DELETE FROM admin_log WHERE funder_id = @FunderId AND seq = 2",
            c.Admin.FunderId
        );

        var (code, stdout, _) = await VerifyLogsAsync(c.Admin.FunderId);

        Assert.Equal(1, code);
        Assert.Contains($"admin_log funder {c.Admin.FunderId}: 3 links, head 4 ", stdout, StringComparison.Ordinal);
        Assert.Contains("BROKEN at seq 2 (seq): expected 2, found 3", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE request_events SET command = 'approve' WHERE funder_id = @FunderId")]
    [InlineData("UPDATE request_events SET hash = NULL WHERE funder_id = @FunderId")]
    [InlineData("DELETE FROM request_events WHERE funder_id = @FunderId")]
    [InlineData("UPDATE request_access_log SET actor = 'key:nobody' WHERE funder_id = @FunderId")]
    [InlineData("DELETE FROM request_access_log WHERE funder_id = @FunderId")]
    public async Task The_database_refuses_to_change_or_remove_events_and_access_records(string sql)
    {
        var c = await CaseAsync(requests: 1);
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();

        var error = await Record.ExceptionAsync(() => connection.ExecuteAsync(sql, new { c.Admin.FunderId }));

        Assert.NotNull(error);
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        Assert.True((await ChainAsync(c.Admin)).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Only_admins_read_the_log_and_each_funder_only_its_own()
    {
        var one = await CaseAsync(requests: 0);
        var two = await CaseAsync(requests: 0);

        var page = await HttpAssert.OkJsonAsync(await one.Admin.Client.GetAsync("/api/admin/log?limit=3"));
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([4L, 3, 2], entries.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal("api_key.issued", entries[0].GetProperty("action").GetString());
        Assert.Equal(one.Officer.KeyId, entries[0].GetProperty("subjectId").GetString());
        var next = page.GetProperty("next").GetInt64();
        var rest = await HttpAssert.OkJsonAsync(await one.Admin.Client.GetAsync($"/api/admin/log?before={next}"));
        Assert.Equal([1L], rest.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.False(rest.TryGetProperty("next", out _));

        var all = (await HttpAssert.OkJsonAsync(await one.Admin.Client.GetAsync("/api/admin/log"))).ToString();
        Assert.DoesNotContain(two.Officer.KeyId, all, StringComparison.Ordinal);
        Assert.DoesNotContain(two.Admin.KeyId, all, StringComparison.Ordinal);

        foreach (var path in new[] { "/api/admin/log", "/api/admin/log-chain" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await one.Officer.Client.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync(path)).StatusCode);
        }

        await HttpAssert.ProblemAsync(
            await one.Admin.Client.GetAsync("/api/admin/log?limit=0"),
            HttpStatusCode.BadRequest
        );
    }

    [Fact]
    public async Task The_console_shows_admins_the_chains_and_the_log_and_no_one_else()
    {
        var c = await CaseAsync(requests: 1);
        var admin = await SignInAsync(c.Admin);

        var page = await admin.GetAsync("/app/logs");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("data-chains=\"intact\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("data-chain=\"request_access_log\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("data-entry=\"4\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("api_key.issued", page.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"/app/logs\"", page.Html, StringComparison.Ordinal);

        await BehindTheBackAsync(
            rapid: true,
            "request_access_log",
            "UPDATE request_access_log SET fields = 'payment_details' WHERE funder_id = @FunderId AND seq = 1",
            c.Admin.FunderId
        );
        var broken = await admin.GetAsync("/app/logs");
        Assert.Contains("data-chains=\"broken\"", broken.Html, StringComparison.Ordinal);
        Assert.Contains("at #1 (hash)", broken.Html, StringComparison.Ordinal);

        var officer = await SignInAsync(c.Officer);
        var refused = await officer.GetAsync("/app/logs");
        Assert.Equal(HttpStatusCode.Redirect, refused.Status);
        Assert.Equal("/app/forbidden", refused.Header("Location"));
        Assert.DoesNotContain(
            "href=\"/app/logs\"",
            (await officer.GetAsync("/app/requests")).Html,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Rows_written_before_the_chains_existed_are_reported_then_chained_once_at_start()
    {
        var c = await CaseAsync(requests: 1);
        var at = app.Clock.GetUtcNow();
        await using (var rapid = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync())
        {
            // As migration 0011 finds them: no seq, no hash (an INSERT is all the triggers allow).
            await rapid.ExecuteAsync(
                """
                INSERT INTO request_events (funder_id, request_id, command, from_state, to_state, actor, actor_role,
                    amount, occurred_at)
                SELECT funder_id, request_id, 'acknowledge', 'received', 'acknowledged', 'key:old', 'officer', NULL, @At
                FROM request_events WHERE funder_id = @FunderId AND seq = 1
                """,
                new { c.Admin.FunderId, At = at }
            );
        }

        var (before, stdout, _) = await VerifyLogsAsync(c.Admin.FunderId);
        Assert.Equal(1, before);
        Assert.Contains("BROKEN at seq 2 (unsealed): expected every row in the chain, found 1 rows outside it", stdout);

        Assert.True(await app.Services.GetRequiredService<LogChainStore>().SealPendingAsync(default) >= 1);
        Assert.Equal(0, await app.Services.GetRequiredService<LogChainStore>().SealPendingAsync(default));

        var (after, again, _) = await VerifyLogsAsync(c.Admin.FunderId);
        Assert.Equal(0, after);
        Assert.Contains($"request_events funder {c.Admin.FunderId}: 2 links, head 2 ", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defenders_rows_pending_seal_are_reported_not_broken_and_reordered_sealed_rows_still_are()
    {
        var c = await CaseAsync(requests: 2);
        await EmergencyForms.SubmitAsync(app.CreateClient(), c.Slug); // not sealed until the seal job runs
        var funder = c.Admin.FunderId;

        var (code, stdout, _) = await VerifyLogsAsync(funder);
        Assert.Equal(0, code);
        Assert.Contains($"request_events funder {funder}: 2 links, head 2 ", stdout, StringComparison.Ordinal);
        Assert.Contains("intact; 1 pending seal", stdout, StringComparison.Ordinal);
        Assert.Contains("All 3 chains intact. 1 defenders' rows pending seal", stdout, StringComparison.Ordinal);
        var chain = await ChainAsync(c.Admin);
        Assert.True(chain.GetProperty("intact").GetBoolean(), chain.ToString());
        Assert.Equal(1L, Chain(chain, "request_events").GetProperty("pending").GetInt64());
        Assert.Equal(0L, Chain(chain, "admin_log").GetProperty("pending").GetInt64());

        // The first two sealed events swap places behind the service's back: still a break, at the first link.
        foreach (var (from, to) in new[] { (1, -1), (2, 1), (-1, 2) })
        {
            await BehindTheBackAsync(
                rapid: true,
                "request_events",
                $"UPDATE request_events SET seq = {to} WHERE funder_id = @FunderId AND seq = {from}",
                funder
            );
        }

        var (broken, again, _) = await VerifyLogsAsync(funder);
        Assert.Equal(1, broken);
        Assert.Contains("BROKEN at seq 1 (prev_hash): expected (none), found ", again, StringComparison.Ordinal);
        Assert.Contains("; 1 pending seal", again, StringComparison.Ordinal);
        var events = Chain(await ChainAsync(c.Admin), "request_events");
        Assert.Equal("prev_hash", events.GetProperty("broken").GetProperty("what").GetString());
        Assert.Equal(1L, events.GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task Verify_logs_exits_0_when_every_chain_holds_and_2_on_bad_arguments()
    {
        var c = await CaseAsync(requests: 1);

        var (code, stdout, _) = await VerifyLogsAsync(c.Admin.FunderId);
        Assert.Equal(0, code);
        Assert.Contains($"admin_log funder {c.Admin.FunderId}: 4 links, head 4 ", stdout, StringComparison.Ordinal);
        Assert.Contains("All 3 chains intact.", stdout, StringComparison.Ordinal);

        var stderr = new StringWriter();
        Assert.Equal(
            2,
            await VerifyLogsCommand.RunAsync(app.Services, ["verify-logs", "x"], new StringWriter(), stderr)
        );
        Assert.Contains("Usage", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A session signed in as the person who owns <paramref name="who"/>'s key.</summary>
    private Task<PageSession> SignInAsync(Tenant who) => TestPeople.SignedInSessionAsync(app, who.Key);

    private async Task<(int Code, string Stdout, string Stderr)> VerifyLogsAsync(long funderId)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var id = funderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var code = await VerifyLogsCommand.RunAsync(app.Services, ["verify-logs", id], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<JsonElement> ChainAsync(Tenant admin) =>
        await HttpAssert.OkJsonAsync(await admin.Client.GetAsync("/api/admin/log-chain"));

    private static JsonElement Chain(JsonElement chain, string log) =>
        chain.GetProperty("chains").EnumerateArray().Single(c => c.GetProperty("log").GetString() == log);

    private static long Links(JsonElement chain, string log) => Chain(chain, log).GetProperty("links").GetInt64();

    /// <summary>
    /// What the database's owner can do: runs <paramref name="sql"/> on <paramref name="table"/> with its append-only
    /// triggers out of the way (PostgreSQL: disabled; SQLite: dropped), then puts them back.
    /// </summary>
    private async Task BehindTheBackAsync(bool rapid, string table, string sql, long funderId)
    {
        Db db = rapid ? app.Services.GetRequiredService<RapidResponseDb>() : app.Services.GetRequiredService<Db>();
        await using var connection = await db.OpenAsync();
        if (app.Provider == "postgres")
        {
            await connection.ExecuteAsync($"ALTER TABLE {table} DISABLE TRIGGER USER");
            Assert.Equal(1, await connection.ExecuteAsync(sql, new { FunderId = funderId }));
            await connection.ExecuteAsync($"ALTER TABLE {table} ENABLE TRIGGER USER");
            return;
        }

        var triggers = (
            await connection.QueryAsync<(string Name, string Sql)>(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @table",
                new { table }
            )
        ).AsList();
        Assert.NotEmpty(triggers);
        foreach (var trigger in triggers)
        {
            await connection.ExecuteAsync($"DROP TRIGGER {trigger.Name}");
        }

        Assert.Equal(1, await connection.ExecuteAsync(sql, new { FunderId = funderId }));
        foreach (var trigger in triggers)
        {
            await connection.ExecuteAsync(trigger.Sql);
        }
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqliteLogChainTests(SqliteApp app) : LogChainTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresLogChainTests(PostgresApp app) : LogChainTests<PostgresApp>(app);

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>The rapid-response workflow over HTTP, per engine, under the app's fake clock. Jobs are called as Hangfire would.</summary>
public abstract class EmergencyRequestsApiTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private const string Canary = "CANARY-q7Zx93-Kestrel";

    private sealed record Staff(Tenant Admin, Tenant Officer, Tenant Officer2, Tenant Finance, HttpClient Anonymous);

    private static JsonObject Form(
        string alias = "Ana",
        string urgency = "high",
        decimal amount = 800m,
        string situation = "Threatened after a land rights hearing."
    ) =>
        new()
        {
            ["alias"] = alias,
            ["contact"] = new JsonObject { ["channel"] = "signal", ["handle"] = "+50499990000" },
            ["country"] = "Honduras",
            ["urgency"] = urgency,
            ["situation"] = situation,
            ["need"] = "relocation",
            ["amount"] = amount,
            ["currency"] = "USD",
            ["language"] = "es",
            ["endorser"] = "Red de Defensoras",
        };

    private async Task<Staff> StaffAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        return new Staff(
            admin,
            await app.AddKeyAsync(admin, Roles.Officer, "olga"),
            await app.AddKeyAsync(admin, Roles.Officer, "omar"),
            await app.AddKeyAsync(admin, Roles.Finance, "fatima"),
            app.CreateClient()
        );
    }

    private static async Task<string> CreateFundAsync(
        Staff staff,
        decimal max = 1000m,
        decimal? threshold = null,
        string? webhook = null,
        JsonObject? sla = null
    )
    {
        var slug = "fund-" + Guid.NewGuid().ToString("N")[..10];
        var body = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Rapid Fund",
            ["currency"] = "USD",
            ["maxAmount"] = max,
            ["languages"] = new JsonArray("es", "en"),
        };
        if (threshold is not null)
        {
            body["secondApprovalThreshold"] = threshold;
        }

        if (webhook is not null)
        {
            body["webhookUrl"] = webhook;
        }

        if (sla is not null)
        {
            body["sla"] = sla;
        }

        var created = await HttpAssert.OkJsonAsync(
            await staff.Admin.Client.PostAsync("/api/funds", Giving.Json(body)),
            HttpStatusCode.Created
        );
        Assert.Equal(slug, created.GetProperty("fund").GetProperty("slug").GetString());
        return webhook is null ? slug : slug + " " + created.GetProperty("webhookSecret").GetString();
    }

    private static async Task<(string Reference, string Code)> SubmitAsync(
        HttpClient client,
        string slug,
        JsonObject? form = null
    )
    {
        var json = await HttpAssert.OkJsonAsync(
            await client.PostAsync($"/api/funds/{slug}/requests", Giving.Json(form ?? Form())),
            HttpStatusCode.Created
        );
        return (json.GetProperty("reference").GetString()!, json.GetProperty("caseCode").GetString()!);
    }

    private static async Task<JsonElement> StatusAsync(HttpClient client, string code) =>
        await HttpAssert.OkJsonAsync(await client.PostAsJsonAsync("/api/requests/status", new { caseCode = code }));

    private static async Task<JsonElement> OfficerViewAsync(Tenant officer, string reference) =>
        (await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests/{reference}"))).GetProperty(
            "request"
        );

    private static JsonElement Goal(JsonElement summary, string goal) =>
        summary.GetProperty("goals").EnumerateArray().Single(g => g.GetProperty("goal").GetString() == goal);

    private static void AssertGoal(
        JsonElement summary,
        string goal,
        string status,
        long elapsedSeconds,
        long? remainingSeconds = null
    )
    {
        var g = Goal(summary, goal);
        Assert.True(status == g.GetProperty("status").GetString(), $"{goal}: expected {status}, got {g}");
        Assert.True(
            elapsedSeconds == g.GetProperty("elapsedSeconds").GetInt64(),
            $"{goal}: expected elapsed {elapsedSeconds}, got {g}"
        );
        if (remainingSeconds is not null)
        {
            Assert.Equal(remainingSeconds, g.GetProperty("remainingSeconds").GetInt64());
        }
    }

    private static Task<HttpResponseMessage> ActAsync(Tenant who, string reference, string action, object body) =>
        who.Client.PostAsJsonAsync($"/api/requests/{reference}/{action}", body);

    private static async Task<JsonElement> ActOkAsync(Tenant who, string reference, string action, object body) =>
        await HttpAssert.OkJsonAsync(await ActAsync(who, reference, action, body));

    private static async Task<HttpResponseMessage> DisburseAsync(
        Tenant finance,
        string reference,
        int version,
        string key
    )
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{reference}/disbursement")
        {
            Content = JsonContent.Create(
                new
                {
                    version,
                    method = "mobile-money",
                    reference = "TX-" + key,
                }
            ),
        };
        message.Headers.Add("Idempotency-Key", key);
        return await finance.Client.SendAsync(message);
    }

    private async Task<T> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value");
    }

    private async Task<long> RequestIdAsync(string reference) =>
        await QueryAsync<long>("SELECT id FROM emergency_requests WHERE reference = @reference", new { reference });

    private async Task<int> RunJobAsync<TJob>(Func<TJob, Task<int>> run)
        where TJob : notnull
    {
        using var scope = app.Services.CreateScope();
        return await run(scope.ServiceProvider.GetRequiredService<TJob>());
    }

    [Fact]
    public async Task A_request_walks_from_the_anonymous_form_to_closure_with_every_status_and_sla_figure()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);
        var (reference, code) = await SubmitAsync(staff.Anonymous, slug);
        Assert.Matches("^RR-[0-9A-Z]{4}-[0-9A-Z]{4}$", reference);
        Assert.Equal(34, code.Length); // 28 symbols in groups of four

        var status = await StatusAsync(staff.Anonymous, code);
        Assert.Equal("received", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("canWithdraw").GetBoolean());

        // The queue: time left on each goal ("high": 8 h to acknowledge, 36 h to decide, 7 days to disburse, 10 days in total).
        var list = await HttpAssert.OkJsonAsync(await staff.Officer.Client.GetAsync($"/api/requests?fund={slug}"));
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("submitted", item.GetProperty("state").GetString());
        Assert.Equal("HN", item.GetProperty("country").GetString());
        Assert.False(item.TryGetProperty("alias", out _));
        AssertGoal(item, "time_to_acknowledge", "running", 0, 8 * 3600);
        AssertGoal(item, "time_to_decision", "running", 0, 36 * 3600);
        AssertGoal(item, "time_to_disbursement", "not_started", 0);
        AssertGoal(item, "total_time", "running", 0, 240 * 3600);

        app.Clock.Advance(TimeSpan.FromHours(1));
        var view = await ActOkAsync(staff.Officer, reference, "acknowledge", new { version = 1 });
        Assert.Equal("acknowledged", view.GetProperty("state").GetString());
        Assert.Equal(2, view.GetProperty("version").GetInt32());
        AssertGoal(view, "time_to_acknowledge", "met", 3600);
        Assert.Equal("under_review", (await StatusAsync(staff.Anonymous, code)).GetProperty("status").GetString());

        app.Clock.Advance(TimeSpan.FromHours(1));
        view = await ActOkAsync(
            staff.Officer,
            reference,
            "questions",
            new { version = 2, question = "Which city are you in now?" }
        );
        Assert.Equal("awaiting_applicant", view.GetProperty("state").GetString());
        AssertGoal(view, "time_to_decision", "paused", 7200);

        status = await StatusAsync(staff.Anonymous, code);
        Assert.Equal("question", status.GetProperty("status").GetString());
        Assert.Equal("Which city are you in now?", status.GetProperty("question").GetString());
        Assert.True(status.GetProperty("canAnswer").GetBoolean());

        app.Clock.Advance(TimeSpan.FromHours(5)); // the clock is paused: these five hours do not count
        AssertGoal(await OfficerViewAsync(staff.Officer, reference), "time_to_decision", "paused", 7200);
        status = await HttpAssert.OkJsonAsync(
            await staff.Anonymous.PostAsJsonAsync(
                "/api/requests/answer",
                new { caseCode = code, answer = "Tegucigalpa, safe house." }
            )
        );
        Assert.Equal("under_review", status.GetProperty("status").GetString());
        view = await OfficerViewAsync(staff.Officer, reference);
        AssertGoal(view, "time_to_decision", "running", 7200, 34 * 3600);
        Assert.Equal(5 * 3600, Goal(view, "time_to_decision").GetProperty("pausedSeconds").GetInt64());
        AssertGoal(view, "total_time", "running", 7 * 3600);

        app.Clock.Advance(TimeSpan.FromHours(1));
        view = await ActOkAsync(staff.Officer, reference, "approve", new { version = 4, amount = 500m });
        Assert.Equal("approved", view.GetProperty("state").GetString());
        Assert.Equal(500m, view.GetProperty("approvedAmount").GetDecimal());
        AssertGoal(view, "time_to_decision", "met", 3 * 3600);
        AssertGoal(view, "time_to_disbursement", "running", 0, 168 * 3600);
        Assert.Equal("approved", (await StatusAsync(staff.Anonymous, code)).GetProperty("status").GetString());

        // No disbursement before payment details; then a separate, encrypted record.
        var missing = await HttpAssert.ProblemAsync(
            await DisburseAsync(staff.Finance, reference, 5, "pay-1"),
            HttpStatusCode.Conflict
        );
        Assert.Equal("payment_details_missing", missing.GetProperty("code").GetString());
        view = await HttpAssert.OkJsonAsync(
            await staff.Finance.Client.PutAsJsonAsync(
                $"/api/requests/{reference}/payment-details",
                new { version = 5, details = "Mobile money to the trusted organisation's account" }
            )
        );
        Assert.Equal("approved", view.GetProperty("state").GetString());
        var details = await HttpAssert.OkJsonAsync(
            await staff.Finance.Client.GetAsync($"/api/requests/{reference}/payment-details")
        );
        Assert.Equal("Mobile money to the trusted organisation's account", details.GetProperty("details").GetString());

        app.Clock.Advance(TimeSpan.FromHours(2));
        var disbursed = await HttpAssert.OkJsonAsync(await DisburseAsync(staff.Finance, reference, 6, "pay-1"));
        view = disbursed.GetProperty("request");
        Assert.Equal("disbursed", view.GetProperty("state").GetString());
        Assert.Equal(500m, disbursed.GetProperty("disbursement").GetProperty("amount").GetDecimal());
        AssertGoal(view, "time_to_disbursement", "met", 7200);
        AssertGoal(view, "total_time", "met", 10 * 3600);
        Assert.Equal("sent", (await StatusAsync(staff.Anonymous, code)).GetProperty("status").GetString());

        view = await ActOkAsync(staff.Officer, reference, "close", new { version = 7 });
        Assert.Equal("closed", view.GetProperty("state").GetString());
        status = await StatusAsync(staff.Anonymous, code);
        Assert.Equal("closed", status.GetProperty("status").GetString());
        Assert.False(status.GetProperty("canWithdraw").GetBoolean());

        var events = await HttpAssert.OkJsonAsync(
            await staff.Officer.Client.GetAsync($"/api/requests/{reference}/events")
        );
        Assert.Equal(
            [
                "submit",
                "acknowledge",
                "ask_for_information",
                "answer_question",
                "approve",
                "record_payment_details",
                "record_disbursement",
                "close",
            ],
            events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray()
        );
        // The actor is the person who owns olga's key (issue 16: people, not labels).
        Assert.Equal(
            $"staff:{staff.Officer.PersonId}",
            events.GetProperty("items")[1].GetProperty("actor").GetString()
        );

        var id = await RequestIdAsync(reference);
        Assert.True(
            await QueryAsync<long>("SELECT COUNT(*) FROM request_access_log WHERE request_id = @id", new { id }) >= 4
        );
        Assert.Equal(
            1,
            await QueryAsync<long>(
                "SELECT COUNT(*) FROM request_access_log WHERE request_id = @id AND fields = 'payment_details'",
                new { id }
            )
        );

        var metrics = await HttpAssert.OkJsonAsync(
            await staff.Officer.Client.GetAsync($"/api/funds/{slug}/metrics?groupBy=tier")
        );
        var group = Assert.Single(metrics.GetProperty("groups").EnumerateArray());
        Assert.Equal("high", group.GetProperty("tier").GetString());
        Assert.Equal(1, group.GetProperty("requests").GetInt32());
        var goals = group.GetProperty("goals");
        Assert.Equal(3600, goals.GetProperty("time_to_acknowledge").GetProperty("medianSeconds").GetInt64());
        Assert.Equal(3 * 3600, goals.GetProperty("time_to_decision").GetProperty("medianSeconds").GetInt64());
        Assert.Equal(7200, goals.GetProperty("time_to_disbursement").GetProperty("p90Seconds").GetInt64());
        Assert.Equal(10 * 3600, goals.GetProperty("total_time").GetProperty("medianSeconds").GetInt64());
        Assert.Equal(1.0, goals.GetProperty("time_to_decision").GetProperty("shareWithinGoal").GetDouble());
    }

    [Theory]
    [InlineData("to=0001-01-01", "to")] // the default start, a year earlier, was out of DateOnly's range: a 500
    [InlineData("to=9999-12-31", "to")] // so was the day after the last one
    [InlineData("from=1899-12-31&to=2026-01-01", "from")]
    public async Task Metrics_for_a_day_out_of_range_are_a_problem_naming_it(string query, string field)
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);

        var problem = await HttpAssert.ProblemAsync(
            await staff.Officer.Client.GetAsync($"/api/funds/{slug}/metrics?{query}"),
            HttpStatusCode.BadRequest
        );

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_retried_submission_with_the_same_idempotency_key_creates_one_case()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);

        async Task<HttpResponseMessage> PostAsync(string key, JsonObject form)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/funds/{slug}/requests")
            {
                Content = Giving.Json(form),
            };
            message.Headers.Add("Idempotency-Key", key);
            return await staff.Anonymous.SendAsync(message);
        }

        var answers = await Task.WhenAll(
            PostAsync("retry-1", Form()),
            PostAsync("retry-1", Form()),
            PostAsync("retry-1", Form())
        );
        var bodies = new List<JsonElement>();
        foreach (var a in answers)
        {
            bodies.Add(await HttpAssert.OkJsonAsync(a, HttpStatusCode.Created));
        }

        Assert.Single(bodies.Select(b => b.GetProperty("reference").GetString()).Distinct());
        Assert.Single(bodies.Select(b => b.GetProperty("caseCode").GetString()).Distinct());
        var fundId = await QueryAsync<long>("SELECT id FROM funds WHERE slug = @slug", new { slug });
        Assert.Equal(
            1,
            await QueryAsync<long>("SELECT COUNT(*) FROM emergency_requests WHERE fund_id = @fundId", new { fundId })
        );

        var other = await HttpAssert.ProblemAsync(
            await PostAsync("retry-1", Form(amount: 900m)),
            HttpStatusCode.UnprocessableEntity
        );
        Assert.Equal("Idempotency-Key", other.GetProperty("field").GetString());
        Assert.Equal(
            1,
            await QueryAsync<long>("SELECT COUNT(*) FROM emergency_requests WHERE fund_id = @fundId", new { fundId })
        );
    }

    [Fact]
    public async Task Two_concurrent_approvals_give_one_success_and_one_conflict()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);
        var (reference, _) = await SubmitAsync(staff.Anonymous, slug);

        var answers = await Task.WhenAll(
            ActAsync(staff.Officer, reference, "approve", new { version = 1, amount = 400m }),
            ActAsync(staff.Officer2, reference, "approve", new { version = 1, amount = 400m })
        );
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order().ToArray());
        var conflict = await HttpAssert.ProblemAsync(
            answers.Single(a => a.StatusCode == HttpStatusCode.Conflict),
            HttpStatusCode.Conflict
        );
        Assert.Equal("stale_version", conflict.GetProperty("code").GetString());
        var id = await RequestIdAsync(reference);
        Assert.Equal(
            1,
            await QueryAsync<long>(
                "SELECT COUNT(*) FROM request_events WHERE request_id = @id AND command = 'approve'",
                new { id }
            )
        );
    }

    [Fact]
    public async Task Two_concurrent_disbursements_with_the_same_key_give_one_disbursement_and_the_approver_cannot_disburse()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);
        var (reference, _) = await SubmitAsync(staff.Anonymous, slug);
        await ActOkAsync(staff.Officer, reference, "approve", new { version = 1, amount = 300m });
        await HttpAssert.OkJsonAsync(
            await staff.Officer.Client.PutAsJsonAsync(
                $"/api/requests/{reference}/payment-details",
                new { version = 2, details = "IBAN of partner" }
            )
        );

        // Olga approved; her own finance key is refused.
        var olgaFinance = await app.AddKeyAsync(staff.Admin, Roles.Finance, "Olga");
        var refused = await HttpAssert.ProblemAsync(
            await DisburseAsync(olgaFinance, reference, 3, "k-1"),
            HttpStatusCode.Conflict
        );
        Assert.Equal("approver_cannot_disburse", refused.GetProperty("code").GetString());
        // Officers do not move money at all.
        await HttpAssert.ProblemAsync(
            await DisburseAsync(staff.Officer2, reference, 3, "k-1"),
            HttpStatusCode.Forbidden
        );

        var answers = await Task.WhenAll(
            DisburseAsync(staff.Finance, reference, 3, "k-1"),
            DisburseAsync(staff.Finance, reference, 3, "k-1")
        );
        foreach (var a in answers)
        {
            Assert.Equal(
                "disbursed",
                (await HttpAssert.OkJsonAsync(a)).GetProperty("request").GetProperty("state").GetString()
            );
        }

        var id = await RequestIdAsync(reference);
        Assert.Equal(
            1,
            await QueryAsync<long>("SELECT COUNT(*) FROM disbursements WHERE request_id = @id", new { id })
        );
        var otherKey = await HttpAssert.ProblemAsync(
            await DisburseAsync(staff.Finance, reference, 4, "k-2"),
            HttpStatusCode.Conflict
        );
        Assert.Equal("already_disbursed", otherKey.GetProperty("code").GetString());

        using var noKey = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{reference}/disbursement")
        {
            Content = JsonContent.Create(new { version = 4, method = "cash" }),
        };
        await HttpAssert.ProblemAsync(await staff.Finance.Client.SendAsync(noKey), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_large_grant_needs_two_different_approvers_and_none_above_the_maximum()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff, max: 1000m, threshold: 300m);
        var (reference, _) = await SubmitAsync(staff.Anonymous, slug);

        var above = await HttpAssert.ProblemAsync(
            await ActAsync(staff.Officer, reference, "approve", new { version = 1, amount = 1000.01m }),
            HttpStatusCode.UnprocessableEntity
        );
        Assert.Equal("amount_above_maximum", above.GetProperty("code").GetString());

        var first = await ActOkAsync(staff.Officer, reference, "approve", new { version = 1, amount = 600m });
        Assert.Equal("awaiting_second_approval", first.GetProperty("state").GetString());
        var same = await HttpAssert.ProblemAsync(
            await ActAsync(staff.Officer, reference, "approve", new { version = 2 }),
            HttpStatusCode.Conflict
        );
        Assert.Equal("second_approver_must_differ", same.GetProperty("code").GetString());
        var second = await ActOkAsync(staff.Officer2, reference, "approve", new { version = 2 });
        Assert.Equal("approved", second.GetProperty("state").GetString());
        Assert.Equal(600m, second.GetProperty("approvedAmount").GetDecimal());

        // Below the threshold one approver is enough.
        var (small, _) = await SubmitAsync(staff.Anonymous, slug);
        Assert.Equal(
            "approved",
            (await ActOkAsync(staff.Officer, small, "approve", new { version = 1, amount = 300m }))
                .GetProperty("state")
                .GetString()
        );
    }

    [Fact]
    public async Task A_sweep_after_a_six_hour_outage_marks_each_breach_once_and_notifies_once_and_a_concurrent_sweep_adds_nothing()
    {
        using var listener = new WebhookListener();
        var staff = await StaffAsync();
        var fund = (await CreateFundAsync(staff, webhook: listener.Url)).Split(' ');
        var start = app.Clock.GetUtcNow();
        var (r1, _) = await SubmitAsync(staff.Anonymous, fund[0], Form(urgency: "extreme"));
        var (r2, _) = await SubmitAsync(staff.Anonymous, fund[0], Form(urgency: "extreme"));
        var ids = new[] { await RequestIdAsync(r1), await RequestIdAsync(r2) };

        app.Clock.Advance(TimeSpan.FromHours(6)); // the service was down: no sweep ran
        var marks = await Task.WhenAll(
            RunJobAsync<SlaSweepJob>(j => j.RunAsync(default)),
            RunJobAsync<SlaSweepJob>(j => j.RunAsync(default))
        );
        Assert.True(marks.Sum() >= 4);
        Assert.Equal(0, await RunJobAsync<SlaSweepJob>(j => j.RunAsync(default)));

        foreach (var id in ids)
        {
            var ack = await QueryAsync<string>(
                "SELECT breached_at FROM request_sla_goals WHERE request_id = @id AND goal = 'time_to_acknowledge'",
                new { id }
            );
            Assert.Equal(
                start.AddHours(2),
                DateTimeOffset.Parse(ack, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime()
            ); // never back-dated, never "now"
            Assert.Equal(
                1,
                await QueryAsync<long>(
                    "SELECT COUNT(*) FROM webhook_outbox WHERE request_id = @id AND event_type = 'sla.breached'",
                    new { id }
                )
            );
            Assert.Equal(
                1,
                await QueryAsync<long>(
                    "SELECT COUNT(*) FROM webhook_outbox WHERE request_id = @id AND event_type = 'sla.at_risk'",
                    new { id }
                )
            );
            Assert.Equal(
                0,
                await QueryAsync<long>(
                    "SELECT COUNT(*) FROM request_sla_goals WHERE request_id = @id AND goal = 'time_to_decision' AND warned_at IS NOT NULL",
                    new { id }
                )
            );
        }

        await Task.WhenAll(
            RunJobAsync<WebhookDeliveryJob>(j => j.RunAsync(default)),
            RunJobAsync<WebhookDeliveryJob>(j => j.RunAsync(default))
        );
        await RunJobAsync<WebhookDeliveryJob>(j => j.RunAsync(default));
        var mine = listener
            .Calls.Where(c =>
                c.Body.Contains(r1, StringComparison.Ordinal) || c.Body.Contains(r2, StringComparison.Ordinal)
            )
            .ToList();
        Assert.Equal(4, mine.Count);
        Assert.Equal(4, mine.Select(c => c.Delivery).Distinct().Count());
        foreach (var call in mine)
        {
            // Signed over "timestamp.body" (the receiver refuses stale timestamps), the timestamp from the app's clock.
            Assert.Equal(
                app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                call.Timestamp
            );
            Assert.Equal(
                "sha256="
                    + Convert.ToHexStringLower(
                        HMACSHA256.HashData(
                            Encoding.UTF8.GetBytes(fund[1]),
                            Encoding.UTF8.GetBytes(call.Timestamp + "." + call.Body)
                        )
                    ),
                call.Signature
            );
            Assert.DoesNotContain("Ana", call.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("Threatened", call.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("+504", call.Body, StringComparison.Ordinal);
            var body = JsonDocument.Parse(call.Body).RootElement;
            Assert.Equal("time_to_acknowledge", body.GetProperty("goal").GetString());
            Assert.Equal("submitted", body.GetProperty("state").GetString());
        }
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_backoff_and_delivered_once_it_recovers()
    {
        using var listener = new WebhookListener(failures: 2);
        var staff = await StaffAsync();
        var slug = (await CreateFundAsync(staff, webhook: listener.Url)).Split(' ')[0];
        var (reference, _) = await SubmitAsync(staff.Anonymous, slug, Form(urgency: "extreme"));
        var id = await RequestIdAsync(reference);
        app.Clock.Advance(TimeSpan.FromMinutes(91)); // past 75% of two hours: one warning
        await RunJobAsync<SlaSweepJob>(j => j.RunAsync(default));
        Assert.Equal(
            1,
            await QueryAsync<long>("SELECT COUNT(*) FROM webhook_outbox WHERE request_id = @id", new { id })
        );

        int Mine() => listener.Calls.Count(c => c.Body.Contains(reference, StringComparison.Ordinal));
        await RunJobAsync<WebhookDeliveryJob>(j => j.RunAsync(default));
        Assert.Equal(1, Mine());
        await RunJobAsync<WebhookDeliveryJob>(j => j.RunAsync(default)); // not due yet: backoff
        Assert.Equal(1, Mine());
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        await RunJobAsync<WebhookDeliveryJob>(j => j.RunAsync(default));
        Assert.Equal(2, Mine());
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await RunJobAsync<WebhookDeliveryJob>(j => j.RunAsync(default));
        Assert.Equal(3, Mine());
        Assert.Equal(200, listener.Calls.Last(c => c.Body.Contains(reference, StringComparison.Ordinal)).Answered);
        Assert.Equal(
            1,
            await QueryAsync<long>(
                "SELECT COUNT(*) FROM webhook_outbox WHERE request_id = @id AND delivered_at IS NOT NULL",
                new { id }
            )
        );

        app.Clock.Advance(TimeSpan.FromHours(1));
        await RunJobAsync<WebhookDeliveryJob>(j => j.RunAsync(default));
        Assert.Equal(3, Mine());
    }

    [Fact]
    public async Task The_canary_is_absent_from_raw_storage_and_readable_by_an_officer()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);
        var form = Form(alias: Canary, situation: "Followed home; " + Canary);
        form["contact"]!["handle"] = Canary;
        form["endorser"] = Canary;
        var (reference, _) = await SubmitAsync(staff.Anonymous, slug, form);
        await ActOkAsync(staff.Officer, reference, "approve", new { version = 1, amount = 100m });
        await HttpAssert.OkJsonAsync(
            await staff.Officer.Client.PutAsJsonAsync(
                $"/api/requests/{reference}/payment-details",
                new { version = 2, details = Canary }
            )
        );

        var detail = await HttpAssert.OkJsonAsync(await staff.Officer.Client.GetAsync($"/api/requests/{reference}"));
        Assert.Equal(Canary, detail.GetProperty("alias").GetString());
        Assert.Equal(Canary, detail.GetProperty("contact").GetProperty("handle").GetString());

        if (app.Provider == "sqlite")
        {
            var file = new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
            var rapid = new SqliteConnectionStringBuilder(
                app.Services.GetRequiredService<DatabaseOptions>().RapidResponseConnectionString
            ).DataSource;
            Assert.True(File.Exists(rapid), "the rapid-response file exists");
            var needle = Encoding.UTF8.GetBytes(Canary);
            foreach (var path in new[] { file, file + "-wal", rapid, rapid + "-wal" }.Where(File.Exists))
            {
                byte[] bytes;
                await using (
                    var stream = new FileStream(
                        path,
                        FileMode.Open,
                        FileAccess.Read,
                        FileShare.ReadWrite | FileShare.Delete
                    )
                )
                {
                    using var memory = new MemoryStream();
                    await stream.CopyToAsync(memory);
                    bytes = memory.ToArray();
                }

                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"the canary is in {Path.GetFileName(path)}");
            }
        }
        else
        {
            foreach (
                var table in new[]
                {
                    "emergency_requests",
                    "request_payment_details",
                    "request_messages",
                    "idempotent_responses",
                    "request_events",
                }
            )
            {
                var text =
                    app.Provider == "postgres"
                        ? await QueryAsync<string>($"SELECT COALESCE(string_agg(t::text, '|'), '') FROM {table} t")
                        : await QueryAsync<string>($"SELECT COALESCE((SELECT * FROM {table} FOR JSON PATH), '')");
                Assert.DoesNotContain(Canary, text, StringComparison.Ordinal);
                if (table == "emergency_requests")
                {
                    Assert.Contains(reference, text, StringComparison.Ordinal); // the query did read the rows
                }
            }
        }
    }

    [Fact]
    public async Task The_purge_removes_personal_data_after_closure_and_keeps_the_statistics()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);
        var (purged, code) = await SubmitAsync(staff.Anonymous, slug);
        var (kept, _) = await SubmitAsync(staff.Anonymous, slug);
        app.Clock.Advance(TimeSpan.FromHours(3));
        await ActOkAsync(staff.Officer, purged, "decline", new { version = 1, reason = "Outside the fund's mandate" });
        await ActOkAsync(staff.Officer, purged, "close", new { version = 2 });
        await ActOkAsync(staff.Officer, kept, "acknowledge", new { version = 1 });

        app.Clock.Advance(TimeSpan.FromDays(89));
        await RunJobAsync<PurgePersonalDataJob>(j => j.RunAsync(default)); // 89 days after closure: too early
        Assert.Equal(
            0,
            await QueryAsync<long>(
                "SELECT COUNT(*) FROM emergency_requests WHERE reference = @purged AND purged_at IS NOT NULL",
                new { purged }
            )
        );

        app.Clock.Advance(TimeSpan.FromDays(2));
        Assert.True(await RunJobAsync<PurgePersonalDataJob>(j => j.RunAsync(default)) >= 1);
        await using (var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync())
        {
            var row = await connection.QuerySingleAsync<RequestRow>(
                "SELECT * FROM emergency_requests WHERE reference = @purged",
                new { purged }
            );
            Assert.Null(row.AliasProtected);
            Assert.Null(row.ContactProtected);
            Assert.Null(row.SituationProtected);
            Assert.Null(row.EndorserProtected);
            Assert.Null(row.DeclineReasonProtected);
            Assert.Null(row.CaseCodeHash);
            Assert.NotNull(row.PurgedAt);
            Assert.Equal("HN", row.Country);
            Assert.Equal("high", row.Tier);
            Assert.Equal(80000, row.AmountRequested);
            Assert.NotNull(row.DecidedAt);
            var other = await connection.QuerySingleAsync<RequestRow>(
                "SELECT * FROM emergency_requests WHERE reference = @kept",
                new { kept }
            );
            Assert.NotNull(other.AliasProtected);
        }

        await HttpAssert.ProblemAsync(
            await staff.Anonymous.PostAsJsonAsync("/api/requests/status", new { caseCode = code }),
            HttpStatusCode.NotFound
        );
        var view = await HttpAssert.OkJsonAsync(await staff.Officer.Client.GetAsync($"/api/requests/{purged}"));
        Assert.False(view.TryGetProperty("alias", out _));
        Assert.True(view.GetProperty("request").GetProperty("purged").GetBoolean());

        var metrics = await HttpAssert.OkJsonAsync(
            await staff.Officer.Client.GetAsync($"/api/funds/{slug}/metrics?groupBy=country&from=2026-01-01")
        );
        var group = Assert.Single(metrics.GetProperty("groups").EnumerateArray());
        Assert.Equal("HN", group.GetProperty("country").GetString());
        Assert.Equal(2, group.GetProperty("requests").GetInt32());
        Assert.Equal(
            3 * 3600,
            group.GetProperty("goals").GetProperty("time_to_decision").GetProperty("medianSeconds").GetInt64()
        );
    }

    [Fact]
    public async Task Officers_of_one_funder_see_nothing_of_another_funders_requests()
    {
        var owner = await StaffAsync();
        var other = await StaffAsync();
        var slug = await CreateFundAsync(owner);
        var (reference, _) = await SubmitAsync(owner.Anonymous, slug);

        await HttpAssert.ProblemAsync(
            await other.Officer.Client.GetAsync($"/api/requests/{reference}"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Officer.Client.GetAsync($"/api/requests/{reference}/events"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Finance.Client.GetAsync($"/api/requests/{reference}/payment-details"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await ActAsync(other.Officer, reference, "acknowledge", new { version = 1 }),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Officer.Client.GetAsync($"/api/funds/{slug}/metrics"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Officer.Client.GetAsync($"/api/requests?fund={slug}"),
            HttpStatusCode.NotFound
        );
        var list = await HttpAssert.OkJsonAsync(await other.Officer.Client.GetAsync("/api/requests"));
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), i =>
            i.GetProperty("reference").GetString() == reference
        );
        var funds = await HttpAssert.OkJsonAsync(await other.Officer.Client.GetAsync("/api/funds"));
        Assert.DoesNotContain(funds.GetProperty("items").EnumerateArray(), f =>
            f.GetProperty("slug").GetString() == slug
        );
        Assert.Equal("submitted", (await OfficerViewAsync(owner.Officer, reference)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Bad_input_gives_problem_details_naming_the_field_without_echoing_values_and_stores_nothing()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);
        var fundId = await QueryAsync<long>("SELECT id FROM funds WHERE slug = @slug", new { slug });

        async Task<JsonElement> BadAsync(string body, HttpStatusCode status, params string[] fields)
        {
            var response = await staff.Anonymous.PostAsync(
                $"/api/funds/{slug}/requests",
                new StringContent(body, Encoding.UTF8, "application/json")
            );
            var text = await response.Content.ReadAsStringAsync();
            var problem = await HttpAssert.ProblemAsync(response, status);
            Assert.DoesNotContain(Canary, text, StringComparison.Ordinal);
            foreach (var field in fields)
            {
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named in {text}");
            }

            return problem;
        }

        await BadAsync(
            "{}",
            HttpStatusCode.BadRequest,
            "alias",
            "contact",
            "country",
            "urgency",
            "situation",
            "need",
            "amount",
            "currency",
            "language"
        );
        var form = Form();
        form["urgency"] = "apocalyptic " + Canary;
        form["need"] = "yacht " + Canary;
        form["contact"]!["channel"] = "pigeon " + Canary;
        form["country"] = "Atlantis " + Canary;
        await BadAsync(form.ToJsonString(), HttpStatusCode.BadRequest, "urgency", "need", "contact.channel", "country");
        form = Form();
        form["language"] = "Ana +504 9999 0000"; // not a language tag: the language is stored in clear, in summaries
        await BadAsync(form.ToJsonString(), HttpStatusCode.BadRequest, "language");
        await BadAsync(
            Form(situation: Canary + new string('x', 5000)).ToJsonString(),
            HttpStatusCode.BadRequest,
            "situation"
        );
        var malformed = await BadAsync(
            "{\"alias\": \"" + Canary + "\", \"amount\": \"" + Canary + "\"}",
            HttpStatusCode.BadRequest
        );
        Assert.Contains("amount", malformed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await BadAsync("{\"alias\": \"" + Canary, HttpStatusCode.BadRequest);

        Assert.Equal(
            0,
            await QueryAsync<long>("SELECT COUNT(*) FROM emergency_requests WHERE fund_id = @fundId", new { fundId })
        );
        await HttpAssert.ProblemAsync(
            await staff.Anonymous.PostAsync("/api/funds/no-such-fund/requests", Giving.Json(Form())),
            HttpStatusCode.NotFound
        );
    }

    [Fact]
    public async Task Wrong_and_unknown_case_codes_get_the_same_answer_and_the_applicant_can_withdraw()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);
        var (_, code) = await SubmitAsync(staff.Anonymous, slug);
        var typo = code[..^1] + (code[^1] == '0' ? '1' : '0');
        var unknown = Core.EmergencyRequests.CaseCode.Generate().ToString();
        var answers = new List<string>();
        foreach (var c in new[] { typo, unknown, "not a code" })
        {
            var problem = await HttpAssert.ProblemAsync(
                await staff.Anonymous.PostAsJsonAsync("/api/requests/status", new { caseCode = c }),
                HttpStatusCode.NotFound
            );
            answers.Add(problem.GetProperty("title").GetString() + "|" + problem.GetProperty("detail").GetString());
        }

        Assert.Single(answers.Distinct());
        var lower = code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal); // as typed on a phone
        var withdrawn = await HttpAssert.OkJsonAsync(
            await staff.Anonymous.PostAsJsonAsync("/api/requests/withdraw", new { caseCode = lower })
        );
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetString());
        await HttpAssert.ProblemAsync(
            await staff.Anonymous.PostAsJsonAsync("/api/requests/withdraw", new { caseCode = code }),
            HttpStatusCode.Conflict
        );
    }

    [Fact]
    public async Task The_form_is_rate_limited_per_client_with_retry_after()
    {
        var staff = await StaffAsync();
        var slug = await CreateFundAsync(staff);
        using var limited = app.WithWebHostBuilder(b => b.UseSetting("RateLimits:PublicPermitLimit", "2"));
        var client = limited.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            await HttpAssert.OkJsonAsync(
                await client.PostAsync($"/api/funds/{slug}/requests", Giving.Json(Form())),
                HttpStatusCode.Created
            );
        }

        var response = await client.PostAsync($"/api/funds/{slug}/requests", Giving.Json(Form()));
        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After missing");
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
    }
}

public sealed class SqliteEmergencyRequestsApiTests(SqliteApp app) : EmergencyRequestsApiTests<SqliteApp>(app);

public sealed class PostgresEmergencyRequestsApiTests(PostgresApp app) : EmergencyRequestsApiTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerEmergencyRequestsApiTests(SqlServerApp app) : EmergencyRequestsApiTests<SqlServerApp>(app);
#endif

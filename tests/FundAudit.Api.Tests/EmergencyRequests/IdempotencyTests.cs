using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Issue 17 item 6, the Idempotency-Key draft on the form and disbursements, per engine: another body with the same
/// key is 422 and stores nothing; the same key while the first request holds it is 409 with Retry-After; a claim left
/// by a process that died (its lease ran out) is taken over; first answers are kept at least 24 hours, then purged.
/// A claim is made here through the service's own store, exactly as a request that is running (or was killed) leaves it.
/// </summary>
public abstract class IdempotencyTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_form_retried_while_its_key_is_held_is_409_then_taken_over_once_the_lease_ends()
    {
        using var quick = app.WithWebHostBuilder(b => b.UseSetting("Idempotency:InProgressWaitMilliseconds", "100"));
        var (_, slug, fundId) = await FundAsync();
        var client = quick.CreateClient();
        var form = Form();
        var hash = IdempotencyStore.Hash(
            JsonSerializer.Serialize(form.Deserialize<SubmitRequest.Request>(Web), SubmitRequest.HashJson)
        );
        var claims = quick.Services.GetRequiredService<IdempotencyClaims>();
        Assert.Equal(ClaimResult.Claimed, await claims.ClaimAsync($"intake:{fundId}", "held-1", hash, default));

        var busy = await PostFormAsync(client, slug, "held-1", form);
        var problem = await HttpAssert.ProblemAsync(busy, HttpStatusCode.Conflict);
        Assert.Equal(IdempotencyClaims.InProgressCode, problem.GetProperty("code").GetString());
        Assert.True(busy.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After missing");
        Assert.Equal(
            0,
            await CountAsync("SELECT COUNT(*) FROM emergency_requests WHERE fund_id = @fundId", new { fundId })
        );

        // Another body under the held key is refused as another request, not queued behind it.
        await HttpAssert.ProblemAsync(
            await PostFormAsync(client, slug, "held-1", Form(amount: 900)),
            HttpStatusCode.UnprocessableEntity
        );

        app.Clock.Advance(TimeSpan.FromSeconds(61)); // the holder died: its lease ran out
        var created = await HttpAssert.OkJsonAsync(
            await PostFormAsync(client, slug, "held-1", form),
            HttpStatusCode.Created
        );
        var again = await HttpAssert.OkJsonAsync(
            await PostFormAsync(client, slug, "held-1", form),
            HttpStatusCode.Created
        );
        Assert.Equal(created.GetProperty("caseCode").GetString(), again.GetProperty("caseCode").GetString());
        Assert.Equal(
            1,
            await CountAsync("SELECT COUNT(*) FROM emergency_requests WHERE fund_id = @fundId", new { fundId })
        );
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM idempotency_claims"));
    }

    [Fact]
    public async Task A_first_answer_is_kept_24_hours_and_then_purged_with_left_over_claims()
    {
        var (_, slug, fundId) = await FundAsync();
        var client = app.CreateClient();
        await HttpAssert.OkJsonAsync(await PostFormAsync(client, slug, "kept-1", Form()), HttpStatusCode.Created);
        var claims = app.Services.GetRequiredService<IdempotencyClaims>();
        Assert.Equal(ClaimResult.Claimed, await claims.ClaimAsync("intake:dead", "left-over", "x", default));

        app.Clock.Advance(TimeSpan.FromHours(23));
        await PurgeAsync();
        await HttpAssert.ProblemAsync(
            await PostFormAsync(client, slug, "kept-1", Form(amount: 900)),
            HttpStatusCode.UnprocessableEntity
        );

        app.Clock.Advance(TimeSpan.FromHours(2)); // 25 hours after the first answer
        await PurgeAsync();
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM idempotency_claims WHERE scope = 'intake:dead'"));
        await HttpAssert.OkJsonAsync(
            await PostFormAsync(client, slug, "kept-1", Form(amount: 900)),
            HttpStatusCode.Created
        );
        Assert.Equal(
            2,
            await CountAsync("SELECT COUNT(*) FROM emergency_requests WHERE fund_id = @fundId", new { fundId })
        );
    }

    [Fact]
    public async Task A_disbursement_retried_with_another_body_is_422_and_while_held_409_and_pays_once()
    {
        using var quick = app.WithWebHostBuilder(b => b.UseSetting("Idempotency:InProgressWaitMilliseconds", "100"));
        var (admin, slug, _) = await FundAsync();
        var officer = await app.AddKeyAsync(admin, Roles.Officer, "olga");
        var finance = await app.AddKeyAsync(admin, Roles.Finance, "fatima");
        var submitted = await HttpAssert.OkJsonAsync(
            await app.CreateClient().PostAsync($"/api/funds/{slug}/requests", Giving.Json(Form())),
            HttpStatusCode.Created
        );
        var reference = submitted.GetProperty("reference").GetString()!;
        var path = $"/api/requests/{reference}";
        await HttpAssert.OkJsonAsync(await officer.Client.PostAsJsonAsync($"{path}/acknowledge", new { version = 1 }));
        await HttpAssert.OkJsonAsync(
            await officer.Client.PostAsJsonAsync($"{path}/approve", new { version = 2, amount = 800 })
        );
        await HttpAssert.OkJsonAsync(
            await finance.Client.PutAsJsonAsync(
                $"{path}/payment-details",
                new { version = 3, details = "Mobile money" }
            )
        );
        var requestId = await CountAsync(
            "SELECT id FROM emergency_requests WHERE reference = @reference",
            new { reference }
        );

        // Held by a running request: 409 with Retry-After, nothing paid.
        var body = new RecordDisbursement.Request(4, "mobile-money", "TX-1");
        var hash = IdempotencyStore.Hash(JsonSerializer.Serialize(body, Web));
        var claims = quick.Services.GetRequiredService<IdempotencyClaims>();
        var scope = $"disbursement:{admin.FunderId}:{requestId}";
        Assert.Equal(ClaimResult.Claimed, await claims.ClaimAsync(scope, "pay-1", hash, default));
        var financeQuick = quick.CreateClient();
        financeQuick.DefaultRequestHeaders.Authorization = new("Bearer", finance.Key);
        var busy = await DisburseAsync(financeQuick, path, "pay-1", body);
        await HttpAssert.ProblemAsync(busy, HttpStatusCode.Conflict);
        Assert.True(busy.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After missing");
        Assert.Equal(
            0,
            await CountAsync("SELECT COUNT(*) FROM disbursements WHERE request_id = @requestId", new { requestId })
        );
        await claims.ReleaseAsync(scope, "pay-1", default);

        var paid = await HttpAssert.OkJsonAsync(await DisburseAsync(finance.Client, path, "pay-1", body));
        var replay = await HttpAssert.OkJsonAsync(await DisburseAsync(finance.Client, path, "pay-1", body));
        Assert.Equal(paid.GetProperty("disbursement").ToString(), replay.GetProperty("disbursement").ToString());

        var other = await HttpAssert.ProblemAsync(
            await DisburseAsync(finance.Client, path, "pay-1", body with { Reference = "TX-2" }),
            HttpStatusCode.UnprocessableEntity
        );
        Assert.Equal("Idempotency-Key", other.GetProperty("field").GetString());
        Assert.Equal(
            1,
            await CountAsync("SELECT COUNT(*) FROM disbursements WHERE request_id = @requestId", new { requestId })
        );
    }

    private static JsonObject Form(decimal amount = 800m) =>
        EmergencyForms.Body(
            country: "Honduras",
            need: "relocation",
            amount: amount,
            situation: "Threatened after a land rights hearing.",
            handle: "+50499990000"
        );

    private async Task<(Tenant Admin, string Slug, long FundId)> FundAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = await EmergencyForms.CreateFundAsync(
            admin,
            "fund",
            new JsonObject
            {
                ["name"] = "Rapid",
                ["currency"] = "USD",
                ["maxAmount"] = 1000,
            }
        );
        return (admin, slug, await CountAsync("SELECT id FROM funds WHERE slug = @slug", new { slug }));
    }

    private static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient client,
        string slug,
        string key,
        JsonObject form
    )
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/funds/{slug}/requests")
        {
            Content = Giving.Json(form),
        };
        message.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(message);
    }

    private static async Task<HttpResponseMessage> DisburseAsync(
        HttpClient client,
        string path,
        string key,
        RecordDisbursement.Request body
    )
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{path}/disbursement")
        {
            Content = JsonContent.Create(
                new
                {
                    version = body.Version,
                    method = body.Method,
                    reference = body.Reference,
                }
            ),
        };
        message.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(message);
    }

    private async Task PurgeAsync()
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PurgePersonalDataJob>().RunAsync(default);
    }

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }
}

public sealed class SqliteIdempotencyTests(SqliteApp app) : IdempotencyTests<SqliteApp>(app);

public sealed class PostgresIdempotencyTests(PostgresApp app) : IdempotencyTests<PostgresApp>(app);

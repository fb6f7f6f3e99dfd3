using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Builds rapid-response cases over HTTP for the retention tests: a fund, its staff, cases walked to each ending
/// with a distinct canary in every sensitive field, and the reads the tests check with.
/// </summary>
internal sealed class RetentionCases(FundAuditApp app)
{
    /// <summary>Every Data Protection-protected column that can hold a defender's data, with its protector's
    /// purpose.</summary>
    public static readonly (string Table, string Column, string Purpose)[] ProtectedColumns =
    [
        ("emergency_requests", "alias_protected", Sensitive),
        ("emergency_requests", "contact_protected", Sensitive),
        ("emergency_requests", "situation_protected", Sensitive),
        ("emergency_requests", "endorser_protected", Sensitive),
        ("emergency_requests", "decline_reason_protected", Sensitive),
        ("request_messages", "body_protected", Sensitive),
        ("request_payment_details", "details_protected", Sensitive),
        ("disbursements", "reference_protected", Sensitive),
        ("idempotent_responses", "response_protected", "FundAudit.IdempotentResponses.v1"),
    ];

    private const string Sensitive = "FundAudit.EmergencyRequests.SensitiveFields.v1";

    private readonly string _token = Guid.NewGuid().ToString("N")[..10];

    public Tenant Officer { get; private set; } = null!;

    public Tenant Finance { get; private set; } = null!;

    public HttpClient Anonymous { get; } = app.CreateClient();

    public string Slug { get; private set; } = "";

    /// <summary>Every canary written, by field and case.</summary>
    public List<string> Canaries { get; } = [];

    public async Task SetUpAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        Officer = await app.AddKeyAsync(admin, Roles.Officer, "olga");
        Finance = await app.AddKeyAsync(admin, Roles.Finance, "fatima");
        Slug = "ret-" + Guid.NewGuid().ToString("N")[..10];
        var body = new JsonObject
        {
            ["slug"] = Slug,
            ["name"] = "Retention Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 1000m,
            ["languages"] = new JsonArray("es", "en"),
        };
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(body)),
            HttpStatusCode.Created
        );
    }

    public string Canary(string field, string ending)
    {
        var canary = $"CANARY-{field}-{ending}-{_token}";
        Canaries.Add(canary);
        return canary;
    }

    /// <summary>Submits a case with canaries in alias, contact, situation and endorser.</summary>
    public async Task<(string Reference, string Code)> SubmitAsync(string ending, string? idempotencyKey = null)
    {
        var form = new JsonObject
        {
            ["alias"] = Canary("alias", ending),
            ["contact"] = new JsonObject { ["channel"] = "signal", ["handle"] = Canary("contact", ending) },
            ["country"] = "Honduras",
            ["urgency"] = "high",
            ["situation"] = Canary("situation", ending),
            ["need"] = "relocation",
            ["amount"] = 800m,
            ["currency"] = "USD",
            ["language"] = "es",
            ["endorser"] = Canary("endorser", ending),
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/funds/{Slug}/requests")
        {
            Content = Giving.Json(form),
        };
        if (idempotencyKey is not null)
        {
            message.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var json = await HttpAssert.OkJsonAsync(await Anonymous.SendAsync(message), HttpStatusCode.Created);
        return (json.GetProperty("reference").GetString()!, json.GetProperty("caseCode").GetString()!);
    }

    /// <summary>The officer asks (canary question), the applicant answers (canary answer).</summary>
    public async Task AskAndAnswerAsync(string reference, string code, string ending)
    {
        await ActAsync(reference, "questions", v => new { version = v, question = Canary("question", ending) });
        await HttpAssert.OkJsonAsync(
            await Anonymous.PostAsJsonAsync(
                "/api/requests/answer",
                new { caseCode = code, answer = Canary("answer", ending) }
            )
        );
    }

    /// <summary>Approves and records canary payment details.</summary>
    public async Task ApproveWithDetailsAsync(string reference, string ending)
    {
        await ActAsync(reference, "approve", v => new { version = v, amount = 800 });
        await HttpAssert.OkJsonAsync(
            await Finance.Client.PutAsJsonAsync(
                $"/api/requests/{reference}/payment-details",
                new { version = await VersionAsync(reference), details = Canary("payment", ending) }
            )
        );
    }

    public async Task DisburseAsync(string reference, string ending)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{reference}/disbursement")
        {
            Content = JsonContent.Create(
                new
                {
                    version = await VersionAsync(reference),
                    method = "mobile-money",
                    reference = Canary("disbursement", ending),
                }
            ),
        };
        message.Headers.Add("Idempotency-Key", "pay-" + reference);
        await HttpAssert.OkJsonAsync(await Finance.Client.SendAsync(message));
    }

    public async Task ActAsync(string reference, string action, Func<int, object> body) =>
        await HttpAssert.OkJsonAsync(
            await Officer.Client.PostAsJsonAsync(
                $"/api/requests/{reference}/{action}",
                body(await VersionAsync(reference))
            )
        );

    public async Task WithdrawAsync(string code) =>
        await HttpAssert.OkJsonAsync(
            await Anonymous.PostAsJsonAsync("/api/requests/withdraw", new { caseCode = code })
        );

    public async Task<int> VersionAsync(string reference) =>
        (await HttpAssert.OkJsonAsync(await Officer.Client.GetAsync($"/api/requests/{reference}")))
            .GetProperty("request")
            .GetProperty("version")
            .GetInt32();

    /// <summary>The fund's queue filtered to requests due to be purged: reference → purgeDueAt.</summary>
    public async Task<Dictionary<string, DateTimeOffset>> PurgeDueAsync()
    {
        var list = await HttpAssert.OkJsonAsync(
            await Officer.Client.GetAsync($"/api/requests?fund={Slug}&purgeDue=true")
        );
        return list.GetProperty("items")
            .EnumerateArray()
            .ToDictionary(
                i => i.GetProperty("reference").GetString()!,
                i => i.GetProperty("purgeDueAt").GetDateTimeOffset()
            );
    }

    public async Task<List<(string Action, string Actor, string Role)>> EventsAsync(string reference) =>
        (await HttpAssert.OkJsonAsync(await Officer.Client.GetAsync($"/api/requests/{reference}/events")))
            .GetProperty("items")
            .EnumerateArray()
            .Select(e =>
                (
                    e.GetProperty("action").GetString()!,
                    e.GetProperty("actor").GetString()!,
                    e.GetProperty("role").GetString()!
                )
            )
            .ToList();

    public async Task<bool> PurgedAsync(string reference) =>
        (await HttpAssert.OkJsonAsync(await Officer.Client.GetAsync($"/api/requests/{reference}")))
            .GetProperty("request")
            .GetProperty("purged")
            .GetBoolean();

    /// <summary>Runs the purge job as Hangfire would: from a scope of its own, no arguments.</summary>
    public async Task<int> RunPurgeAsync()
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PurgePersonalDataJob>().RunAsync(default);
    }

    /// <summary>
    /// Every stored protected value whose plaintext (decrypted through the service's own protectors) holds one of
    /// <see cref="Canaries"/>: ciphertext → plaintext.
    /// </summary>
    public async Task<Dictionary<string, string>> CanaryCiphertextsAsync()
    {
        var provider = app.Services.GetRequiredService<IDataProtectionProvider>();
        var found = new Dictionary<string, string>();
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        foreach (var (table, column, purpose) in ProtectedColumns)
        {
            var protector = provider.CreateProtector(purpose);
            foreach (var cipher in await connection.QueryAsync<string>($"SELECT {column} FROM {table}"))
            {
                if (cipher is null)
                {
                    continue;
                }

                var plain = protector.Unprotect(cipher);
                if (Canaries.Any(c => plain.Contains(c, StringComparison.Ordinal)))
                {
                    found[cipher] = plain;
                }
            }
        }

        return found;
    }
}

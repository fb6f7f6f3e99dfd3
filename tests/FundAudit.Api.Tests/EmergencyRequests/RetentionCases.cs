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
    /// <summary>
    /// Every column that can hold a defender's data: the sensitive fields (ciphertext under the case's key, with the
    /// field named in the associated data: a message's field is its kind) and the Idempotency-Key answers (Data
    /// Protection ciphertext, with its protector's purpose).
    /// </summary>
    public static readonly (string Table, string Column, string? Field, string? Purpose)[] ProtectedColumns =
    [
        ("emergency_requests", "alias_protected", CaseField.Alias, null),
        ("emergency_requests", "contact_protected", CaseField.Contact, null),
        ("emergency_requests", "situation_protected", CaseField.Situation, null),
        ("emergency_requests", "endorser_protected", CaseField.Endorser, null),
        ("emergency_requests", "decline_reason_protected", CaseField.DeclineReason, null),
        ("request_messages", "body_protected", null, null),
        ("request_payment_details", "details_protected", CaseField.PaymentDetails, null),
        ("disbursements", "reference_protected", CaseField.DisbursementReference, null),
        ("idempotent_responses", "response_protected", null, "FundAudit.IdempotentResponses.v1"),
    ];

    private readonly string _token = Guid.NewGuid().ToString("N")[..10];

    public Tenant Admin { get; private set; } = null!;

    public Tenant Officer { get; private set; } = null!;

    public Tenant Finance { get; private set; } = null!;

    public HttpClient Anonymous { get; } = app.CreateClient();

    public string Slug { get; private set; } = "";

    /// <summary>Every canary written, by field and case.</summary>
    public List<string> Canaries { get; } = [];

    public async Task SetUpAsync()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        Admin = admin;
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
    /// Every stored protected value whose plaintext (decrypted with the service's own keys: the case's key for a
    /// sensitive field, Data Protection for the rest) holds one of <see cref="Canaries"/>: ciphertext → plaintext.
    /// </summary>
    public async Task<Dictionary<string, string>> CanaryCiphertextsAsync()
    {
        var provider = app.Services.GetRequiredService<IDataProtectionProvider>();
        var found = new Dictionary<string, string>();
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        foreach (var (table, column, field, purpose) in ProtectedColumns)
        {
            foreach (var (cipher, reference, key, kind) in await StoredAsync(connection, table, column))
            {
                if (cipher is null)
                {
                    continue;
                }

                var plain = purpose is not null
                    ? provider.CreateProtector(purpose).Unprotect(cipher)
                    : CaseCipherOf(provider, reference!, key).Unprotect(cipher, field ?? CaseField.Message(kind!));
                if (plain is not null && Canaries.Any(c => plain.Contains(c, StringComparison.Ordinal)))
                {
                    found[cipher] = plain;
                }
            }
        }

        return found;
    }

    /// <summary>A case's cipher from its stored key (none: a shredded case, which reads nothing).</summary>
    public CaseCipher CaseCipherOf(IDataProtectionProvider provider, string reference, string? keyProtected) =>
        new(
            reference,
            keyProtected is null
                ? null
                : Convert.FromBase64String(CaseKeys.ProtectorFor(provider, reference).Unprotect(keyProtected)),
            false,
            app.Services.GetRequiredService<SensitiveFields>()
        );

    /// <summary>A column's values with their case's reference and stored key, and a message's kind.</summary>
    private static async Task<List<(string? Cipher, string? Reference, string? Key, string? Kind)>> StoredAsync(
        System.Data.Common.DbConnection connection,
        string table,
        string column
    )
    {
        var requestId = table == "emergency_requests" ? "id" : "request_id";
        var kind = table == "request_messages" ? "t.kind" : "NULL";
        var sql =
            table == "idempotent_responses"
                ? $"SELECT {column}, NULL, NULL, NULL FROM {table}"
                : $"""
                    SELECT t.{column}, r.reference, k.key_protected, {kind} FROM {table} t
                    JOIN emergency_requests r ON r.id = t.{requestId} LEFT JOIN case_keys k ON k.request_id = r.id
                    """;
        return (await connection.QueryAsync<(string?, string?, string?, string?)>(sql)).ToList();
    }
}

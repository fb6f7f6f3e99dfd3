using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// "Nothing personal is logged", checked on everything the app's loggers write at every level (Trace and up, every
/// category, with the scopes): a defender's case from the form to the payment, a declined case, bad and malformed
/// forms, a person invited and a sign-in with their email, the SLA sweep and the retention purge, every personal value
/// carrying a marker that must never appear in a log.
/// </summary>
public abstract class PersonalDataLogTests<TApp>(TApp app, ITestOutputHelper output) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private const string Marker = "Kq4mPersonalMarker";

    [Fact]
    public async Task No_personal_value_reaches_a_log_at_any_level()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var officer = await app.AddKeyAsync(admin, Roles.Officer, "olga");
        var finance = await app.AddKeyAsync(admin, Roles.Finance, "fatima");
        var anonymous = app.CreateClient();
        var slug = "logs-" + Guid.NewGuid().ToString("N")[..8];
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsJsonAsync(
                "/api/funds",
                new
                {
                    slug,
                    name = "Rapid",
                    currency = "USD",
                    maxAmount = 1000,
                }
            ),
            HttpStatusCode.Created
        );

        // A case from the form to the payment, each sensitive value marked.
        var (reference, code) = await SubmitAsync(anonymous, slug, "case");
        await HttpAssert.OkJsonAsync(await anonymous.PostAsJsonAsync("/api/requests/status", new { caseCode = code }));
        await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests/{reference}"));
        await ActAsync(officer, reference, "acknowledge", new { version = 1 });
        await ActAsync(officer, reference, "questions", new { version = 2, question = Marker + " question" });
        await HttpAssert.OkJsonAsync(
            await anonymous.PostAsJsonAsync(
                "/api/requests/answer",
                new { caseCode = code, answer = Marker + " answer" }
            )
        );
        await ActAsync(officer, reference, "approve", new { version = 4, amount = 500m });
        await HttpAssert.OkJsonAsync(
            await finance.Client.PutAsJsonAsync(
                $"/api/requests/{reference}/payment-details",
                new { version = 5, details = Marker + " account" }
            )
        );
        await HttpAssert.OkJsonAsync(await finance.Client.GetAsync($"/api/requests/{reference}/payment-details"));
        using (var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{reference}/disbursement"))
        {
            pay.Content = JsonContent.Create(
                new
                {
                    version = 6,
                    method = "mobile-money",
                    reference = Marker + "-tx",
                }
            );
            pay.Headers.Add("Idempotency-Key", "logs-pay-1");
            await HttpAssert.OkJsonAsync(await finance.Client.SendAsync(pay));
        }

        // A declined case, and forms refused: a bad value, malformed JSON, the same key with another body.
        var (declined, _) = await SubmitAsync(anonymous, slug, "declined");
        await ActAsync(officer, declined, "decline", new { version = 1, reason = Marker + " reason" });
        var bad = Form("bad");
        bad["urgency"] = Marker + "-urgency";
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await anonymous.PostAsync($"/api/funds/{slug}/requests", Giving.Json(bad))).StatusCode
        );
        var malformed = new StringContent($"{{\"alias\":\"{Marker}-malformed\",", Encoding.UTF8, "application/json");
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await anonymous.PostAsync($"/api/funds/{slug}/requests", malformed)).StatusCode
        );

        // A person invited by email and name, then a sign-in with that email and a wrong password.
        var email = Marker.ToLowerInvariant() + "@example.org";
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsJsonAsync(
                "/api/people",
                new
                {
                    email,
                    displayName = Marker + " Name",
                    roles = new[] { "officer" },
                }
            ),
            HttpStatusCode.Created
        );
        var again = await admin.Client.PostAsJsonAsync(
            "/api/people",
            new
            {
                email,
                displayName = Marker + " Again",
                roles = new[] { "officer" },
            }
        );
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var session = TestPeople.NewSession(app);
        await session.GetAsync("/app/sign-in");
        var refused = await session.PostAsync("/app/sign-in", ("email", email), ("password", "not the password 1"));
        Assert.NotEqual(HttpStatusCode.InternalServerError, refused.Status);

        // A case left open past its goals, swept; then, a long time on, the ended cases purged.
        await SubmitAsync(anonymous, slug, "open");
        app.Clock.Advance(TimeSpan.FromDays(3));
        Assert.True(await RunJobAsync<SlaSweepJob>(j => j.RunAsync(default)) > 0, "the sweep marked no goal");
        app.Clock.Advance(TimeSpan.FromDays(800));
        Assert.True(await RunJobAsync<PurgePersonalDataJob>(j => j.RunAsync(default)) > 0, "the purge erased nothing");

        var entries = app.Logs!.Entries;
        output.WriteLine(
            $"{entries.Count} log entries, {entries.Count(e => e.Level < LogLevel.Information)} below Information, "
                + $"from {entries.Select(e => e.Category).Distinct().Count()} categories"
        );
        Assert.Contains(entries, e => e.Level <= LogLevel.Debug); // the levels below Information are really on
        Assert.Contains(entries, e => e.Text.Contains(reference, StringComparison.Ordinal)); // and paths are read
        var leaks = entries.Where(e => e.Text.Contains(Marker, StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var (category, level, text) in leaks)
        {
            output.WriteLine($"{level} {category}: {text}");
        }

        Assert.True(
            leaks.Count == 0,
            $"{leaks.Count} of {entries.Count} log entries carry a personal value: "
                + string.Join(", ", leaks.Select(l => l.Category).Distinct())
        );
    }

    private async Task<int> RunJobAsync<TJob>(Func<TJob, Task<int>> run)
        where TJob : notnull
    {
        using var scope = app.Services.CreateScope();
        return await run(scope.ServiceProvider.GetRequiredService<TJob>());
    }

    private static JsonObject Form(string what) =>
        new()
        {
            ["alias"] = $"{Marker} {what} alias",
            ["contact"] = new JsonObject { ["channel"] = "signal", ["handle"] = $"+504 {Marker} {what}" },
            ["country"] = "Honduras",
            ["urgency"] = "high",
            ["situation"] = $"Followed home; {Marker} {what} situation",
            ["need"] = "relocation",
            ["amount"] = 800m,
            ["currency"] = "USD",
            ["language"] = "es",
            ["endorser"] = $"{Marker} {what} endorser",
        };

    private static async Task<(string Reference, string Code)> SubmitAsync(HttpClient client, string slug, string what)
    {
        var json = await HttpAssert.OkJsonAsync(
            await client.PostAsync($"/api/funds/{slug}/requests", Giving.Json(Form(what))),
            HttpStatusCode.Created
        );
        return (json.GetProperty("reference").GetString()!, json.GetProperty("caseCode").GetString()!);
    }

    private static async Task<JsonElement> ActAsync(Tenant who, string reference, string action, object body) =>
        await HttpAssert.OkJsonAsync(await who.Client.PostAsJsonAsync($"/api/requests/{reference}/{action}", body));
}

public sealed class SqlitePersonalDataLogTests(LoggedSqliteApp app, ITestOutputHelper output)
    : PersonalDataLogTests<LoggedSqliteApp>(app, output);

public sealed class PostgresPersonalDataLogTests(LoggedPostgresApp app, ITestOutputHelper output)
    : PersonalDataLogTests<LoggedPostgresApp>(app, output);

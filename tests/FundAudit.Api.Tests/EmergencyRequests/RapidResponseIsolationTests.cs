using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Issue 17: on SQLite a portfolio import holds the main file's write lock for its whole load. The defenders' and
/// officers' paths (the form over the API and the page, the status check, officers' actions through API keys and the
/// console) must keep answering, quickly, while another connection holds that lock, exactly as an import does.
/// </summary>
public sealed class RapidResponseBesideImportTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    /// <summary>Far below the 5 s an answer waited for the lock before the rapid-response file existed.</summary>
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(2);

    private PageSession NewSession() => Pages.TestPeople.NewSession(app);

    private static async Task<T> QuicklyAsync<T>(string what, Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        Assert.True(watch.Elapsed < Quick, $"{what} took {watch.Elapsed.TotalMilliseconds:0} ms");
        return result;
    }

    [Fact]
    public async Task Forms_status_checks_and_officers_actions_answer_while_the_main_file_is_write_locked()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = await EmergencyForms.CreateFundAsync(admin, "beside");
        var officer = await app.AddKeyAsync(admin, Roles.Officer, "olga");
        var otherOfficer = await app.AddKeyAsync(admin, Roles.Officer, "omar");
        var finance = await app.AddKeyAsync(admin, Roles.Finance, "fatima");
        var byApi = await EmergencyForms.SubmitAsync(app.CreateClient(), slug);
        var byConsole = await EmergencyForms.SubmitAsync(app.CreateClient(), slug);
        var console = await Pages.TestPeople.SignedInSessionAsync(app, otherOfficer.Key);
        var consolePage = await console.GetAsync($"/app/requests/{byConsole}");
        Assert.Equal(HttpStatusCode.OK, consolePage.Status);

        // What an import holds for its whole load: the main file's write lock, on a connection of its own.
        await using var import = new SqliteConnection(app.ConnectionString);
        await import.OpenAsync();
        await using var load = import.BeginTransaction(deferred: false);
        await AssertMainFileWriteLockedAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(2)); // the console session is due a touch of its last-seen instant

        var anonymous = app.CreateClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/funds/{slug}/requests")
        {
            Content = Giving.Json(EmergencyForms.Body()),
        };
        message.Headers.Add("Idempotency-Key", "beside-" + Guid.NewGuid().ToString("N"));
        var created = await HttpAssert.OkJsonAsync(
            await QuicklyAsync("the API form", () => anonymous.SendAsync(message)),
            HttpStatusCode.Created
        );
        var code = created.GetProperty("caseCode").GetString()!;
        var status = await HttpAssert.OkJsonAsync(
            await QuicklyAsync("the status check", () =>
                anonymous.PostAsync("/api/requests/status", Giving.Json(new JsonObject { ["caseCode"] = code }))
            )
        );
        Assert.Equal("received", status.GetProperty("status").GetString());

        var defender = NewSession();
        var formPage = await QuicklyAsync("the form page", () => defender.GetAsync($"/f/{slug}"));
        var sent = await QuicklyAsync("the page form", () =>
            defender.PostAsync($"/f/{slug}", PageForm(formPage.Hidden("submission")!))
        );
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.NotNull(sent.TextOf("data-case-code"));
        var statusPage = await QuicklyAsync("the status page", () =>
            defender.PostAsync($"/f/{slug}/status", ("code", sent.TextOf("data-case-code")!))
        );
        Assert.Equal(HttpStatusCode.OK, statusPage.Status);

        // Officers through API keys: acknowledge, approve; finance: payment details and the disbursement.
        await ActAsync(officer, byApi, "acknowledge", new JsonObject { ["version"] = 1 });
        await ActAsync(officer, byApi, "approve", new JsonObject { ["version"] = 2, ["amount"] = 400 });
        await HttpAssert.OkJsonAsync(
            await QuicklyAsync("payment details", () =>
                finance.Client.PutAsync(
                    $"/api/requests/{byApi}/payment-details",
                    Giving.Json(new JsonObject { ["version"] = 3, ["details"] = "Mobile money" })
                )
            )
        );
        using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{byApi}/disbursement")
        {
            Content = Giving.Json(
                new JsonObject
                {
                    ["version"] = 4,
                    ["method"] = "mobile-money",
                    ["reference"] = "TX-1",
                }
            ),
        };
        pay.Headers.Add("Idempotency-Key", "pay-" + byApi);
        var paid = await QuicklyAsync("the disbursement", () => finance.Client.SendAsync(pay));
        Assert.True(paid.IsSuccessStatusCode, $"disbursement: {(int)paid.StatusCode}");

        // An officer through the console: acknowledge, then decline.
        var acknowledged = await QuicklyAsync("the console's acknowledge", () =>
            console.PostAsync($"/app/requests/{byConsole}/acknowledge", ("version", "1"))
        );
        Assert.Contains("data-state=\"acknowledged\"", acknowledged.Html, StringComparison.Ordinal);
        var declined = await QuicklyAsync("the console's decline", () =>
            console.PostAsync(
                $"/app/requests/{byConsole}/decline",
                ("version", "2"),
                ("reason", "Outside the fund's mandate")
            )
        );
        Assert.Contains("data-state=\"declined\"", declined.Html, StringComparison.Ordinal);

        await AssertMainFileWriteLockedAsync(); // held all along
        await load.RollbackAsync();
    }

    [Fact]
    public async Task The_case_code_key_is_made_at_start_so_the_first_form_writes_nothing_to_the_main_file()
    {
        var fresh = new SqliteApp();
        await fresh.InitializeAsync();
        try
        {
            await using var connection = await fresh.Services.GetRequiredService<Db>().OpenAsync();
            Assert.Equal(
                1L,
                await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM service_secrets WHERE name = 'case-code-hmac'"
                )
            );
        }
        finally
        {
            await ((IAsyncLifetime)fresh).DisposeAsync();
        }
    }

    private async Task ActAsync(Tenant officer, string reference, string action, JsonObject body) =>
        await HttpAssert.OkJsonAsync(
            await QuicklyAsync(action, () =>
                officer.Client.PostAsync($"/api/requests/{reference}/{action}", Giving.Json(body))
            )
        );

    /// <summary>A third connection that does not wait is refused the main file's write lock.</summary>
    private async Task AssertMainFileWriteLockedAsync()
    {
        await using var probe = new SqliteConnection(app.ConnectionString + ";Default Timeout=1");
        await probe.OpenAsync();
        await using (var pragma = probe.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 0";
            await pragma.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<SqliteException>(async () =>
        {
            await using var command = probe.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
            await command.ExecuteNonQueryAsync();
        });
        Assert.Equal(5, refused.SqliteErrorCode); // SQLITE_BUSY
    }

    internal static (string, string)[] PageForm(string submission) =>
        [
            ("submission", submission),
            ("language", "es"),
            ("alias", "Lucía"),
            ("contact.channel", "signal"),
            ("contact.handle", "+50499990000"),
            ("country", "Honduras"),
            ("urgency", "high"),
            ("situation", "Amenazas después de una audiencia sobre tierras."),
            ("need", "relocation"),
            ("amount", "800,50"),
            ("currency", "USD"),
            ("endorser", ""),
        ];
}

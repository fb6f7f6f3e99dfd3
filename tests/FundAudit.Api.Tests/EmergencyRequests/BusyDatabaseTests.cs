using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FundAudit.Api.Tests.EmergencyRequests;

/// <summary>
/// Issue 17: a database that is busy anyway (the rapid-response data's write lock held past the wait, on SQLite; a
/// table lock past a short lock_timeout, on PostgreSQL) answers 503 with Retry-After, never 500, and stores nothing;
/// the page form shows the defender their form again with everything typed and "try again in a minute".
/// </summary>
public abstract class BusyDatabaseTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private const string RetryAfter = "7";

    /// <summary>The same app, told to give up on a lock quickly; one for the class.</summary>
    private ContractCheckedFactory Impatient() => app.Shared("impatient", b =>
        {
            b.UseSetting("Database:BusyTimeoutMs", "200");
            b.UseSetting("Database:BusyRetryAfterSeconds", RetryAfter);
            if (app.Provider == "postgres")
            {
                b.UseSetting("Database:ConnectionString", app.ConnectionString + ";Options=-c lock_timeout=300");
            }
        });

    private Task<string> FundAsync() => FundAsync(null);

    private async Task<string> FundAsync(Action<Tenant>? created)
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        created?.Invoke(admin);
        return await EmergencyForms.CreateFundAsync(admin, "busy", "Fondo Rápido", 5000m);
    }

    /// <summary>
    /// Holds the write lock of the rapid-response data on a connection of its own until disposed: SQLite's
    /// BEGIN IMMEDIATE on the rapid-response file, PostgreSQL's lock on emergency_requests that inserts wait for.
    /// </summary>
    private async Task<IAsyncDisposable> HoldRapidResponseLockAsync()
    {
        if (app.Provider == "sqlite")
        {
            var file = app.Services.GetRequiredService<DatabaseOptions>().RapidResponseConnectionString;
            var sqlite = new SqliteConnection(file);
            await sqlite.OpenAsync();
            var tx = sqlite.BeginTransaction(deferred: false);
            return new Held(sqlite, tx);
        }

        var postgres = new NpgsqlConnection(app.ConnectionString);
        await postgres.OpenAsync();
        var ptx = await postgres.BeginTransactionAsync();
        await postgres.ExecuteAsync("LOCK TABLE emergency_requests IN SHARE ROW EXCLUSIVE MODE", transaction: ptx);
        return new Held(postgres, ptx);
    }

    private async Task<long> StoredRequestsAsync(string slug)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM emergency_requests r JOIN funds f ON f.id = r.fund_id WHERE f.slug = @slug",
            new { slug }
        );
    }

    [Fact]
    public async Task The_API_form_answers_503_with_Retry_After_and_stores_nothing_while_the_data_is_locked()
    {
        var slug = await FundAsync();
        var impatient = Impatient();
        var client = impatient.CreateClient();
        var form = EmergencyForms.Body();
        var key = "busy-" + Guid.NewGuid().ToString("N");

        await using (await HoldRapidResponseLockAsync())
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/funds/{slug}/requests")
            {
                Content = Giving.Json(form),
            };
            message.Headers.Add("Idempotency-Key", key);
            var busy = await client.SendAsync(message);
            var problem = await HttpAssert.ProblemAsync(busy, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(RetryAfter, busy.Headers.RetryAfter?.Delta?.TotalSeconds.ToString("0"));
            Assert.Contains("busy", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await StoredRequestsAsync(slug));

        // The same request again, with the same key, once the lock is gone: stored once.
        using var again = new HttpRequestMessage(HttpMethod.Post, $"/api/funds/{slug}/requests")
        {
            Content = Giving.Json(form),
        };
        again.Headers.Add("Idempotency-Key", key);
        await HttpAssert.OkJsonAsync(await client.SendAsync(again), HttpStatusCode.Created);
        Assert.Equal(1, await StoredRequestsAsync(slug));
    }

    [Fact]
    public async Task The_page_form_comes_back_with_everything_typed_and_try_again_in_a_minute()
    {
        var slug = await FundAsync();
        var impatient = Impatient();
        var defender = new PageSession(
            impatient.CreateClient(
                new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
            )
        );
        var empty = await defender.GetAsync($"/f/{slug}?lang=es");
        var submission = empty.Hidden("submission")!;
        var typed = RapidResponseBesideImportTests.PageForm(submission);

        HtmlPage busy;
        await using (await HoldRapidResponseLockAsync())
        {
            busy = await defender.PostAsync($"/f/{slug}?lang=es", typed);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.Status);
        Assert.Equal("text/html", busy.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(RetryAfter, busy.Header("Retry-After"));
        var html = WebUtility.HtmlDecode(busy.Html);
        Assert.Contains(PageText.Get("Error_Busy", "es")!, html, StringComparison.Ordinal);
        Assert.Contains("value=\"Lucía\"", html, StringComparison.Ordinal);
        Assert.Contains(">Amenazas después de una audiencia sobre tierras.</textarea>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"+50499990000\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"800,50\"", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"relocation\" selected", html, StringComparison.Ordinal);
        Assert.Equal(submission, busy.Hidden("submission")); // a second send is the same submission
        Assert.Equal(0, await StoredRequestsAsync(slug));

        // Sent again a minute later: the request is stored, once.
        var sent = await defender.PostAsync($"/f/{slug}?lang=es", typed);
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.NotNull(sent.TextOf("data-case-code"));
        Assert.Equal(1, await StoredRequestsAsync(slug));
    }

    [Fact]
    public async Task The_answer_page_comes_back_with_the_typed_answer_and_changes_nothing_while_the_data_is_locked()
    {
        Tenant? admin = null;
        var slug = await FundAsync(a => admin = a);
        var officer = await app.AddKeyAsync(admin!, Roles.Officer, "olga");
        var created = await SubmitAsync(slug);
        var reference = created.GetProperty("reference").GetString()!;
        var code = created.GetProperty("caseCode").GetString()!;
        var r = $"/api/requests/{reference}";
        await HttpAssert.OkJsonAsync(
            await officer.Client.PostAsync($"{r}/acknowledge", Giving.Json(new JsonObject { ["version"] = 1 }))
        );
        await HttpAssert.OkJsonAsync(
            await officer.Client.PostAsync(
                $"{r}/questions",
                Giving.Json(new JsonObject { ["version"] = 2, ["question"] = "¿Dónde está ahora?" })
            )
        );

        async Task<string> StateAsync() =>
            (await HttpAssert.OkJsonAsync(await officer.Client.GetAsync(r)))
                .GetProperty("request")
                .GetProperty("state")
                .GetString()!;
        var asked = await StateAsync();

        var impatient = Impatient();
        var defender = new PageSession(
            impatient.CreateClient(
                new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
            )
        );
        await defender.GetAsync($"/f/{slug}/status?lang=es"); // its form's antiforgery token
        var page = await defender.PostAsync($"/f/{slug}/status?lang=es", ("code", code));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        const string Answer = "En casa de una compañera, a salvo por ahora.";

        HtmlPage busy;
        await using (await HoldRapidResponseLockAsync())
        {
            busy = await defender.PostAsync($"/f/{slug}/answer?lang=es", ("code", code), ("answer", Answer));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.Status);
        Assert.Equal(RetryAfter, busy.Header("Retry-After"));
        var html = WebUtility.HtmlDecode(busy.Html);
        Assert.Contains(PageText.Get("Error_Busy", "es")!, html, StringComparison.Ordinal);
        if (app.Provider == "postgres")
        {
            // Only emergency_requests is locked: the case is read (and its read logged), the answer kept as typed.
            Assert.Contains(">" + Answer + "</textarea>", html, StringComparison.Ordinal);
        }
        else
        {
            // The whole rapid-response file is locked: reading the case would write its access log, so the status
            // form comes back with the message, never a problem+json.
            Assert.Contains("type=\"password\" id=\"code\"", html, StringComparison.Ordinal);
        }
        Assert.Equal(asked, await StateAsync()); // nothing changed

        var sent = await defender.PostAsync($"/f/{slug}/answer?lang=es", ("code", code), ("answer", Answer));
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains(PageText.Get("Answer_Sent", "es")!, WebUtility.HtmlDecode(sent.Html), StringComparison.Ordinal);
        Assert.NotEqual(asked, await StateAsync());
    }

    /// <summary>A request sent through the API while nothing is locked.</summary>
    private async Task<System.Text.Json.JsonElement> SubmitAsync(string slug) =>
        await HttpAssert.OkJsonAsync(
            await app.CreateClient().PostAsync($"/api/funds/{slug}/requests", Giving.Json(EmergencyForms.Body())),
            HttpStatusCode.Created
        );

    [Fact]
    public async Task A_console_form_answers_a_busy_database_with_a_console_page_and_Retry_After()
    {
        Tenant? admin = null;
        var slug = await FundAsync(a => admin = a);
        var officer = await app.AddKeyAsync(admin!, Roles.Officer, "olga");
        var reference = (await SubmitAsync(slug)).GetProperty("reference").GetString()!;
        var impatient = Impatient();
        using var console = await ConsoleClient.SignInAsync(
            app,
            impatient.CreateClient(
                new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
            ),
            officer.Key
        );
        await console.GetPageAsync($"/app/requests/{reference}"); // its forms' token

        HttpResponseMessage busy;
        await using (await HoldRapidResponseLockAsync())
        {
            busy = await console.PostFormAsync($"/app/requests/{reference}/acknowledge", [new("version", "1")]);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal("text/html", busy.Content.Headers.ContentType?.MediaType);
        Assert.Equal(RetryAfter, busy.Headers.RetryAfter?.Delta?.TotalSeconds.ToString("0"));
        var html = WebUtility.HtmlDecode(await busy.Content.ReadAsStringAsync());
        Assert.Contains("nothing was saved", html, StringComparison.Ordinal);
        Assert.Contains($"in {RetryAfter} seconds", html, StringComparison.Ordinal);
        var state = await HttpAssert.OkJsonAsync(await officer.Client.GetAsync($"/api/requests/{reference}"));
        Assert.Equal("submitted", state.GetProperty("request").GetProperty("state").GetString());
    }

    private sealed class Held(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}

public sealed class SqliteBusyDatabaseTests(SqliteApp app) : BusyDatabaseTests<SqliteApp>(app);

public sealed class PostgresBusyDatabaseTests(PostgresApp app) : BusyDatabaseTests<PostgresApp>(app);

using System.Net;
using System.Net.Http.Json;
using Dapper;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Sso;

/// <summary>An admin sets the funder's OpenID Connect provider: the API (<c>/api/sso</c>) and the console form
/// (<c>/app/sso</c>), one validator and one save path, the client secret protected and never shown.</summary>
public abstract class SsoSettingsTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private static object Body(string slug, string? secret = "s3cret-value", object? amr = null) =>
        new
        {
            slug,
            issuer = "https://login.example.org/tenant/v2.0",
            clientId = "fundaudit-app",
            clientSecret = secret,
            acceptedAmr = amr,
        };

    private static string Slug() => "fund-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_admin_sets_reads_and_removes_the_provider_and_the_secret_is_stored_protected()
    {
        var admin = await app.CreateTenantAsync();
        var slug = Slug();

        var saved = await HttpAssert.OkJsonAsync(await admin.Client.PutAsJsonAsync("/api/sso", Body(slug)));
        Assert.Equal(slug, saved.GetProperty("slug").GetString());
        Assert.True(saved.GetProperty("clientSecretSet").GetBoolean());
        Assert.Equal(["mfa", "otp"], saved.GetProperty("acceptedAmr").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal($"/app/sign-in/sso/{slug}/callback", saved.GetProperty("redirectPath").GetString());
        var read = await admin.Client.GetStringAsync("/api/sso");
        Assert.DoesNotContain("s3cret-value", read, StringComparison.Ordinal);
        Assert.DoesNotContain("\"clientSecret\"", read, StringComparison.Ordinal);

        var (cipher, version) = await RowAsync(admin.FunderId);
        Assert.NotEqual("s3cret-value", cipher);
        Assert.DoesNotContain("s3cret", cipher, StringComparison.Ordinal);

        // Saved again without a secret: the stored one stays; the version moves on (every instance switches).
        await HttpAssert.OkJsonAsync(await admin.Client.PutAsJsonAsync("/api/sso", Body(slug, secret: null)));
        Assert.Equal((cipher, version + 1), await RowAsync(admin.FunderId));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync("/api/sso")).StatusCode);
        await HttpAssert.ProblemAsync(await admin.Client.GetAsync("/api/sso"), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await admin.Client.DeleteAsync("/api/sso"), HttpStatusCode.NotFound);

        // Every change is in the administration log, with no setting or secret in it.
        var logged = await app
            .Services.GetRequiredService<Db>()
            .QueryListAsync<string>(
                "SELECT action_code FROM admin_log WHERE funder_id = @FunderId AND action_code LIKE 'sso_provider.%' ORDER BY seq",
                new { admin.FunderId },
                default
            );
        Assert.Equal(["sso_provider.saved", "sso_provider.saved", "sso_provider.removed"], logged);
    }

    [Fact]
    public async Task Bad_settings_are_a_400_naming_each_field_and_nothing_is_stored()
    {
        var admin = await app.CreateTenantAsync();
        var problem = await HttpAssert.ProblemAsync(
            await admin.Client.PutAsJsonAsync(
                "/api/sso",
                new
                {
                    slug = "Not A Slug",
                    issuer = "ftp://login.example.org/?x=1",
                    clientId = "",
                    acceptedAmr = Array.Empty<string>(),
                    acceptedAcr = new[] { "has space" },
                }
            ),
            HttpStatusCode.BadRequest
        );
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "slug", "issuer", "clientId", "acceptedAcr" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        var noSecondFactor = await HttpAssert.ProblemAsync(
            await admin.Client.PutAsJsonAsync("/api/sso", Body(Slug(), amr: Array.Empty<string>())),
            HttpStatusCode.BadRequest
        );
        Assert.True(noSecondFactor.GetProperty("errors").TryGetProperty("acceptedAmr", out _));

        var noSecret = await HttpAssert.ProblemAsync(
            await admin.Client.PutAsJsonAsync("/api/sso", Body(Slug(), secret: null)),
            HttpStatusCode.BadRequest
        );
        Assert.True(noSecret.GetProperty("errors").TryGetProperty("clientSecret", out _));
        await HttpAssert.ProblemAsync(await admin.Client.GetAsync("/api/sso"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Outside_the_tests_an_http_issuer_is_refused()
    {
        await using var production = app.WithWebHostBuilder(b => b.UseSetting("Sso:AllowHttpIssuers", "false"));
        var admin = await app.CreateTenantAsync();
        using var client = production.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", admin.Key);
        var problem = await HttpAssert.ProblemAsync(
            await client.PutAsJsonAsync(
                "/api/sso",
                new
                {
                    slug = Slug(),
                    issuer = "http://login.example.org/tenant",
                    clientId = "fundaudit-app",
                    clientSecret = "secret",
                }
            ),
            HttpStatusCode.BadRequest
        );
        Assert.True(problem.GetProperty("errors").TryGetProperty("issuer", out _));
    }

    [Fact]
    public async Task Only_admins_set_it_each_funder_sees_its_own_and_a_slug_belongs_to_one_funder()
    {
        var a = await app.CreateTenantAsync();
        var b = await app.CreateTenantAsync();
        var officer = await app.AddKeyAsync(a, Roles.Officer);
        var slug = Slug();

        await HttpAssert.ProblemAsync(
            await officer.Client.PutAsJsonAsync("/api/sso", Body(slug)),
            HttpStatusCode.Forbidden
        );
        await HttpAssert.OkJsonAsync(await a.Client.PutAsJsonAsync("/api/sso", Body(slug)));
        await HttpAssert.ProblemAsync(await b.Client.GetAsync("/api/sso"), HttpStatusCode.NotFound);
        var taken = await HttpAssert.ProblemAsync(
            await b.Client.PutAsJsonAsync("/api/sso", Body(slug)),
            HttpStatusCode.Conflict
        );
        Assert.Equal("slug_taken", taken.GetProperty("type").GetString());
        await HttpAssert.ProblemAsync(await b.Client.DeleteAsync("/api/sso"), HttpStatusCode.NotFound);
        await HttpAssert.OkJsonAsync(await a.Client.GetAsync("/api/sso")); // B's tries changed nothing of A's
    }

    [Fact]
    public async Task The_console_form_saves_through_the_same_rules_for_admins_only()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await SessionAsync(tenant.FunderId, "admin");
        var form = await admin.GetAsync("/app/sso");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Contains("name=\"issuer\"", form.Html, StringComparison.Ordinal);

        var slug = Slug();
        var fields = new List<(string, string)>
        {
            ("slug", slug),
            ("issuer", "http:/not-a-url"),
            ("clientId", "console-client"),
            ("clientSecret", "console-secret"),
            ("acceptedAmr", "mfa otp"),
            ("acceptedAcr", ""),
            ("requireSecondFactor", "true"),
            ("enabled", "true"),
        };
        var refused = await admin.PostAsync("/app/sso", [.. fields]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("data-field=\"issuer\"", refused.Html, StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(await tenant.Client.GetAsync("/api/sso"), HttpStatusCode.NotFound);

        fields[1] = ("issuer", "https://id.example.org/realms/fund");
        var saved = await admin.PostAsync("/app/sso", [.. fields]);
        Assert.Equal(HttpStatusCode.SeeOther, saved.Status);
        var view = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/sso"));
        Assert.Equal("https://id.example.org/realms/fund", view.GetProperty("issuer").GetString());
        Assert.Contains($"/app/sign-in/sso/{slug}", (await admin.GetAsync("/app/sso")).Html, StringComparison.Ordinal);

        var officer = await SessionAsync(tenant.FunderId, "officer");
        Assert.Equal(HttpStatusCode.Redirect, (await officer.GetAsync("/app/sso")).Status);
    }

    private async Task<(string Cipher, long Version)> RowAsync(long funderId)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.QuerySingleAsync<(string, long)>(
            "SELECT client_secret_protected, version FROM funder_sso_providers WHERE funder_id = @FunderId",
            new { FunderId = funderId }
        );
    }

    /// <summary>A console session of a new active person with <paramref name="roles"/>.</summary>
    private async Task<PageSession> SessionAsync(long funderId, string roles)
    {
        var email = $"p-{Guid.NewGuid():N}@example.org";
        var now = app.Clock.GetUtcNow();
        long personId;
        await using (var connection = await app.Services.GetRequiredService<Db>().OpenAsync())
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO staff_people (funder_id, email, email_key, display_name, roles, status, created_at,
                    updated_at)
                VALUES (@FunderId, @Email, @Email, 'Ada Admin', @Roles, 'active', @Now, @Now)
                """,
                new
                {
                    FunderId = funderId,
                    Email = email,
                    Roles = roles,
                    Now = now,
                }
            );
            personId = await connection.ExecuteScalarAsync<long>(
                "SELECT id FROM staff_people WHERE email_key = @Email",
                new { Email = email }
            );
        }

        var token = await app
            .Services.GetRequiredService<ConsoleSessionStore>()
            .CreateForPersonAsync(
                new PersonIdentity(funderId, personId, "Ada Admin", roles.Split(',')),
                now,
                now.AddHours(1),
                default
            );
        var session = new PageSession(
            app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })
        );
        session.Set(ConsoleClient.SessionCookie, token);
        return session;
    }
}

public sealed class SqliteSsoSettingsTests(SqliteApp app) : SsoSettingsTests<SqliteApp>(app);

public sealed class PostgresSsoSettingsTests(PostgresApp app) : SsoSettingsTests<PostgresApp>(app);

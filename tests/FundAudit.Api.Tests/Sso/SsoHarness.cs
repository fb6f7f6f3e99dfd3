using System.Net;
using System.Net.Http.Json;
using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Sso;

/// <summary>One test provider for a test class.</summary>
public sealed class TestOidcProviderFixture : IAsyncLifetime
{
    public TestOidcProvider Provider { get; private set; } = null!;

    public async Task InitializeAsync() => Provider = await TestOidcProvider.StartAsync();

    public async Task DisposeAsync() => await Provider.DisposeAsync();
}

/// <summary>A funder with single sign-on set up at the test provider: its admin, its slug and its client.</summary>
public sealed record SsoFunder(Tenant Admin, string Slug, TestOidcClient Client)
{
    public string SignInPath => "/app/sign-in/sso/" + Slug;
}

/// <summary>
/// What the single sign-on tests share: a funder whose provider is the test provider (set through the API), invited
/// people (rows as the people feature writes them), and a browser-like walk through the sign-in: the service's
/// redirect to the provider, the provider's redirect back, the callback, each followed by hand with the service's
/// cookies kept (<see cref="PageSession"/>).
/// </summary>
internal sealed class SsoHarness(FundAuditApp app, TestOidcProvider provider, string baseUrl = "http://localhost")
{
    public async Task<SsoFunder> FunderAsync(
        Func<TestOidcClient, TestOidcClient>? profile = null,
        object? settings = null
    )
    {
        var admin = await app.CreateTenantAsync();
        var slug = "fund-" + Guid.NewGuid().ToString("N")[..10];
        var client = new TestOidcClient(
            "fundaudit-" + slug,
            "secret-" + Guid.NewGuid().ToString("N"),
            baseUrl + "/app/sign-in/sso/" + slug + "/callback"
        );
        client = profile?.Invoke(client) ?? client;
        provider.Register(client);
        var body = settings
            ?? new
            {
                slug,
                issuer = provider.Issuer.AbsoluteUri,
                clientId = client.ClientId,
                clientSecret = client.Secret,
            };
        await HttpAssert.OkJsonAsync(await admin.Client.PutAsJsonAsync("/api/sso", body));
        return new SsoFunder(admin, slug, client);
    }

    /// <summary>Registers another profile of the provider's person for an existing funder's client.</summary>
    public void Provide(TestOidcClient client) => provider.Register(client);

    /// <summary>A person as an admin's invitation leaves them: status invited, an open invitation.</summary>
    public async Task<long> InviteAsync(
        long funderId,
        string email,
        string roles = "officer",
        string status = "invited"
    )
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var now = app.Clock.GetUtcNow();
        var args = new
        {
            FunderId = funderId,
            Email = email,
            EmailKey = email.ToLowerInvariant(),
            Name = "Person " + email[..4],
            Roles = roles,
            Status = status,
            Now = now,
            Expires = now.AddHours(72),
            Token = Guid.NewGuid().ToString("N"),
        };
        await connection.ExecuteAsync(
            """
            INSERT INTO staff_people (funder_id, email, email_key, display_name, roles, status, created_at, updated_at)
            VALUES (@FunderId, @Email, @EmailKey, @Name, @Roles, @Status, @Now, @Now)
            """,
            args
        );
        var id = await connection.ExecuteScalarAsync<long>(
            "SELECT id FROM staff_people WHERE funder_id = @FunderId AND email_key = @EmailKey",
            args
        );
        await connection.ExecuteAsync(
            """
            INSERT INTO staff_invitations (funder_id, person_id, token_hash, created_by, created_at, expires_at)
            VALUES (@FunderId, @PersonId, @Token, 'test', @Now, @Expires)
            """,
            new
            {
                args.FunderId,
                PersonId = id,
                args.Token,
                args.Now,
                args.Expires,
            }
        );
        return id;
    }

    /// <summary>A new open invitation for an existing person.</summary>
    public Task ReinviteAsync(long funderId, long personId)
    {
        var now = app.Clock.GetUtcNow();
        return ExecuteAsync(
            """
            INSERT INTO staff_invitations (funder_id, person_id, token_hash, created_by, created_at, expires_at)
            VALUES (@FunderId, @PersonId, @Token, 'test', @Now, @Expires)
            """,
            new
            {
                FunderId = funderId,
                PersonId = personId,
                Token = Guid.NewGuid().ToString("N"),
                Now = now,
                Expires = now.AddHours(72),
            }
        );
    }

    /// <summary>Walks the sign-in; answers the page the service showed at the end and the session it left.</summary>
    public async Task<(HtmlPage Page, PageSession Session)> SignInAsync(string signInPath)
    {
        var session = new PageSession(
            app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })
        );
        return (await WalkAsync(session, signInPath), session);
    }

    /// <summary>The provider's authorization request the last walk sent (its query).</summary>
    public string LastAuthorizeQuery { get; private set; } = "";

    /// <summary>From a page of the service that sends the browser to the provider, to the service's last answer.</summary>
    public async Task<HtmlPage> WalkAsync(PageSession session, string path)
    {
        var start = await session.GetAsync(path);
        Assert.True(start.Status == HttpStatusCode.Found, $"{path}: {(int)start.Status} {start.Html}");
        var authorize = start.Response.Headers.Location!;
        LastAuthorizeQuery = authorize.Query;
        Assert.StartsWith(provider.Issuer + "connect/authorize?", authorize.AbsoluteUri, StringComparison.Ordinal);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var atProvider = await browser.GetAsync(authorize);
        Assert.True(
            atProvider.StatusCode == HttpStatusCode.Found,
            $"provider: {(int)atProvider.StatusCode} {await atProvider.Content.ReadAsStringAsync()}"
        );
        var callback = atProvider.Headers.Location!;
        Assert.Equal("localhost", callback.Host);
        return await session.GetAsync(callback.PathAndQuery);
    }

    public async Task<long> CountAsync(string sql, object args)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    public async Task ExecuteAsync(string sql, object args)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        await connection.ExecuteAsync(sql, args);
    }

    public Task<long> LinksAsync(long funderId) =>
        CountAsync(
            "SELECT COUNT(*) FROM staff_external_logins WHERE funder_id = @FunderId",
            new { FunderId = funderId }
        );

    public Task<long> SessionsAsync(long funderId) =>
        CountAsync(
            "SELECT COUNT(*) FROM console_sessions WHERE funder_id = @FunderId AND person_id IS NOT NULL",
            new { FunderId = funderId }
        );
}

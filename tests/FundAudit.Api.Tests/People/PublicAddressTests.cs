using System.Net;
using System.Net.Http.Json;
using FundAudit.Api.Features.People;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace FundAudit.Api.Tests.People;

/// <summary>
/// The address in invitation links: outside Development the service starts only with <c>People:PublicBaseUrl</c> or
/// <c>AllowedHosts</c>, and a configured address wins over the request's <c>Host</c> header.
/// </summary>
public sealed class PublicAddressTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Theory]
    [InlineData(null, "*", false, "People:PublicBaseUrl")]
    [InlineData(null, null, false, "People:PublicBaseUrl")]
    [InlineData("", " * ", false, "People:PublicBaseUrl")]
    [InlineData("audit.example.org", "*", true, "absolute")]
    [InlineData("ftp://audit.example.org", "*", true, "absolute")]
    [InlineData("https://audit.example.org/?next=x", "*", false, "no query")]
    [InlineData(null, "*", true, null)]
    [InlineData(null, "audit.example.org;localhost", false, null)]
    [InlineData("https://audit.example.org", "*", false, null)]
    [InlineData("http://localhost:5000/fundaudit", null, false, null)]
    public void The_start_up_rule(string? publicBaseUrl, string? allowedHosts, bool development, string? refusal)
    {
        if (refusal is null)
        {
            PublicAddressCheck.Check(publicBaseUrl, allowedHosts, development);
            return;
        }

        var error = Assert.Throws<InvalidOperationException>(() =>
            PublicAddressCheck.Check(publicBaseUrl, allowedHosts, development)
        );
        Assert.Contains(refusal, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_refuses_to_start_without_an_address_or_allowed_hosts()
    {
        using var production = app.WithWebHostBuilder(b =>
            b.UseEnvironment("Production").UseSetting("People:PublicBaseUrl", "").UseSetting("AllowedHosts", "*")
        );
        var error = Assert.ThrowsAny<Exception>(() => production.Server);
        Assert.Contains("People:PublicBaseUrl", error.ToString(), StringComparison.Ordinal);

        using var allowed = app.WithWebHostBuilder(b =>
            b.UseEnvironment("Production")
                .UseSetting("People:PublicBaseUrl", "")
                .UseSetting("AllowedHosts", "localhost")
        );
        Assert.NotNull(allowed.Server);
    }

    [Fact]
    public async Task A_link_takes_the_configured_address_whatever_host_the_request_names()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        Assert.StartsWith(
            "http://localhost/app/invitations/",
            await InviteWithHostAsync(admin),
            StringComparison.Ordinal
        );

        // Without an address (Development only) the link follows the Host header: what the rule guards against.
        using var development = app.WithWebHostBuilder(b =>
            b.UseEnvironment("Development").UseSetting("People:PublicBaseUrl", "")
        );
        var client = development.CreateClient(new KeyStepUpHandler(app)); // the owner's code, as the fixture's
        client.DefaultRequestHeaders.Authorization = admin.Client.DefaultRequestHeaders.Authorization;

        Assert.StartsWith(
            "http://evil.example/app/invitations/",
            await InviteWithHostAsync(admin with { Client = client }),
            StringComparison.Ordinal
        );
    }

    private static async Task<string> InviteWithHostAsync(Tenant admin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/people")
        {
            Content = JsonContent.Create(
                new
                {
                    email = $"host-{Guid.NewGuid():N}@example.org",
                    displayName = "Host",
                    roles = new[] { "officer" },
                }
            ),
        };
        request.Headers.Host = "evil.example";
        var created = await HttpAssert.OkJsonAsync(await admin.Client.SendAsync(request), HttpStatusCode.Created);
        return created.GetProperty("invitationUrl").GetString()!;
    }
}

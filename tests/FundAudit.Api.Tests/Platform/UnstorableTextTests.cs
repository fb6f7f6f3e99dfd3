using System.Net;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// PostgreSQL cannot store the NUL character (U+0000) in a text. A JSON body's texts are checked first (JsonTexts,
/// JsonTextsTests); a NUL arriving another way (a query, here) that reaches the database is the request's fault: a
/// 400 ProblemDetails saying what, never a 500, and nothing stored.
/// </summary>
[Collection(SharedApps.Postgres1)]
public sealed class PostgresUnstorableTextTests(PostgresApp app)
{
    [Fact]
    public async Task A_nul_character_the_database_refuses_is_a_400_saying_so()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);

        var problem = await HttpAssert.ProblemAsync(
            await admin.Client.GetAsync("/api/grants?q=legal%00aid"),
            HttpStatusCode.BadRequest
        );

        Assert.Equal("Text not storable", problem.GetProperty("title").GetString());
        Assert.Contains("U+0000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nul_character_in_a_console_form_is_the_console_page_saying_so_and_nothing_is_stored()
    {
        var tenant = await app.CreateTenantAsync(Roles.Admin);
        using var admin = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Admin)).Key);
        await admin.GetPageAsync("/app/funds/new");
        var slug = "nul-" + Guid.NewGuid().ToString("N")[..10];
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["slug"] = slug,
            ["name"] = "Console\u0000Fund",
            ["currency"] = "USD",
            ["maxamount"] = "5000",
            ["languages"] = "en",
        };

        var (status, html) = await admin.PostPageAsync("/app/funds", fields);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("The form could not be read", html, StringComparison.Ordinal);
        var funds = await (await tenant.Client.GetAsync("/api/funds")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(slug, funds, StringComparison.Ordinal);
    }
}

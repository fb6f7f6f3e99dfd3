using System.Net;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// PostgreSQL cannot store the NUL character (U+0000) in a text. Where no validator names the field first, the
/// database's refusal is the request's fault: a 400 ProblemDetails saying what, never a 500, and nothing stored.
/// </summary>
public sealed class PostgresUnstorableTextTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    [Fact]
    public async Task A_nul_character_the_database_refuses_is_a_400_saying_so_and_nothing_is_stored()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "nul-" + Guid.NewGuid().ToString("N")[..10];
        var fund = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Rapid\u0000Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 2000,
        };

        var problem = await HttpAssert.ProblemAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(fund)),
            HttpStatusCode.BadRequest
        );

        Assert.Equal("Text not storable", problem.GetProperty("title").GetString());
        Assert.Contains("U+0000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var funds = await (await admin.Client.GetAsync("/api/funds")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(slug, funds, StringComparison.Ordinal);
    }
}

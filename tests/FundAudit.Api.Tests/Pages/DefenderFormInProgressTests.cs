using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The defender's form sent again while its first send is still being processed (its submission key held): the form
/// comes back with what was typed, the same submission key and "Please wait a minute and try again", never a problem
/// document; once the first send is done, the same form answers its case.
/// </summary>
public abstract class DefenderFormInProgressTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_form_sent_again_while_its_first_send_runs_comes_back_with_what_was_typed_and_a_wait_message()
    {
        using var quick = app.WithWebHostBuilder(b => b.UseSetting("Idempotency:InProgressWaitMilliseconds", "100"));
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = await EmergencyForms.CreateFundAsync(
            admin,
            "pages",
            new JsonObject
            {
                ["name"] = "Fund",
                ["currency"] = "USD",
                ["maxAmount"] = 5000,
            }
        );
        var session = new PageSession(
            quick.CreateClient(
                new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }
            )
        );
        var submission = (await session.GetAsync($"/f/{slug}?lang=en")).Hidden("submission")!;
        (string, string)[] fields =
        [
            ("submission", submission),
            ("language", "en"),
            ("alias", "Lucia"),
            ("contact.channel", "signal"),
            ("contact.handle", "+50499990000"),
            ("country", "Honduras"),
            ("urgency", "high"),
            ("situation", "Threats after a land hearing."),
            ("need", "relocation"),
            ("amount", "800"),
            ("currency", "USD"),
            ("endorser", ""),
        ];
        var request = new SubmitRequest.Request(
            "Lucia",
            new ContactDetails("signal", "+50499990000"),
            "Honduras",
            "high",
            "Threats after a land hearing.",
            "relocation",
            800m,
            "USD",
            "en",
            ""
        );
        var hash = IdempotencyStore.Hash(System.Text.Json.JsonSerializer.Serialize(request, SubmitRequest.HashJson));
        var fundId = await ScalarAsync("SELECT id FROM funds WHERE slug = @slug", new { slug });
        var claims = app.Services.GetRequiredService<IdempotencyClaims>();
        Assert.Equal(
            ClaimResult.Claimed,
            await claims.ClaimAsync($"intake:{fundId}", "form:" + submission, hash, default)
        );

        var busy = await session.PostAsync(
            $"/f/{slug}?lang=en",
            fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))
        );
        Assert.Equal(HttpStatusCode.Conflict, busy.Status);
        Assert.StartsWith("text/html", busy.Response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains(PageText.Get("TooMany_Text", "en")!, busy.Html, StringComparison.Ordinal);
        Assert.Equal(submission, busy.Hidden("submission"));
        Assert.Contains("Threats after a land hearing.", busy.Html, StringComparison.Ordinal);
        Assert.Equal(
            0,
            await ScalarAsync("SELECT COUNT(*) FROM emergency_requests WHERE fund_id = @fundId", new { fundId })
        );

        await claims.ReleaseAsync($"intake:{fundId}", "form:" + submission, default);
        var sent = await session.PostAsync(
            $"/f/{slug}?lang=en",
            fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))
        );
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.False(string.IsNullOrEmpty(sent.TextOf("data-case-code")));
        Assert.Equal(
            1,
            await ScalarAsync("SELECT COUNT(*) FROM emergency_requests WHERE fund_id = @fundId", new { fundId })
        );
    }

    private async Task<long> ScalarAsync(string sql, object args)
    {
        await using var connection = await app.Services.GetRequiredService<RapidResponseDb>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }
}

public sealed class SqliteDefenderFormInProgressTests(SqliteApp app) : DefenderFormInProgressTests<SqliteApp>(app);

public sealed class PostgresDefenderFormInProgressTests(PostgresApp app)
    : DefenderFormInProgressTests<PostgresApp>(app);

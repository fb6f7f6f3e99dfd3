using System.Net;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Audit;
using FundAudit.Api.Tests.Infrastructure;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console's publish page and the portfolio's publish section: 360Giving downloads of the period (the API's exports
/// under the console session), and the sensitive mark set and removed by an analyst; officers read only; another
/// funder's grants never listed, marked or exported.
/// </summary>
public abstract class PublishPagesTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "?from=2025-01-01&to=2025-12-31";

    private static string Text(string html) => WebUtility.HtmlDecode(html);

    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    private async Task<Tenant> PortfolioAsync()
    {
        var tenant = await app.CreateTenantAsync();
        var p1 = Prevention("P1", 1000m, "EUR", "2025-02-10");
        p1["recipientOrganization"]![0]!["name"] = "Osprey Women Defenders";
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(p1, Emergency("P2", 500m, "EUR", "2025-03-05")))
        );
        return tenant;
    }

    [Fact]
    public async Task The_portfolio_links_the_periods_downloads_which_validate_and_hide_a_grant_marked_on_the_page()
    {
        var tenant = await PortfolioAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var portfolio = Text(await analyst.GetPageAsync("/app/portfolio" + Period + "&currency=EUR"));
        Assert.Contains("href=\"/app/publish/360giving.json" + Period + "\"", portfolio, StringComparison.Ordinal);
        Assert.Contains("href=\"/app/publish/360giving.csv" + Period + "\"", portfolio, StringComparison.Ordinal);
        Assert.Contains("href=\"/app/publish" + Period + "\"", portfolio, StringComparison.Ordinal);

        var page = Text(await analyst.GetPageAsync("/app/publish" + Period));
        Assert.Contains("No grant is marked sensitive.", page, StringComparison.Ordinal);
        var (status, marked) = await analyst.PostPageAsync(
            "/app/publish/sensitive",
            [F("id", "P1"), F("sensitive", "true"), F("from", "2025-01-01"), F("to", "2025-12-31")]
        );
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(
            "Grant P1 is marked sensitive: the exports anonymise it.",
            Text(marked),
            StringComparison.Ordinal
        );
        Assert.Contains("data-grant=\"P1\"", marked, StringComparison.Ordinal);

        var json = await analyst.GetAsync("/app/publish/360giving.json" + Period);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var body = await json.Content.ReadAsStringAsync();
        Assert.Empty(GivingSchema.Problems(JsonNode.Parse(body)!));
        Assert.DoesNotContain("Osprey", body, StringComparison.Ordinal);
        Assert.Contains("Anonymous grantee", body, StringComparison.Ordinal);
        var csv = await analyst.GetAsync("/app/publish/360giving.csv" + Period);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var flat = await csv.Content.ReadAsStringAsync();
        Assert.Empty(GivingSchema.Problems(GivingSchema.Unflatten(flat)));
        Assert.DoesNotContain("Osprey", flat, StringComparison.Ordinal);

        var (_, unmarked) = await analyst.PostPageAsync(
            "/app/publish/sensitive",
            [F("id", "P1"), F("sensitive", "false"), F("from", "2025-01-01"), F("to", "2025-12-31")]
        );
        Assert.Contains("Grant P1 is no longer marked sensitive.", Text(unmarked), StringComparison.Ordinal);
        var again = await (await analyst.GetAsync("/app/publish/360giving.json" + Period)).Content.ReadAsStringAsync();
        Assert.Contains("Osprey", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grant_of_another_funder_or_none_is_explained_beside_the_field_and_nothing_changes()
    {
        var tenant = await PortfolioAsync();
        var other = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Zebra("THEIRS", 10m, "EUR", "2025-04-01")))
        );
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/publish" + Period);

        var (status, page) = await analyst.PostPageAsync(
            "/app/publish/sensitive",
            [F("id", "THEIRS"), F("sensitive", "true"), F("from", "2025-01-01"), F("to", "2025-12-31")]
        );

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("id=\"mark-id-error\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"THEIRS\"", page, StringComparison.Ordinal);
        var list = await HttpAssert.OkJsonAsync(await other.Client.GetAsync("/api/grants/sensitive"));
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        var (blank, _) = await analyst.PostPageAsync(
            "/app/publish/sensitive",
            [F("id", " "), F("sensitive", "true"), F("from", "2025-01-01"), F("to", "2025-12-31")]
        );
        Assert.Equal(HttpStatusCode.BadRequest, blank);
        var mine = await (await analyst.GetAsync("/app/publish/360giving.json" + Period)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("THEIRS", mine, StringComparison.Ordinal);
        var empty = Text(
            await analyst.GetPageAsync(
                "/app/publish/360giving.csv?from=1990-01-01&to=1990-12-31",
                HttpStatusCode.NotFound
            )
        );
        Assert.Contains("No grants to publish from 1990-01-01 to 1990-12-31.", empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_officer_downloads_but_gets_no_form_and_a_post_is_refused()
    {
        var tenant = await PortfolioAsync();
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);

        var page = await officer.GetPageAsync("/app/publish" + Period);
        Assert.DoesNotContain("data-form=\"mark-sensitive\"", page, StringComparison.Ordinal);
        var (status, _) = await officer.PostPageAsync(
            "/app/publish/sensitive",
            [F("id", "P1"), F("sensitive", "true"), F("from", "2025-01-01"), F("to", "2025-12-31")]
        );
        Assert.Equal(HttpStatusCode.Found, status); // to the console's forbidden page
        var list = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/sensitive"));
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/app/publish/360giving.json" + Period)).StatusCode);
    }
}

[Collection(SharedApps.Sqlite1)]
public sealed class SqlitePublishPagesTests(SqliteApp app) : PublishPagesTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresPublishPagesTests(PostgresApp app) : PublishPagesTests<PostgresApp>(app);

using System.Net;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console's data-quality pages and the portfolio's sentence on the money the audit cannot place, signed in
/// through the sign-in page; another funder's grants never counted or listed.
/// </summary>
public abstract class QualityPagesTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "?from=2025-01-01&to=2025-12-31&currency=EUR";

    private static string Text(string html) => WebUtility.HtmlDecode(html);

    /// <summary>
    /// P1 1,000.00 EUR local/prevention; P2 500.00 EUR, Zebra text (purpose unclassified: no activity words), no
    /// description. Total 1,500.00 EUR in 2 grants; unplaced 500.00 = 33.33 %. Another funder has OTHER-1, a zero
    /// amount and unclassified: never seen here.
    /// </summary>
    private async Task<Tenant> PortfolioAsync()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(Prevention("P1", 1000m, "EUR", "2025-02-10"), Zebra("P2", 500m, "EUR", "2025-03-05"))
            )
        );
        var other = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await other.Client.PostPackageAsync(Giving.Package(Zebra("OTHER-1", 0m, "EUR", "2025-03-05")))
        );
        return tenant;
    }

    [Fact]
    public async Task The_quality_page_lists_the_checks_with_links_to_their_grants_and_only_the_funders_own()
    {
        var tenant = await PortfolioAsync();
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var page = Text(await analyst.GetPageAsync("/app/quality" + Period));

        Assert.Contains("<h1>Data quality</h1>", page, StringComparison.Ordinal);
        Assert.Contains("2025-01-01 to 2025-12-31: 2 grants, 1,500.00 EUR", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/app/quality/unclassified" + Period + "\"", page, StringComparison.Ordinal);
        Assert.Contains("purpose: no activity words: 1 grant", page, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/app/quality/zero_or_negative_amount", page, StringComparison.Ordinal);

        var unplaced = Text(await analyst.GetPageAsync("/app/quality/unclassified" + Period));
        Assert.Contains("data-grant=\"P2\"", unplaced, StringComparison.Ordinal);
        Assert.DoesNotContain("data-grant=\"P1\"", unplaced, StringComparison.Ordinal);
        Assert.DoesNotContain("OTHER-1", unplaced, StringComparison.Ordinal);
        var zero = Text(await analyst.GetPageAsync("/app/quality/zero_or_negative_amount" + Period));
        Assert.Contains("No grant fails this check.", zero, StringComparison.Ordinal);
        Assert.DoesNotContain("OTHER-1", zero, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_portfolio_page_says_how_much_money_the_audit_cannot_place_and_why()
    {
        var tenant = await PortfolioAsync();
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);

        var page = Text(await officer.GetPageAsync("/app/portfolio" + Period));

        Assert.Contains(
            "The audit cannot place 500.00 EUR (33.33 %) of this period in 1 grant: "
                + "purpose: no activity words (1 grant).",
            page,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "href=\"/app/quality" + Period + "\">Data quality of this period</a>",
            page,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Bad_filters_and_unknown_checks_are_said_on_the_page_and_the_page_speaks_spanish()
    {
        var tenant = await PortfolioAsync();
        using var admin = await ConsoleClient.SignInAsync(app, tenant.Key);

        var bad = Text(
            await admin.GetPageAsync(
                "/app/quality?from=2025-01-01&to=2025-12-31&currency=XXX",
                HttpStatusCode.BadRequest
            )
        );
        Assert.Contains("currency: Not an ISO 4217 currency code.", bad, StringComparison.Ordinal);
        await admin.GetPageAsync("/app/quality/nonsense" + Period, HttpStatusCode.NotFound);
        var spanish = Text(await admin.GetPageAsync("/app/quality" + Period + "&lang=es"));
        Assert.Contains("<h1>Calidad de los datos</h1>", spanish, StringComparison.Ordinal);
        Assert.Contains("Subvenciones que el clasificador no pudo situar", spanish, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_check_has_its_page_title_and_the_english_one_is_the_apis()
    {
        foreach (var check in FundAudit.Api.Features.Audit.Quality.QualityChecks.All)
        {
            Assert.Equal(check.Title, ConsoleText.Get("QualityCheck_" + check.Code, "en"));
        }
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteQualityPagesTests(SqliteApp app) : QualityPagesTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresQualityPagesTests(PostgresApp app) : QualityPagesTests<PostgresApp>(app);

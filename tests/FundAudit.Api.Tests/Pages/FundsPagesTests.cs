using System.Net;
using System.Text.Json;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The admins' funds pages (/app/funds): create and edit through the API's use cases and validator, each bad field
/// shown beside it with nothing stored, the administration log as the API writes it, another funder's fund not
/// found, other roles sent to the forbidden page, step-up before a save.
/// </summary>
public abstract class FundsPagesTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    private static string Slug() => "cf-" + Guid.NewGuid().ToString("N")[..10];

    private static Dictionary<string, string> Fields(string slug) =>
        new(StringComparer.Ordinal)
        {
            ["slug"] = slug,
            ["name"] = "Console Fund",
            ["currency"] = "USD",
            ["maxamount"] = "5000",
            ["secondapprovalthreshold"] = "2500",
            ["languages"] = "en es",
            ["webhookurl"] = "https://hooks.example.org/fund",
            ["warningshare"] = "0.5",
            ["extreme.acknowledgehours"] = "2",
            ["timezone"] = "",
            ["workingdays"] = "",
            ["daystart"] = "",
            ["dayend"] = "",
            ["holidays"] = "",
        };

    private async Task<(Tenant Tenant, ConsoleClient Admin)> AdminAsync()
    {
        var tenant = await app.CreateTenantAsync(Roles.Admin);
        var admin = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Admin)).Key);
        return (tenant, admin);
    }

    private static async Task<List<JsonElement>> FundsAsync(Tenant tenant) =>
        [
            .. (await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/funds")))
                .GetProperty("items")
                .EnumerateArray(),
        ];

    private async Task<long> LoggedAsync(long funderId, string action) =>
        (
            await app
                .Services.GetRequiredService<Db>()
                .QueryListAsync<string>(
                    "SELECT action_code FROM admin_log WHERE funder_id = @FunderId AND action_code = @Action",
                    new { FunderId = funderId, Action = action },
                    default
                )
        ).Count;

    [Fact]
    public async Task An_admin_creates_a_fund_sees_its_secret_once_and_edits_it()
    {
        var (tenant, admin) = await AdminAsync();
        using var _ = admin;
        var slug = Slug();
        Assert.Contains("name=\"webhookurl\"", await admin.GetPageAsync("/app/funds/new"), StringComparison.Ordinal);

        var (status, html) = await admin.PostPageAsync("/app/funds", Fields(slug));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"data-fund-saved=\"{slug}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-webhook-secret", html, StringComparison.Ordinal);
        var fund = Assert.Single(await FundsAsync(tenant));
        Assert.Equal(
            (slug, "Console Fund", 5000m, 2500m, "https://hooks.example.org/fund"),
            (
                fund.GetProperty("slug").GetString(),
                fund.GetProperty("name").GetString(),
                fund.GetProperty("maxAmount").GetDecimal(),
                fund.GetProperty("secondApprovalThreshold").GetDecimal(),
                fund.GetProperty("webhookUrl").GetString()
            )
        );
        var sla = fund.GetProperty("sla");
        Assert.Equal(0.5, sla.GetProperty("warningShare").GetDouble());
        Assert.Equal(2, sla.GetProperty("tiers").GetProperty("extreme").GetProperty("acknowledgeHours").GetDouble());
        Assert.Equal(["en", "es"], fund.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(1, await LoggedAsync(tenant.FunderId, "fund.created"));

        var form = await admin.GetPageAsync($"/app/funds/{slug}");
        Assert.Contains("value=\"2500\"", form, StringComparison.Ordinal);
        var edit = Fields(slug);
        edit["name"] = "Renamed Fund";
        edit["secondapprovalthreshold"] = "";
        edit["webhookurl"] = "https://hooks.example.org/fund"; // the same URL keeps its secret
        edit["currency"] = "EUR"; // not posted by the form; ignored: a fund's currency cannot change
        (status, html) = await admin.PostPageAsync($"/app/funds/{slug}", edit);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("data-webhook-secret", html, StringComparison.Ordinal);
        fund = Assert.Single(await FundsAsync(tenant));
        Assert.Equal("Renamed Fund", fund.GetProperty("name").GetString());
        Assert.Equal("USD", fund.GetProperty("currency").GetString());
        Assert.False(fund.TryGetProperty("secondApprovalThreshold", out var t) && t.ValueKind != JsonValueKind.Null);
        Assert.Equal(1, await LoggedAsync(tenant.FunderId, "fund.updated"));
    }

    [Theory]
    [MemberData(nameof(FundsPageCases.BadFields), MemberType = typeof(FundsPageCases))]
    public async Task A_bad_field_shows_the_form_again_with_the_problem_beside_it_and_stores_nothing(
        string field,
        string value
    )
    {
        var (tenant, admin) = await AdminAsync();
        using var _ = admin;
        await admin.GetPageAsync("/app/funds/new");
        var fields = Fields(Slug());
        fields[field] = value;
        if (field is "timezone")
        {
            fields["workingdays"] = "monday";
            fields["daystart"] = "09:00";
            fields["dayend"] = "17:00";
        }

        var (status, html) = await admin.PostPageAsync("/app/funds", fields);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"id=\"{field}-error\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);
        Assert.Empty(await FundsAsync(tenant));
        Assert.Equal(0, await LoggedAsync(tenant.FunderId, "fund.created"));
    }

    [Fact]
    public async Task A_webhook_on_a_private_address_is_refused_as_the_api_refuses_it()
    {
        await using var strict = app.WithWebHostBuilder(b =>
            b.UseSetting("Webhooks:AllowHttp", "false").UseSetting("Webhooks:AllowPrivateAddresses", "false")
        );
        var tenant = await app.CreateTenantAsync(Roles.Admin);
        using var admin = await ConsoleClient.SignInAsync(
            app,
            strict,
            (await app.AddKeyAsync(tenant, Roles.Admin)).Key
        );
        foreach (var url in new[] { "https://10.0.0.7/hook", "http://hooks.example.org/fund" })
        {
            await admin.GetPageAsync("/app/funds/new");
            var fields = Fields(Slug());
            fields["webhookurl"] = url;
            var (status, html) = await admin.PostPageAsync("/app/funds", fields);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("id=\"webhookurl-error\"", html, StringComparison.Ordinal);
        }

        Assert.Empty(await FundsAsync(tenant));
    }

    [Fact]
    public async Task Another_funders_fund_is_not_found_and_other_roles_are_sent_to_the_forbidden_page()
    {
        var (owner, ownerAdmin) = await AdminAsync();
        using var _ = ownerAdmin;
        var slug = Slug();
        await ownerAdmin.GetPageAsync("/app/funds/new");
        Assert.Equal(HttpStatusCode.OK, (await ownerAdmin.PostPageAsync("/app/funds", Fields(slug))).Status);

        var (other, otherAdmin) = await AdminAsync();
        using var __ = otherAdmin;
        await otherAdmin.GetPageAsync($"/app/funds/{slug}", HttpStatusCode.NotFound);
        var list = await otherAdmin.GetPageAsync("/app/funds");
        Assert.DoesNotContain(slug, list, StringComparison.Ordinal);
        var edit = Fields(slug);
        edit["name"] = "Taken over";
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PostPageAsync($"/app/funds/{slug}", edit)).Status);
        Assert.Equal("Console Fund", Assert.Single(await FundsAsync(owner)).GetProperty("name").GetString());
        Assert.Empty(await FundsAsync(other));

        foreach (var role in new[] { Roles.Officer, Roles.Analyst })
        {
            using var staff = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(owner, role)).Key);
            var page = await staff.GetAsync("/app/funds");
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Contains("/app/forbidden", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
            await staff.GetPageAsync("/app/forbidden", HttpStatusCode.Forbidden);
            var post = await staff.PostFormAsync($"/app/funds/{slug}", edit);
            Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        }

        Assert.Equal("Console Fund", Assert.Single(await FundsAsync(owner)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_save_asks_for_the_second_factor_again_after_a_while_and_stores_nothing_until_then()
    {
        var (tenant, admin) = await AdminAsync();
        using var _ = admin;
        await admin.GetPageAsync("/app/funds/new");
        var minutes = app.Services.GetRequiredService<FundAudit.Api.Features.People.PeopleOptions>().StepUpMinutes;
        app.Clock.Advance(TimeSpan.FromMinutes(minutes + 1));

        var (status, html) = await admin.PostPageAsync("/app/funds", Fields(Slug()));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Confirm it is you", html, StringComparison.Ordinal);
        Assert.Empty(await FundsAsync(tenant));
    }
}

/// <summary>The bad values of the funds form, one field at a time.</summary>
public static class FundsPageCases
{
    public static TheoryData<string, string> BadFields() =>
        new()
        {
            { "slug", "Not A Slug" },
            { "slug", "new" }, // the new-fund page's own address: a fund there could never be opened
            { "name", "" },
            { "currency", "XYZ" },
            { "maxamount", "0" },
            { "maxamount", "lots" },
            { "secondapprovalthreshold", "-5" },
            { "languages", new string('x', 40) },
            { "webhookurl", "ftp://hooks.example.org/fund" },
            { "warningshare", "2" },
            { "timezone", "Mars/Olympus" },
            { "holidays", "25/12/2026" },
        };
}

public sealed class SqliteFundsPagesTests(SqliteApp app) : FundsPagesTests<SqliteApp>(app);

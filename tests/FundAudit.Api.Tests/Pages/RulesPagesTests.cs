using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Classification;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console's rule-set page over HTTP: view, a dry run that stores nothing, save, problems beside the field by JSON
/// path; officers read only; another funder sees its own rule set.
/// </summary>
public abstract class RulesPagesTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static string Text(string html) => WebUtility.HtmlDecode(html);

    private static Dictionary<string, string> Form(JsonNode rules, string action) =>
        new() { ["rules"] = rules.ToJsonString(), ["action"] = action };

    private static async Task<JsonElement> RulesAsync(Tenant tenant) =>
        await tenant.Client.GetFromJsonAsync<JsonElement>("/api/classification/rules");

    [Fact]
    public async Task An_analyst_edits_the_rule_set_tries_it_and_saves_it()
    {
        var tenant = await RuleSetDryRunTests<TApp>.PortfolioAsync(app);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        var page = Text(await analyst.GetPageAsync("/app/rules"));
        var version = (await RulesAsync(tenant)).GetProperty("version").GetString()!;
        Assert.Contains($"data-rule-set=\"{version}\"", page);
        Assert.Contains("\"minimumScore\"", page); // the JSON in the editor
        var rules = await RuleSetDryRunTests<TApp>.ZebraCampaignRulesAsync(tenant);

        var (status, html) = await analyst.PostPageAsync("/app/rules", Form(rules, "dry-run"));

        Assert.Equal(HttpStatusCode.OK, status);
        var tried = Text(html);
        Assert.Contains("Nothing was saved. With rule set dry-1, 1 grant of 3 would change level or purpose", tried);
        var move = tried[tried.IndexOf("data-move=\"purpose:unclassified:campaign\"", StringComparison.Ordinal)..];
        Assert.Contains("1,000.00 GBP", move[..move.IndexOf("</tr>", StringComparison.Ordinal)]);
        Assert.Contains("\"zebra\":10", tried); // the text stays in the editor as typed
        Assert.Equal("default", (await RulesAsync(tenant)).GetProperty("status").GetString());

        (status, html) = await analyst.PostPageAsync("/app/rules", Form(rules, "save"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Saved: rule set dry-1 is now yours.", Text(html));
        Assert.Equal("dry-1", (await RulesAsync(tenant)).GetProperty("version").GetString());

        // The same version again: refused beside the field, nothing stored.
        rules["purpose"]!["terms"]!["campaign"]!["zebra"] = 2;
        (status, html) = await analyst.PostPageAsync("/app/rules", Form(rules, "save"));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("data-path=\"$.version\"", html);
        Assert.Equal(
            10,
            (await RulesAsync(tenant))
                .GetProperty("rules")
                .GetProperty("purpose")
                .GetProperty("terms")
                .GetProperty("campaign")
                .GetProperty("zebra")
                .GetInt32()
        );
    }

    [Fact]
    public async Task A_rule_set_with_problems_or_not_json_is_shown_again_with_each_problem_at_its_path()
    {
        var tenant = await RuleSetDryRunTests<TApp>.PortfolioAsync(app);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/rules");
        var rules = await RuleSetDryRunTests<TApp>.ZebraCampaignRulesAsync(tenant);
        rules["purpose"]!["terms"]!["bribery"] = new JsonObject { ["x"] = 1 };
        rules["version"] = "";

        foreach (var action in new[] { "dry-run", "save" })
        {
            var (status, html) = await analyst.PostPageAsync("/app/rules", Form(rules, action));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            var problems = Text(html[html.IndexOf("id=\"rules-error\"", StringComparison.Ordinal)..]);
            Assert.Contains("bribery", problems[..problems.IndexOf("</ul>", StringComparison.Ordinal)]);
            Assert.Contains("data-path=\"$.version\"", html);
            Assert.Contains("aria-describedby=\"rules-hint rules-error\"", html);
            Assert.Contains("bribery", Text(html[html.IndexOf("<textarea", StringComparison.Ordinal)..]));
        }

        var (notJson, page) = await analyst.PostPageAsync(
            "/app/rules",
            new Dictionary<string, string> { ["rules"] = "{\n  \"version\": \"x\",\n  oops\n}", ["action"] = "dry-run" }
        );
        Assert.Equal(HttpStatusCode.BadRequest, notJson);
        Assert.Contains("This is not valid JSON (line 3", Text(page));
        Assert.Equal("default", (await RulesAsync(tenant)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_rule_set_whose_text_holds_a_lone_surrogate_or_a_nul_is_shown_again_naming_it_not_a_500()
    {
        var tenant = await RuleSetDryRunTests<TApp>.PortfolioAsync(app);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);
        await analyst.GetPageAsync("/app/rules");
        var rules = """{"version": "a\ud800b", "description": "x\u0000y"}""";

        var (status, html) = await analyst.PostPageAsync(
            "/app/rules",
            new Dictionary<string, string> { ["rules"] = rules, ["action"] = "dry-run" }
        );

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("data-path=\"$.version\"", html);
        Assert.Contains("data-path=\"$.description\"", html);
        Assert.Equal("default", (await RulesAsync(tenant)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_officer_reads_the_rule_set_but_cannot_try_or_save_one()
    {
        var tenant = await RuleSetDryRunTests<TApp>.PortfolioAsync(app);
        using var officer = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Officer)).Key);

        var page = await officer.GetPageAsync("/app/rules");
        Assert.Contains("data-read-only", page);
        Assert.DoesNotContain("data-form=\"rules\"", page);
        var response = await officer.PostFormAsync(
            "/app/rules",
            Form(await RuleSetDryRunTests<TApp>.ZebraCampaignRulesAsync(tenant), "save")
        );
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/app/forbidden", response.Headers.Location?.OriginalString);
        Assert.Equal("default", (await RulesAsync(tenant)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_funder_sees_its_own_rule_set_and_its_dry_run_counts_only_its_grants()
    {
        var owner = await RuleSetDryRunTests<TApp>.PortfolioAsync(app);
        using (var ownerConsole = await ConsoleClient.SignInAsync(app, owner.Key))
        {
            await ownerConsole.GetPageAsync("/app/rules");
            var (status, _) = await ownerConsole.PostPageAsync(
                "/app/rules",
                Form(await RuleSetDryRunTests<TApp>.ZebraCampaignRulesAsync(owner, "owner-secret-1"), "save")
            );
            Assert.Equal(HttpStatusCode.OK, status);
        }

        var other = await app.CreateTenantAsync();
        using var console = await ConsoleClient.SignInAsync(app, other.Key);
        var page = await console.GetPageAsync("/app/rules");
        Assert.DoesNotContain("owner-secret-1", page);
        var (tried, html) = await console.PostPageAsync(
            "/app/rules",
            Form(await RuleSetDryRunTests<TApp>.ZebraCampaignRulesAsync(other), "dry-run")
        );
        Assert.Equal(HttpStatusCode.OK, tried);
        Assert.Contains("0 grants of 0 would change", Text(html));
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteRulesPagesTests(SqliteApp app) : RulesPagesTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresRulesPagesTests(PostgresApp app) : RulesPagesTests<PostgresApp>(app);

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Classification;

/// <summary>POST /api/classification/rules/dry-run: what a rule set would move, with nothing stored.</summary>
public abstract class RuleSetDryRunTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    /// <summary>Z-1 (GBP 1,000.00) and Z-2 (GBP 500.00, corrected by hand to collective): unclassified purposes;
    /// P-1 (EUR 300.00): prevention.</summary>
    internal static async Task<Tenant> PortfolioAsync(FundAuditApp app)
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(Zebra("Z-1", 1000m), Zebra("Z-2", 500m), Prevention("P-1", 300m, "EUR", "2025-01-01"))
            )
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsJsonAsync(
                "/api/grants/by-id/Z-2/classification",
                new { purpose = "collective", reason = "Board papers." }
            )
        );
        return tenant;
    }

    /// <summary>The funder's rule set with "zebra" a strong campaign term, under a new version.</summary>
    internal static async Task<JsonNode> ZebraCampaignRulesAsync(Tenant tenant, string version = "dry-1")
    {
        var rules = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        rules["version"] = version;
        rules["purpose"]!["terms"]!["campaign"]!["zebra"] = 10;
        return rules;
    }

    private static async Task<string?> PurposeAsync(Tenant tenant, string id) =>
        (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/" + id))
            .GetProperty("classification")
            .GetProperty("purpose")
            .GetProperty("value")
            .GetString();

    [Fact]
    public async Task A_dry_run_counts_the_grants_and_money_that_would_move_and_stores_nothing()
    {
        var tenant = await PortfolioAsync(app);
        var rules = await ZebraCampaignRulesAsync(tenant);

        var dry = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/classification/rules/dry-run", Giving.Json(rules))
        );

        Assert.Equal(
            ("dry-1", false, 3L, 1L),
            (
                dry.GetProperty("version").GetString(),
                dry.GetProperty("versionInUse").GetBoolean(),
                dry.GetProperty("grants").GetInt64(),
                dry.GetProperty("grantsChanged").GetInt64()
            )
        );
        var move = Assert.Single(dry.GetProperty("purpose").EnumerateArray()); // Z-2's correction wins: it never moves
        Assert.Equal(
            ("unclassified", "campaign", 1L),
            (
                move.GetProperty("from").GetString(),
                move.GetProperty("to").GetString(),
                move.GetProperty("grants").GetInt64()
            )
        );
        var money = Assert.Single(move.GetProperty("amounts").EnumerateArray());
        Assert.Equal(
            ("GBP", 100000L, 1000m),
            (
                money.GetProperty("currency").GetString(),
                money.GetProperty("amountMinor").GetInt64(),
                money.GetProperty("amount").GetDecimal()
            )
        );
        Assert.Empty(dry.GetProperty("level").EnumerateArray());
        Assert.Equal(100000, dry.GetProperty("moneyChanged")[0].GetProperty("amountMinor").GetInt64());

        Assert.Equal("unclassified", await PurposeAsync(tenant, "Z-1"));
        Assert.Equal(
            "default",
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/classification/rules"))
                .GetProperty("status")
                .GetString()
        );

        // The current rule set tried as it is: nothing moves, and its version is in use.
        var same = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        var none = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/classification/rules/dry-run", Giving.Json(same))
        );
        Assert.Equal(
            (0L, true),
            (none.GetProperty("grantsChanged").GetInt64(), none.GetProperty("versionInUse").GetBoolean())
        );
    }

    [Fact]
    public async Task A_dry_run_reads_every_input_the_classifier_reads_so_the_current_rules_move_nothing()
    {
        // A British charity (its base known only from its identifier and address) working in Kenya: placed by inputs
        // the stored grant keeps beside its classified columns.
        var tenant = await app.CreateTenantAsync();
        var charity = new JsonObject
        {
            ["id"] = "360G-DRY-CHARITY",
            ["title"] = "Legal aid for human rights defenders",
            ["description"] = "Legal aid and safety training for human rights defenders in Kenya.",
            ["currency"] = "GBP",
            ["amountAwarded"] = 20000,
            ["awardDate"] = "2024-04-01",
            ["recipientOrganization"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = "GB-CHC-1234567",
                    ["name"] = "Defenders Trust",
                    ["postalCode"] = "N1 9GU",
                }
            ),
            ["beneficiaryLocation"] = new JsonArray(new JsonObject { ["name"] = "Kenya", ["countryCode"] = "KE" }),
            ["fundingOrganization"] = new JsonArray(new JsonObject { ["id"] = "GB-CHC-1", ["name"] = "F" }),
        };
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(charity)));
        var stored = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/360G-DRY-CHARITY");
        Assert.Equal(
            "global", // based outside the region where the work happens
            stored.GetProperty("classification").GetProperty("level").GetProperty("value").GetString()
        );

        var same = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        var none = await HttpAssert.OkJsonAsync(
            await tenant.Client.PostAsync("/api/classification/rules/dry-run", Giving.Json(same))
        );
        Assert.Equal(0L, none.GetProperty("grantsChanged").GetInt64());
        Assert.Empty(none.GetProperty("level").EnumerateArray());
    }

    [Fact]
    public async Task An_invalid_rule_set_is_refused_at_its_paths_and_an_officer_cannot_try_one()
    {
        var tenant = await PortfolioAsync(app);
        var rules = await ZebraCampaignRulesAsync(tenant);
        rules["purpose"]!["terms"]!["bribery"] = new JsonObject { ["x"] = 1 };
        rules["version"] = "";

        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/classification/rules/dry-run", Giving.Json(rules)),
            HttpStatusCode.BadRequest
        );
        var keys = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains(keys, k => k.Contains("bribery", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Contains("version", StringComparison.Ordinal));

        var officer = (await app.AddKeyAsync(tenant, Roles.Officer)).Client;
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await officer.PostAsync(
                    "/api/classification/rules/dry-run",
                    Giving.Json(await ZebraCampaignRulesAsync(tenant))
                )
            ).StatusCode
        );
    }

    [Fact]
    public async Task A_dry_run_reads_only_the_callers_grants()
    {
        var owner = await PortfolioAsync(app);
        var other = await app.CreateTenantAsync();

        var dry = await HttpAssert.OkJsonAsync(
            await other.Client.PostAsync(
                "/api/classification/rules/dry-run",
                Giving.Json(await ZebraCampaignRulesAsync(other))
            )
        );

        Assert.Equal((0L, 0L), (dry.GetProperty("grants").GetInt64(), dry.GetProperty("grantsChanged").GetInt64()));
        Assert.Equal("unclassified", await PurposeAsync(owner, "Z-1"));
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteRuleSetDryRunTests(SqliteApp app) : RuleSetDryRunTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresRuleSetDryRunTests(PostgresApp app) : RuleSetDryRunTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerRuleSetDryRunTests(SqlServerApp app)
    : RuleSetDryRunTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif

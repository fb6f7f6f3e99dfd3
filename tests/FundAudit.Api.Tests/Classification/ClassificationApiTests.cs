using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Classification;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Classification;

/// <summary>Classification through the API: evidence at ingest, funder rule sets, re-classification, corrections, review.</summary>
public abstract class ClassificationApiTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    /// <summary>A grant whose text says nothing the default rules know: its purpose is unclassified.</summary>
    private static JsonObject ZebraGrant(string id)
    {
        var grant = Giving.Grant(id, title: "Zebra programme");
        grant.Remove("description");
        grant.Remove("grantProgramme");
        return grant;
    }

    [Fact]
    public async Task An_ingested_grant_is_classified_with_source_confidence_evidence_and_rule_set_version()
    {
        var tenant = await app.CreateTenantAsync();
        var grant = Giving.Grant("C-1", title: "Emergency relocation after death threats");
        grant["description"] = "Temporary relocation of a land defender and her family after an armed attack.";
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(grant)));

        var c = (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/C-1")).GetProperty("classification");
        Assert.Equal("local", c.GetProperty("level").GetProperty("value").GetString()); // HN recipient, sub-national place in HN
        Assert.Equal("rule", c.GetProperty("level").GetProperty("source").GetString());
        Assert.Equal("emergency", c.GetProperty("purpose").GetProperty("value").GetString());
        Assert.NotEmpty(c.GetProperty("purpose").GetProperty("evidence").EnumerateArray());
        Assert.InRange(c.GetProperty("purpose").GetProperty("confidence").GetDouble(), 0.01, 1.0);
        Assert.Equal(RuleSet.Default.Version, c.GetProperty("ruleSetVersion").GetString());
    }

    [Fact]
    public async Task Explicit_location_scope_wins_except_that_a_recipient_based_outside_the_region_is_global()
    {
        var tenant = await app.CreateTenantAsync();
        var national = Giving.Grant("E-1");
        national["locationScope"] = "GLS030";
        var foreign = Giving.Grant("E-2");
        foreign["locationScope"] = "GLS030";
        foreign["recipientOrganization"]![0]!["addressCountry"] = "GB"; // UK-based NGO, work in Honduras
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(national, foreign)));

        var e1 = (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/E-1"))
            .GetProperty("classification")
            .GetProperty("level");
        Assert.Equal("national", e1.GetProperty("value").GetString());
        Assert.Equal("explicit", e1.GetProperty("source").GetString());
        var e2 = (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/E-2"))
            .GetProperty("classification")
            .GetProperty("level");
        Assert.Equal("global", e2.GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_funders_rule_set_reclassifies_only_its_portfolio_and_manual_corrections_survive()
    {
        var owner = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await owner.Client.PostPackageAsync(Giving.Package(ZebraGrant("Z-1"), ZebraGrant("Z-2")))
        );
        await HttpAssert.OkJsonAsync(await other.Client.PostPackageAsync(Giving.Package(ZebraGrant("Z-1"))));
        Assert.Equal("unclassified", await PurposeAsync(owner, "Z-1"));

        // A person decides Z-2 by hand before the rules change.
        await HttpAssert.OkJsonAsync(
            await owner.Client.PutAsJsonAsync(
                "/api/grants/Z-2/classification",
                new { purpose = "prevention", reason = "Board minutes say risk assessments." }
            )
        );

        var rules = JsonNode.Parse(await owner.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        rules["version"] = "owner-1";
        rules["purpose"]!["terms"]!["campaign"]!["zebra"] = 10;
        var put = await HttpAssert.OkJsonAsync(
            await owner.Client.PutAsync("/api/classification/rules", Giving.Json(rules)),
            HttpStatusCode.Accepted
        );
        Assert.Equal("applying", put.GetProperty("status").GetString());

        // Run the job as Hangfire would: ids only.
        using (var scope = app.Services.CreateScope())
        {
            await scope
                .ServiceProvider.GetRequiredService<ReclassifyPortfolioJob>()
                .RunAsync(owner.FunderId, put.GetProperty("revision").GetInt64(), CancellationToken.None);
        }

        Assert.Equal("campaign", await PurposeAsync(owner, "Z-1"));
        Assert.Equal(
            "owner-1",
            (await owner.Client.GetFromJsonAsync<JsonElement>("/api/grants/Z-1"))
                .GetProperty("classification")
                .GetProperty("ruleSetVersion")
                .GetString()
        );
        var z2 = (await owner.Client.GetFromJsonAsync<JsonElement>("/api/grants/Z-2"))
            .GetProperty("classification")
            .GetProperty("purpose");
        Assert.Equal("prevention", z2.GetProperty("value").GetString());
        Assert.Equal("manual", z2.GetProperty("source").GetString());
        Assert.Equal("unclassified", await PurposeAsync(other, "Z-1")); // the other funder keeps the default rules
        Assert.Equal(
            "applied",
            (await owner.Client.GetFromJsonAsync<JsonElement>("/api/classification/rules"))
                .GetProperty("status")
                .GetString()
        );
        Assert.Equal(
            RuleSet.Default.Version,
            (await other.Client.GetFromJsonAsync<JsonElement>("/api/classification/rules"))
                .GetProperty("version")
                .GetString()
        );

        // New grants are classified with the funder's rules at once.
        await HttpAssert.OkJsonAsync(await owner.Client.PostPackageAsync(Giving.Package(ZebraGrant("Z-3"))));
        Assert.Equal("campaign", await PurposeAsync(owner, "Z-3"));

        // Removing the correction hands Z-2 back to the rules.
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await owner.Client.DeleteAsync("/api/grants/Z-2/classification")).StatusCode
        );
        Assert.Equal("campaign", await PurposeAsync(owner, "Z-2"));
    }

    [Fact]
    public async Task Running_the_reclassify_job_twice_or_for_a_superseded_rule_set_changes_nothing()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(ZebraGrant("S-1"))));
        var rules = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        rules["version"] = "s-1";
        rules["purpose"]!["terms"]!["campaign"]!["zebra"] = 10;
        var first = (
            await HttpAssert.OkJsonAsync(
                await tenant.Client.PutAsync("/api/classification/rules", Giving.Json(rules)),
                HttpStatusCode.Accepted
            )
        )
            .GetProperty("revision")
            .GetInt64();
        rules["version"] = "s-2";
        rules["purpose"]!["terms"]!["campaign"]!.AsObject().Remove("zebra");
        rules["purpose"]!["terms"]!["collective"]!["zebra"] = 10;
        var second = (
            await HttpAssert.OkJsonAsync(
                await tenant.Client.PutAsync("/api/classification/rules", Giving.Json(rules)),
                HttpStatusCode.Accepted
            )
        )
            .GetProperty("revision")
            .GetInt64();

        using var scope = app.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<ReclassifyPortfolioJob>();
        await job.RunAsync(tenant.FunderId, second, CancellationToken.None);
        Assert.Equal("collective", await PurposeAsync(tenant, "S-1"));

        await job.RunAsync(tenant.FunderId, first, CancellationToken.None); // superseded: must not apply the old rules
        await job.RunAsync(tenant.FunderId, second, CancellationToken.None); // already applied: nothing
        Assert.Equal("collective", await PurposeAsync(tenant, "S-1"));
        await job.RunAsync(tenant.FunderId + 1_000_000, second, CancellationToken.None); // not this funder's rule set: nothing
        Assert.Equal("collective", await PurposeAsync(tenant, "S-1"));
    }

    [Fact]
    public async Task An_invalid_rule_set_is_refused_with_every_problem_at_its_path_and_nothing_changes()
    {
        var tenant = await app.CreateTenantAsync();
        var rules = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        rules["version"] = "";
        rules["purpose"]!["terms"]!["campaign"]!["lobbying"] = 99;
        rules["purpose"]!["terms"]!["bribery"] = new JsonObject { ["x"] = 1 };

        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsync("/api/classification/rules", Giving.Json(rules)),
            HttpStatusCode.BadRequest
        );

        var keys = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.True(keys.Count >= 3, string.Join(", ", keys));
        Assert.Contains(keys, k => k.Contains("version", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Contains("lobbying", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Contains("bribery", StringComparison.Ordinal));
        Assert.Equal(
            "default",
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/classification/rules"))
                .GetProperty("status")
                .GetString()
        );

        await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsync("/api/classification/rules", Giving.Json(JsonValue.Create(5)!)),
            HttpStatusCode.BadRequest
        );
        var same = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/classification/rules"))!["rules"]!;
        await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsync("/api/classification/rules", Giving.Json(same)),
            HttpStatusCode.Conflict
        );
    }

    [Fact]
    public async Task The_review_queue_lists_undecided_grants_until_a_person_decides()
    {
        var tenant = await app.CreateTenantAsync();
        var clear = Giving.Grant("Q-clear", title: "Emergency relocation after death threats");
        clear["description"] = "Urgent relocation after an armed attack.";
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(ZebraGrant("Q-1"), clear)));

        var queue = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/classification/review");
        var ids = queue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Contains("Q-1", ids);
        Assert.DoesNotContain("Q-clear", ids);
        Assert.Contains(
            "purpose",
            queue
                .GetProperty("items")
                .EnumerateArray()
                .Single(i => i.GetProperty("id").GetString() == "Q-1")
                .GetProperty("needs")
                .EnumerateArray()
                .Select(n => n.GetString())
        );

        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsJsonAsync(
                "/api/grants/Q-1/classification",
                new
                {
                    purpose = "collective",
                    level = "local",
                    reason = "Reviewed.",
                }
            )
        );
        var after = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/classification/review");
        Assert.DoesNotContain(
            "Q-1",
            after.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString())
        );
    }

    [Theory]
    [InlineData("{}", "level")]
    [InlineData("{\"level\":\"planetary\",\"reason\":\"x\"}", "level")]
    [InlineData("{\"purpose\":\"bribery\",\"reason\":\"x\"}", "purpose")]
    [InlineData("{\"purpose\":\"campaign\"}", "reason")]
    public async Task A_bad_correction_is_a_validation_problem_and_changes_nothing(string body, string field)
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(ZebraGrant("BC-1"))));

        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsync(
                "/api/grants/BC-1/classification",
                new StringContent(body, System.Text.Encoding.UTF8, "application/json")
            ),
            HttpStatusCode.BadRequest
        );

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(
            "rule",
            (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/BC-1"))
                .GetProperty("classification")
                .GetProperty("purpose")
                .GetProperty("source")
                .GetString()
        );
    }

    [Fact]
    public async Task One_funder_cannot_read_or_change_anothers_rules_corrections_or_review_queue()
    {
        var owner = await app.CreateTenantAsync();
        var other = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await owner.Client.PostPackageAsync(Giving.Package(ZebraGrant("I-1"))));
        await HttpAssert.OkJsonAsync(
            await owner.Client.PutAsJsonAsync(
                "/api/grants/I-1/classification",
                new { level = "regional", reason = "Owner's call." }
            )
        );

        await HttpAssert.ProblemAsync(
            await other.Client.PutAsJsonAsync(
                "/api/grants/I-1/classification",
                new { level = "global", reason = "Hostile." }
            ),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await other.Client.DeleteAsync("/api/grants/I-1/classification"),
            HttpStatusCode.NotFound
        );
        Assert.Empty(
            (await other.Client.GetFromJsonAsync<JsonElement>("/api/classification/review"))
                .GetProperty("items")
                .EnumerateArray()
        );
        Assert.Equal(
            "regional",
            (await owner.Client.GetFromJsonAsync<JsonElement>("/api/grants/I-1"))
                .GetProperty("classification")
                .GetProperty("level")
                .GetProperty("value")
                .GetString()
        );

        var officer = await app.AddKeyAsync(owner, Roles.Officer);
        await HttpAssert.ProblemAsync(
            await officer.Client.PutAsJsonAsync(
                "/api/grants/I-1/classification",
                new { level = "local", reason = "Officer." }
            ),
            HttpStatusCode.Forbidden
        );
    }

    [Fact]
    public async Task Other_is_decided_corrected_and_reported_beside_the_protection_purposes()
    {
        var tenant = await app.CreateTenantAsync();
        var music = Giving.Grant("O-1", 3000m, "GBP", "2024-05-01", "Music lessons for young people");
        music["description"] = "Weekly music lessons and a summer concert for young people in the village hall.";
        var protection = Giving.Grant("O-2", 1000m, "GBP", "2024-05-01");
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(music, protection)));
        Assert.Equal("other", await PurposeAsync(tenant, "O-1"));
        Assert.Equal("prevention", await PurposeAsync(tenant, "O-2"));

        var mix = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/mix?from=2024-01-01&to=2024-12-31&currency=GBP&groupBy=purpose")
        );
        Assert.Contains(mix.GetProperty("cells").EnumerateArray(), c =>
            c.GetProperty("key").GetProperty("purpose").GetString() == "other"
        );
        Assert.Equal(1000m, mix.GetProperty("protection").GetProperty("amount").GetDecimal());
        var purposes = mix.GetProperty("purposes")
            .EnumerateArray()
            .ToDictionary(p => p.GetProperty("purpose").GetString()!);
        Assert.Equal(75m, purposes["other"].GetProperty("share").GetDecimal());
        Assert.True(
            !purposes["other"].TryGetProperty("shareOfProtection", out var none) || none.ValueKind == JsonValueKind.Null
        );
        Assert.Equal(25m, purposes["prevention"].GetProperty("share").GetDecimal());
        Assert.Equal(100m, purposes["prevention"].GetProperty("shareOfProtection").GetDecimal());

        // A person can say "not protection": the correction takes `other` and the mix follows it.
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsJsonAsync(
                "/api/grants/by-id/O-2/classification",
                new { purpose = "other", reason = "Board minutes: core costs, no security component." }
            )
        );
        var after = await HttpAssert.OkJsonAsync(
            await tenant.Client.GetAsync("/api/audit/mix?from=2024-01-01&to=2024-12-31&currency=GBP&groupBy=purpose")
        );
        Assert.Equal(0m, after.GetProperty("protection").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task The_review_queue_says_why_a_grant_is_unclassified()
    {
        var tenant = await app.CreateTenantAsync();
        var nowhere = Giving.Grant("W-1", title: "Music lessons");
        nowhere.Remove("description");
        nowhere.Remove("grantProgramme");
        nowhere.Remove("beneficiaryLocation");
        nowhere.Remove("recipientOrganization");
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(nowhere)));

        var item = (await tenant.Client.GetFromJsonAsync<JsonElement>("/api/classification/review"))
            .GetProperty("items")
            .EnumerateArray()
            .Single(i => i.GetProperty("id").GetString() == "W-1");
        var reasons = item.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Contains(reasons, r => r.StartsWith("level: unclassified: no place known", StringComparison.Ordinal));
        Assert.Contains(reasons, r =>
            r.StartsWith("purpose: unclassified: no activity words", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task A_published_grant_with_both_id_and_ID_loads_and_keeps_ID_as_an_unknown_field()
    {
        var tenant = await app.CreateTenantAsync();
        var grant = Giving.Grant("CASE-1");
        grant["ID"] = "internal-77"; // GrantNav's COVID files carry both
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(grant)));

        var stored = await tenant.Client.GetFromJsonAsync<JsonElement>("/api/grants/by-id/CASE-1");
        Assert.Equal("CASE-1", stored.GetProperty("id").GetString());
        Assert.Equal("internal-77", stored.GetProperty("ID").GetString());
    }

    private static async Task<string?> PurposeAsync(Tenant tenant, string id) =>
        (await tenant.Client.GetFromJsonAsync<JsonElement>($"/api/grants/{id}"))
            .GetProperty("classification")
            .GetProperty("purpose")
            .GetProperty("value")
            .GetString();
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteClassificationApiTests(SqliteApp app) : ClassificationApiTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresClassificationApiTests(PostgresApp app) : ClassificationApiTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerClassificationApiTests(SqlServerApp app)
    : ClassificationApiTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif

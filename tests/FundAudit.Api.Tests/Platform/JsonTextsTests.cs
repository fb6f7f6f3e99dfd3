using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// The rule for the texts of every JSON body (JsonTexts): a text holding U+0000, or a lone surrogate in a document
/// read as JSON, is a 400 naming its JSON path, on every engine, and nothing is stored. HostileInputSweepTests sends
/// it to every operation; these send it inside bodies that are otherwise valid.
/// </summary>
public abstract class JsonTextsTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_nul_character_in_a_valid_body_is_refused_naming_the_field_and_nothing_is_stored()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = "nul-" + Guid.NewGuid().ToString("N")[..10];
        var fund = new JsonObject
        {
            ["slug"] = slug,
            ["name"] = "Rapid\u0000Fund",
            ["currency"] = "USD",
            ["maxAmount"] = 2000,
            ["languages"] = new JsonArray("es", "e\u0000n"),
        };

        var problem = await HttpAssert.ProblemAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(fund)),
            HttpStatusCode.BadRequest
        );

        var errors = problem.GetProperty("errors");
        Assert.Equal(ProblemText.Get("Text_Nul", "en"), errors.GetProperty("name")[0].GetString());
        Assert.True(errors.TryGetProperty("languages[1]", out _));
        Assert.Equal(2, errors.EnumerateObject().Count());
        var funds = await (await admin.Client.GetAsync("/api/funds")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(slug, funds, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_rule_set_is_a_400_naming_its_path_not_a_500()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        const string rules = """{"version": "2026.12-x", "purpose": {"prevention": {"terms": ["ok", "a\ud800b"]}}}""";

        var problem = await HttpAssert.ProblemAsync(
            await admin.Client.PostAsync(
                "/api/classification/rules/dry-run",
                new StringContent(rules, Encoding.UTF8, "application/json")
            ),
            HttpStatusCode.BadRequest
        );

        var errors = problem.GetProperty("errors");
        Assert.Equal(
            ProblemText.Get("Text_Surrogate", "en"),
            errors.GetProperty("purpose.prevention.terms[1]")[0].GetString()
        );
        Assert.Single(errors.EnumerateObject());
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_field_kept_as_sent_is_refused_where_a_nul_is_kept()
    {
        var tenant = await app.CreateTenantAsync();
        var grant = Giving.Grant("S-1").ToJsonString();
        var body =
            "{\"grants\": ["
            + grant[..^1]
            + """, "note": "a\u0000b", "explicitClassification": {"level": "loc\udc00al"}}]}""";

        var problem = await HttpAssert.ProblemAsync(
            await tenant.Client.PostAsync("/api/grants", new StringContent(body, Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest
        );

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("grants[0].explicitClassification.level", out _), errors.ToString());
        Assert.Single(errors.EnumerateObject());
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }
}

public sealed class SqliteJsonTextsTests(SqliteApp app) : JsonTextsTests<SqliteApp>(app);

public sealed class PostgresJsonTextsTests(PostgresApp app) : JsonTextsTests<PostgresApp>(app);

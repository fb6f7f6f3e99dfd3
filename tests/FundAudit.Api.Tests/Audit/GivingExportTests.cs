using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Tests.GrantIngest;
using FundAudit.Api.Tests.Infrastructure;
using static FundAudit.Api.Tests.Infrastructure.AuditGrants;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// Publishing back (issue 14, item 6): GET /api/audit/export/360giving.json and .csv validate against the 360Giving
/// schema, carry FundAudit's classification, and anonymise the grants marked sensitive (PUT
/// /api/grants/by-id/{id}/sensitive) so that none of their names, identifiers or places is in the bytes.
/// </summary>
public abstract class GivingExportTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private const string Period = "from=2024-01-01&to=2025-12-31";

    /// <summary>What the sensitive grant holds and no export of it may show (ASCII, so the raw bytes can be searched
    /// whatever the JSON escaping).</summary>
    private static readonly string[] Canaries =
    [
        "SECRET-GRANT-7",
        "Kestrel Defenders Collective",
        "XI-KESTREL-4411",
        "CHC-KESTREL-9",
        "CO-KESTREL-8",
        "12 Kestrel Lane",
        "Kestrelton",
        "KS1 4RL",
        "kestrel.example.org",
        "Valle de Kestrel",
        "HN-KE",
        "Night escort plan",
        "Kestrel shelter",
    ];

    private static JsonObject SensitiveGrant()
    {
        var g = Prevention("SECRET-GRANT-7", 4000m, "USD", "2025-02-10");
        g["title"] = "Kestrel shelter and security training for defenders";
        g["description"] = "Night escort plan and digital security protection for the collective in Valle de Kestrel.";
        g["url"] = "https://kestrel.example.org/grant";
        g["recipientOrganization"] = new JsonArray(
            new JsonObject
            {
                ["id"] = "XI-KESTREL-4411",
                ["name"] = "Kestrel Defenders Collective",
                ["charityNumber"] = "CHC-KESTREL-9",
                ["companyNumber"] = "CO-KESTREL-8",
                ["streetAddress"] = "12 Kestrel Lane",
                ["addressLocality"] = "Kestrelton",
                ["postalCode"] = "KS1 4RL",
                ["addressCountry"] = "HN",
                ["url"] = "https://kestrel.example.org",
            }
        );
        g["beneficiaryLocation"] = new JsonArray(
            new JsonObject
            {
                ["name"] = "Valle de Kestrel",
                ["countryCode"] = "HN",
                ["geoCode"] = "HN-KE",
            }
        );
        g["grantProgramme"] = new JsonArray(new JsonObject { ["title"] = "Kestrel shelter programme" });
        return g;
    }

    private async Task<Tenant> PortfolioAsync()
    {
        var tenant = await app.CreateTenantAsync();
        var open = Prevention("OPEN-1", 1500m, "GBP", "2024-06-01", core: true);
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(open, SensitiveGrant(), Emergency("OPEN-2", 700m, "EUR", "2025-03-01"))
            )
        );
        var marked = await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsync(
                "/api/grants/by-id/SECRET-GRANT-7/sensitive",
                Giving.Json(new JsonObject { ["sensitive"] = true })
            )
        );
        Assert.True(marked.GetProperty("sensitive").GetBoolean());
        return tenant;
    }

    private static void AssertNoCanary(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        foreach (var canary in Canaries)
        {
            Assert.DoesNotContain(canary, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_json_package_validates_and_anonymises_the_sensitive_grant()
    {
        var tenant = await PortfolioAsync();

        var response = await tenant.Client.GetAsync("/api/audit/export/360giving.json?" + Period);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("X-FundAudit-Anonymised-Grants")));
        var package = JsonNode.Parse(bytes)!.AsObject();
        Assert.Empty(GivingSchema.Problems(package));
        AssertNoCanary(bytes);
        Assert.Equal(1, package["fundAudit"]!["anonymisedGrants"]!.GetValue<long>());
        var grants = package["grants"]!.AsArray().Select(g => g!.AsObject()).ToList();
        Assert.Equal(3, grants.Count);
        var open = grants.Single(g => g["id"]!.GetValue<string>() == "OPEN-1");
        Assert.Equal("Colectivo de Defensores", open["recipientOrganization"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("GLS040", open["locationScope"]!.GetValue<string>());
        Assert.Equal(
            ["FundAudit:level=local", "FundAudit:purpose=prevention", "FundAudit:flexible=true"],
            open["classifications"]!.AsArray().Select(c => $"{c!["vocabulary"]}={c["code"]}").ToArray()
        );
        var hidden = grants.Single(g =>
            g["id"]!.GetValue<string>().StartsWith("360G-anonymised-", StringComparison.Ordinal)
        );
        Assert.Equal("Anonymous grantee", hidden["recipientOrganization"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("HN", hidden["recipientOrganization"]![0]!["addressCountry"]!.GetValue<string>());
        Assert.Equal("Honduras", hidden["beneficiaryLocation"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("Description withheld to protect the grantee.", hidden["description"]!.GetValue<string>());
        Assert.Equal(4000m, hidden["amountAwarded"]!.GetValue<decimal>());

        // The anonymised id is stable from one export to the next.
        var again = JsonNode.Parse(await tenant.Client.GetStringAsync("/api/audit/export/360giving.json?" + Period))!;
        Assert.Contains(again["grants"]!.AsArray(), g =>
            g!["id"]!.GetValue<string>() == hidden["id"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task The_flat_csv_validates_through_the_schemas_titles_and_anonymises_the_sensitive_grant()
    {
        var tenant = await PortfolioAsync();

        var response = await tenant.Client.GetAsync("/api/audit/export/360giving.csv?" + Period);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("X-FundAudit-Anonymised-Grants")));
        AssertNoCanary(bytes);
        var package = GivingSchema.Unflatten(Encoding.UTF8.GetString(bytes));
        Assert.Empty(GivingSchema.Problems(package));
        var grants = package["grants"]!.AsArray();
        Assert.Equal(3, grants.Count);
        Assert.Contains(grants, g =>
            g!["recipientOrganization"]![0]!["name"]!.GetValue<string>() == "Anonymous grantee"
        );
        Assert.Contains(grants, g =>
            g!["recipientOrganization"]![0]!["charityNumber"]?.GetValue<string>() == "kept-field"
        );
    }

    [Fact]
    public async Task Without_the_mark_the_same_grant_is_published_as_it_is()
    {
        var tenant = await PortfolioAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsync(
                "/api/grants/by-id/SECRET-GRANT-7/sensitive",
                Giving.Json(new JsonObject { ["sensitive"] = false })
            )
        );

        var response = await tenant.Client.GetAsync("/api/audit/export/360giving.json?" + Period);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("0", Assert.Single(response.Headers.GetValues("X-FundAudit-Anonymised-Grants")));
        Assert.Empty(GivingSchema.Problems(JsonNode.Parse(text)!));
        foreach (var canary in new[] { "SECRET-GRANT-7", "XI-KESTREL-4411", "KS1 4RL", "HN-KE", "Night escort plan" })
        {
            Assert.Contains(canary, text, StringComparison.Ordinal); // the search above would find them
        }

        var list = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/sensitive"));
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    /// <summary>A grant to a person as 360Giving publishes one: no organisation, the person named and identified
    /// by the publisher, with the reasons of a grant to an individual.</summary>
    private static JsonObject ToPerson(string id, string date)
    {
        var g = Emergency(id, 900m, "EUR", date);
        g.Remove("recipientOrganization");
        g["recipientIndividual"] = new JsonObject { ["id"] = "XI-PERSON-CANARY-5", ["name"] = "Ana Canary Lopez" };
        g["toIndividualsDetails"] = new JsonObject { ["primaryGrantReason"] = "GTIR020" };
        return g;
    }

    [Fact]
    public async Task A_grant_to_a_person_is_published_as_one_without_the_persons_name_identifier_or_reasons()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(
                Giving.Package(ToPerson("PERSON-1", "2025-04-02"), ToPerson("PERSON-2", "2025-05-02"))
            )
        );
        static async Task<string?> LevelAsync(HttpClient client) =>
            (await HttpAssert.OkJsonAsync(await client.GetAsync("/api/grants/by-id/PERSON-1")))
                .GetProperty("classification")
                .GetProperty("level")
                .GetProperty("value")
                .GetString();
        Assert.Equal("local", await LevelAsync(tenant.Client)); // a defender in Atlántida

        var json = await tenant.Client.GetByteArrayAsync("/api/audit/export/360giving.json?" + Period);
        var csv = await tenant.Client.GetByteArrayAsync("/api/audit/export/360giving.csv?" + Period);

        foreach (
            var (bytes, package) in new[]
            {
                (json, JsonNode.Parse(json)!.AsObject()),
                (csv, GivingSchema.Unflatten(Encoding.UTF8.GetString(csv))),
            }
        )
        {
            Assert.Empty(GivingSchema.Problems(package));
            foreach (var canary in new[] { "Ana Canary", "XI-PERSON-CANARY-5", "GTIR020" })
            {
                Assert.DoesNotContain(canary, Encoding.UTF8.GetString(bytes), StringComparison.OrdinalIgnoreCase);
            }

            var people = package["grants"]!.AsArray().Select(g => g!["recipientIndividual"]!).ToList();
            Assert.All(package["grants"]!.AsArray(), g => Assert.Null(g!["recipientOrganization"]));
            Assert.All(package["grants"]!.AsArray(), g => Assert.Null(g!["toIndividualsDetails"]));
            Assert.All(people, p => Assert.Equal("Individual Recipient", p["name"]!.GetValue<string>()));
            Assert.Single(people.Select(p => p["id"]!.GetValue<string>()).Distinct()); // one person, one pseudonym
        }

        // Published back and read again (another funder), the grant is still a grant to a person, at the same level.
        var reader = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await reader.Client.PostPackageAsync(JsonNode.Parse(json)!));
        Assert.Equal("local", await LevelAsync(reader.Client));

        // The flat CSV through the import job: a person again, one pseudonym for the person's two grants.
        var fromCsv = await app.CreateTenantAsync();
        var import = await JsonImports.ImportAsync(app, fromCsv, Encoding.UTF8.GetString(csv), mediaType: "text/csv");
        Assert.Equal("succeeded", import.GetProperty("status").GetString());
        Assert.Equal("local", await LevelAsync(fromCsv.Client));
        var republished = JsonNode.Parse(
            await fromCsv.Client.GetStringAsync("/api/audit/export/360giving.json?" + Period)
        )!["grants"]!.AsArray();
        Assert.Single(republished.Select(g => g!["recipientIndividual"]!["id"]!.GetValue<string>()).Distinct());
    }

    [Fact]
    public async Task A_sensitive_grant_to_a_person_is_anonymised_like_any_other()
    {
        var tenant = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PostPackageAsync(Giving.Package(ToPerson("PERSON-3", "2025-04-02")))
        );
        await HttpAssert.OkJsonAsync(
            await tenant.Client.PutAsync(
                "/api/grants/by-id/PERSON-3/sensitive",
                Giving.Json(new JsonObject { ["sensitive"] = true })
            )
        );

        foreach (var format in new[] { "json", "csv" })
        {
            var bytes = await tenant.Client.GetByteArrayAsync($"/api/audit/export/360giving.{format}?" + Period);
            var text = Encoding.UTF8.GetString(bytes);
            foreach (var canary in new[] { "PERSON-3", "Ana Canary", "XI-PERSON-CANARY-5", "GTIR020", "Atl" })
            {
                Assert.DoesNotContain(canary, text, StringComparison.OrdinalIgnoreCase);
            }

            var package = format == "json" ? JsonNode.Parse(bytes)!.AsObject() : GivingSchema.Unflatten(text);
            Assert.Empty(GivingSchema.Problems(package));
            var grant = Assert.Single(package["grants"]!.AsArray())!;
            Assert.Null(grant["recipientIndividual"]);
            Assert.Equal("Anonymous grantee", grant["recipientOrganization"]![0]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Another_funder_cannot_mark_list_or_export_these_grants()
    {
        var tenant = await PortfolioAsync();
        var other = await app.CreateTenantAsync();
        await HttpAssert.OkJsonAsync(await other.Client.PostPackageAsync(Giving.Package(Zebra("THEIRS-1"))));

        await HttpAssert.ProblemAsync(
            await other.Client.PutAsync(
                "/api/grants/by-id/OPEN-1/sensitive",
                Giving.Json(new JsonObject { ["sensitive"] = true })
            ),
            HttpStatusCode.NotFound
        );
        var theirs = JsonNode.Parse(await other.Client.GetStringAsync("/api/audit/export/360giving.json?" + Period))!;
        Assert.Equal(["THEIRS-1"], theirs["grants"]!.AsArray().Select(g => g!["id"]!.GetValue<string>()).ToArray());
        var list = await HttpAssert.OkJsonAsync(await other.Client.GetAsync("/api/grants/sensitive"));
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        var mine = await HttpAssert.OkJsonAsync(await tenant.Client.GetAsync("/api/grants/sensitive"));
        Assert.Equal("SECRET-GRANT-7", mine.GetProperty("items")[0].GetProperty("id").GetString());
        var exported = await tenant.Client.GetStringAsync("/api/audit/export/360giving.csv?" + Period);
        Assert.DoesNotContain("THEIRS-1", exported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_is_a_problem_that_says_where()
    {
        var tenant = await PortfolioAsync();

        var noValue = await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsync("/api/grants/by-id/OPEN-1/sensitive", Giving.Json(new JsonObject())),
            HttpStatusCode.BadRequest
        );
        Assert.True(
            noValue.GetProperty("errors").TryGetProperty("Sensitive", out _)
                || noValue.GetProperty("errors").TryGetProperty("sensitive", out _),
            noValue.ToString()
        );
        var noPeriod = await HttpAssert.ProblemAsync(
            await tenant.Client.GetAsync("/api/audit/export/360giving.json"),
            HttpStatusCode.BadRequest
        );
        Assert.True(noPeriod.GetProperty("errors").TryGetProperty("from", out _), noPeriod.ToString());
        await HttpAssert.ProblemAsync(
            await tenant.Client.GetAsync("/api/audit/export/360giving.csv?from=1990-01-01&to=1990-12-31"),
            HttpStatusCode.NotFound
        );
        await HttpAssert.ProblemAsync(
            await tenant.Client.PutAsync(
                "/api/grants/by-id/NO-SUCH-GRANT/sensitive",
                Giving.Json(new JsonObject { ["sensitive"] = true })
            ),
            HttpStatusCode.NotFound
        );
    }

    [Fact]
    public async Task A_flat_file_round_trip_keeps_every_standard_property_the_publisher_gave()
    {
        var publisher = await app.CreateTenantAsync();
        var grant = Prevention("ROUND-1", 2500m, "GBP", "2025-01-15");
        grant["url"] = "https://round.example.org/grant";
        var recipient = new JsonObject
        {
            ["id"] = "GB-CHC-1234567",
            ["name"] = "Round Trip Trust",
            ["charityNumber"] = "1234567",
            ["companyNumber"] = "07654321",
            ["streetAddress"] = "1 Round Street",
            ["addressLocality"] = "Roundton",
            ["addressRegion"] = "Roundshire",
            ["addressCountry"] = "GB",
            ["postalCode"] = "RT1 2AB",
            ["organisationType"] = "Charitable Incorporated Organisation", // as Power to Change publishes it
            ["url"] = "https://round.example.org",
        };
        grant["amountAppliedFor"] = 3000;
        grant["plannedDates"] = new JsonArray(
            new JsonObject
            {
                ["startDate"] = "2025-02-01",
                ["endDate"] = "2026-01-31",
                ["duration"] = 12,
            }
        );
        grant["grantProgramme"] = new JsonArray(
            new JsonObject
            {
                ["code"] = "RP-1",
                ["title"] = "Round programme",
                ["url"] = "https://round.example.org/programme",
            }
        );
        grant["fromOpenCall"] = "Y"; // as Lloyds Bank Foundation publishes it: published back as "Yes"
        grant["dateModified"] = "2025-02-01T10:00:00+00:00";
        grant["dataSource"] = "https://round.example.org/data.json";
        var extras = grant.DeepClone().AsObject();
        extras["fromOpenCall"] = "Yes";
        recipient["description"] = "A trust that goes round";
        grant["recipientOrganization"] = new JsonArray(recipient.DeepClone());
        grant["fundingOrganization"] = new JsonArray(
            new JsonObject
            {
                ["id"] = "GB-CHC-7654321",
                ["name"] = "Round Funder",
                ["department"] = "Grants Team",
            }
        );
        await HttpAssert.OkJsonAsync(await publisher.Client.PostPackageAsync(Giving.Package(grant)));
        var csv = await publisher.Client.GetStringAsync("/api/audit/export/360giving.csv?" + Period);
        Assert.Contains("Recipient Org:Charity Number", csv, StringComparison.Ordinal);

        // The flat CSV imported by another funder (its standard columns the import does not read are kept aside),
        // then published again: every one of them where the standard puts it, as from the JSON package.
        var reader = await app.CreateTenantAsync();
        var import = await JsonImports.ImportAsync(app, reader, csv, mediaType: "text/csv");
        Assert.Equal("succeeded", import.GetProperty("status").GetString());
        var package = JsonNode.Parse(await reader.Client.GetStringAsync("/api/audit/export/360giving.json?" + Period))!;
        Assert.Empty(GivingSchema.Problems(package.AsObject()));
        var republished = Assert.Single(package["grants"]!.AsArray())!;
        Assert.Equal("https://round.example.org/grant", republished["url"]?.GetValue<string>());
        var organisation = republished["recipientOrganization"]![0]!.AsObject();
        foreach (var (name, value) in recipient)
        {
            Assert.Equal(value!.GetValue<string>(), organisation[name]?.GetValue<string>());
        }

        Assert.Equal("Grants Team", republished["fundingOrganization"]![0]!["department"]?.GetValue<string>());
        foreach (
            var name in new[]
            {
                "amountAppliedFor",
                "plannedDates",
                "grantProgramme",
                "fromOpenCall",
                "dateModified",
                "dataSource",
            }
        )
        {
            Assert.True(
                JsonNode.DeepEquals(extras[name], republished[name]),
                $"{name}: {republished[name]?.ToJsonString()}"
            );
        }

        // Marked sensitive, the same grant keeps none of them.
        await HttpAssert.OkJsonAsync(
            await reader.Client.PutAsync(
                "/api/grants/by-id/ROUND-1/sensitive",
                Giving.Json(new JsonObject { ["sensitive"] = true })
            )
        );
        var anonymous = await reader.Client.GetStringAsync("/api/audit/export/360giving.json?" + Period);
        foreach (var kept in new[] { "1234567", "07654321", "Round Street", "Roundton", "RT1 2AB", "round.example" })
        {
            Assert.DoesNotContain(kept, anonymous, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_web_address_written_without_its_scheme_is_published_with_http()
    {
        // As real publishers write them (Lloyds Bank Foundation's "www.…" recipients): the schema's URI fields need a
        // scheme, so the export gives one rather than dropping the address; what is no web address stays out.
        var publisher = await app.CreateTenantAsync();
        var grant = Prevention("SCHEMELESS-1", 900m, "GBP", "2025-01-20");
        grant["url"] = " www.schemeless.example.org/grants/1 ";
        grant["dataSource"] = "schemeless.example.org/data.json";
        grant["grantProgramme"] = new JsonArray(
            new JsonObject { ["title"] = "Open", ["url"] = "https://schemeless.example.org/open" }
        );
        grant["recipientOrganization"] = new JsonArray(
            new JsonObject
            {
                ["id"] = "GB-CHC-1112223",
                ["name"] = "Schemeless Trust",
                ["url"] = "schemeless-trust.org.uk",
            }
        );
        var notAddresses = new[] { "info@schemeless.example.org", "N/A", "see our website", "ftp://files.example.org" };
        var others = notAddresses.Select(
            (text, i) =>
            {
                var other = Prevention($"SCHEMELESS-NOT-{i}", 100m, "GBP", "2025-01-21");
                other["url"] = text;
                return other;
            }
        );
        await HttpAssert.OkJsonAsync(await publisher.Client.PostPackageAsync(Giving.Package([grant, .. others])));

        var package = JsonNode.Parse(
            await publisher.Client.GetStringAsync("/api/audit/export/360giving.json?" + Period)
        )!;
        Assert.Empty(GivingSchema.Problems(package.AsObject()));
        var byId = package["grants"]!.AsArray().ToDictionary(g => g!["id"]!.GetValue<string>(), g => g!);
        var published = byId["SCHEMELESS-1"];
        Assert.Equal("http://www.schemeless.example.org/grants/1", published["url"]?.GetValue<string>());
        Assert.Equal("http://schemeless.example.org/data.json", published["dataSource"]?.GetValue<string>());
        Assert.Equal(
            "https://schemeless.example.org/open",
            published["grantProgramme"]![0]!["url"]?.GetValue<string>()
        );
        Assert.Equal(
            "http://schemeless-trust.org.uk",
            published["recipientOrganization"]![0]!["url"]?.GetValue<string>()
        );
        for (var i = 0; i < notAddresses.Length; i++)
        {
            Assert.Null(byId[$"SCHEMELESS-NOT-{i}"]["url"]);
        }

        var csv = await publisher.Client.GetStringAsync("/api/audit/export/360giving.csv?" + Period);
        Assert.Contains("http://www.schemeless.example.org/grants/1", csv, StringComparison.Ordinal);
        Assert.Contains("http://schemeless-trust.org.uk", csv, StringComparison.Ordinal);
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteGivingExportTests(SqliteApp app) : GivingExportTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresGivingExportTests(PostgresApp app) : GivingExportTests<PostgresApp>(app);

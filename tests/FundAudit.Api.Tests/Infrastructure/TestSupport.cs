using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FundAudit.Api.Tests.Infrastructure;

internal static class RepoPaths
{
    /// <summary>The repository root: the folder holding FundAudit.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>../shared/data beside the repository (always there in CI).</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FundAudit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FundAudit.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Builds 360Giving grants for tests.</summary>
internal static class Giving
{
    public static JsonObject Grant(
        string id,
        decimal amount = 1000m,
        string currency = "GBP",
        string awardDate = "2024-05-01",
        string title = "Security training for defenders"
    ) =>
        new()
        {
            ["id"] = id,
            ["title"] = title,
            ["description"] = "Digital security and protection protocols for a network of land defenders.",
            ["currency"] = currency,
            ["amountAwarded"] = amount,
            ["awardDate"] = awardDate,
            ["recipientOrganization"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = "XI-EXAMPLE-1",
                    ["name"] = "Colectivo de Defensores",
                    ["addressCountry"] = "HN",
                    ["charityNumber"] = "kept-field",
                }
            ),
            ["beneficiaryLocation"] = new JsonArray(new JsonObject { ["name"] = "Atlántida", ["countryCode"] = "HN" }),
            ["fundingOrganization"] = new JsonArray(
                new JsonObject { ["id"] = "GB-CHC-000", ["name"] = "Example Fund" }
            ),
            ["grantProgramme"] = new JsonArray(new JsonObject { ["title"] = "Protection" }),
            ["dateModified"] = "2024-06-01T00:00:00+00:00",
        };

    public static JsonObject Package(params JsonObject[] grants) =>
        new() { ["grants"] = new JsonArray(grants.Select(g => g.DeepClone()).ToArray()) };

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");
}

internal static class HttpAssert
{
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        return json;
    }

    public static async Task<JsonElement> OkJsonAsync(
        HttpResponseMessage response,
        HttpStatusCode status = HttpStatusCode.OK
    )
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> PostPackageAsync(this HttpClient client, JsonNode package) =>
        client.PostAsync("/api/grants", Giving.Json(package));

    public static async Task<int> CountGrantsAsync(this HttpClient client)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>(
                "/api/grants?limit=500" + (cursor is null ? "" : "&cursor=" + cursor)
            );
            count += page.GetProperty("items").GetArrayLength();
            cursor = page.TryGetProperty("next", out var n) ? n.GetString() : null;
        } while (cursor is not null);
        return count;
    }
}

/// <summary>Grants the audit tests classify predictably: local prevention, emergency, and text no rule places.</summary>
internal static class AuditGrants
{
    /// <summary>Local prevention (the default test grant's text and place), optionally core support (flexible).</summary>
    public static JsonObject Prevention(string id, decimal amount, string currency, string date, bool core = false)
    {
        var g = Giving.Grant(id, amount, currency, date);
        if (core)
        {
            g["fundingType"] = new JsonArray(new JsonObject { ["title"] = "Core support" });
        }

        return g;
    }

    /// <summary>Local emergency relocation.</summary>
    public static JsonObject Emergency(string id, decimal amount, string currency, string date)
    {
        var g = Giving.Grant(id, amount, currency, date, "Emergency relocation after death threats");
        g["description"] = "Urgent relocation after an armed attack.";
        return g;
    }

    /// <summary>Text the default rules cannot place (purpose unclassified), so the grant is in the review queue.</summary>
    public static JsonObject Zebra(
        string id,
        decimal amount = 1000m,
        string currency = "GBP",
        string date = "2024-05-01",
        string title = "Zebra programme"
    )
    {
        var g = Giving.Grant(id, amount, currency, date, title);
        g.Remove("description");
        g.Remove("grantProgramme");
        return g;
    }
}

/// <summary>A defender's emergency request sent through the anonymous API form, and the fund it goes to, for tests
/// that need one to act on.</summary>
internal static class EmergencyForms
{
    /// <summary>Creates a fund as <paramref name="admin"/> (USD, a Spanish form; a second approval above
    /// <paramref name="threshold"/> when given) and answers its slug: <paramref name="slugPrefix"/>, a dash and ten
    /// random hex digits.</summary>
    public static async Task<string> CreateFundAsync(
        Tenant admin,
        string slugPrefix,
        string name = "Rapid Fund",
        decimal maxAmount = 2000m,
        decimal? threshold = null
    )
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["currency"] = "USD",
            ["maxAmount"] = maxAmount,
            ["languages"] = new JsonArray("es"),
        };
        if (threshold is not null)
        {
            body["secondApprovalThreshold"] = threshold;
        }

        return await CreateFundAsync(admin, slugPrefix, body);
    }

    /// <summary>Creates the fund <paramref name="body"/> describes as <paramref name="admin"/> (201 expected), its
    /// slug <paramref name="slugPrefix"/>, a dash and ten random hex digits; answers the slug.</summary>
    public static async Task<string> CreateFundAsync(Tenant admin, string slugPrefix, JsonObject body)
    {
        var slug = slugPrefix + "-" + Guid.NewGuid().ToString("N")[..10];
        body["slug"] = slug;
        await HttpAssert.OkJsonAsync(
            await admin.Client.PostAsync("/api/funds", Giving.Json(body)),
            HttpStatusCode.Created
        );
        return slug;
    }

    /// <summary>The body of the defender's form (fixed field names), in US dollars and Spanish.</summary>
    public static JsonObject Body(
        string urgency = "high",
        string country = "HN",
        string need = "legal",
        decimal amount = 500m,
        string situation = "Threatened after a hearing.",
        string handle = "+50400000000"
    ) =>
        new()
        {
            ["alias"] = "Ana",
            ["contact"] = new JsonObject { ["channel"] = "signal", ["handle"] = handle },
            ["country"] = country,
            ["urgency"] = urgency,
            ["situation"] = situation,
            ["need"] = need,
            ["amount"] = amount,
            ["currency"] = "USD",
            ["language"] = "es",
        };

    /// <summary>Submits a request to the fund and answers its reference.</summary>
    public static async Task<string> SubmitAsync(
        HttpClient anonymous,
        string slug,
        string urgency = "high",
        string country = "HN",
        string need = "legal",
        decimal amount = 500m,
        string situation = "Threatened after a hearing."
    )
    {
        var created = await HttpAssert.OkJsonAsync(
            await anonymous.PostAsync(
                $"/api/funds/{slug}/requests",
                Giving.Json(Body(urgency, country, need, amount, situation))
            ),
            HttpStatusCode.Created
        );
        return created.GetProperty("reference").GetString()!;
    }
}

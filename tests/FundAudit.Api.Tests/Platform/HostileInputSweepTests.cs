using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Http;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Every operation of the served OpenAPI document that takes a JSON body, sent hostile input (HostileBodies): never a
/// 5xx; every 4xx a ProblemDetails naming the field or the position; every answer one the document gives; and the
/// rows of every table (both SQLite files) as they were. No operation accepts any of these inputs today; one that
/// should would be listed in <see cref="Accepted"/> by operation id with the reason.
/// </summary>
public abstract class HostileInputSweepTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : FundAuditApp
{
    /// <summary>The operations with a JSON body when the sweep was written; a sweep that reaches fewer past
    /// authentication is testing less than it says.</summary>
    private const int OperationFloor = 30;

    /// <summary>(operation id, input) pairs a 2xx answer is right for: none.</summary>
    private static readonly HashSet<string> Accepted = new(StringComparer.Ordinal);

    /// <summary>Operations whose application/json body is a file, stored as it is and read later by a job (202 for
    /// any bytes up to the file limit, an import row and its upload stored): the job's refusals of hostile packages
    /// are tested with it (JsonImportsApiTests, JsonPackageReaderTests).</summary>
    private static readonly HashSet<string> FileUploads = new(StringComparer.Ordinal) { "UploadGrantImport" };

    [Fact]
    public async Task Every_json_operation_refuses_hostile_input_with_a_problem_naming_it_and_stores_nothing()
    {
        var world = await SweepWorld.CreateAsync(app);
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var failures = new List<string>();
        var reached = 0;
        var swept = 0;
        foreach (var (template, method, operation) in JsonOperations(document))
        {
            swept++;
            var id = operation["operationId"]!.GetValue<string>();
            var path = world.Fill(template);
            var client = world.ClientFor(id, operation);
            var before = await RowCounts.OfEveryTableAsync(app);
            var pastAuth = false;
            foreach (var input in HostileBodies.For(RequestSchema(document, operation), LimitOf(method, template)))
            {
                var answer = await SendAsync(client, method, path, input);
                pastAuth |= answer.Status is not (401 or 403);
                if (Judge(id, input, answer) is { } failure)
                {
                    failures.Add($"{id} ({method} {path}), {input.Name}: {failure}");
                }
            }

            reached += pastAuth ? 1 : 0;
            var after = await RowCounts.OfEveryTableAsync(app);
            failures.AddRange(RowCounts.Changes(before, after).Select(c => $"{id} ({method} {path}) changed {c}"));
        }

        Assert.True(swept >= OperationFloor, $"Only {swept} operations with a JSON body in the document.");
        Assert.True(reached >= OperationFloor, $"Only {reached} of {swept} operations reached past authentication.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Why an answer is wrong, or null when it is right.</summary>
    private static string? Judge(string operationId, HostileInput input, Answer answer)
    {
        if (answer.Violation is { } violation)
        {
            return violation;
        }

        if (answer.Status is >= 200 and < 300)
        {
            return Accepted.Contains($"{operationId} {input.Name}") ? null : $"accepted it ({answer.Status})";
        }

        if (answer.Status >= 500 || answer.Status < 400 || answer.Status is 401 or 403)
        {
            return $"answered {answer.Status}: {answer.Body}";
        }

        if (answer.MediaType != "application/problem+json")
        {
            return $"answered {answer.Status} as {answer.MediaType}, not ProblemDetails";
        }

        var problem = JsonNode.Parse(answer.Body)!;
        return input.Expects(answer.Status, problem)
            ? null
            : $"answered {answer.Status} without saying {input.Says}: {answer.Body}";
    }

    private static async Task<Answer> SendAsync(HttpClient client, string method, string path, HostileInput input)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = input.Content() };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        try
        {
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, null);
        }
        catch (ContractViolationException e)
        {
            return new Answer(0, null, "", e.Message);
        }
    }

    private static IEnumerable<(string Template, string Method, JsonNode Operation)> JsonOperations(JsonNode doc) =>
        doc["paths"]!
            .AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (p.Key, o.Key.ToUpperInvariant(), o.Value!)))
            .Where(o => o.Item3["requestBody"]?["content"]?["application/json"] is not null)
            .Where(o => !FileUploads.Contains(o.Item3["operationId"]!.GetValue<string>()));

    /// <summary>The request body's schema with its reference followed, for its top-level properties.</summary>
    private static JsonNode? RequestSchema(JsonNode document, JsonNode operation)
    {
        var schema = operation["requestBody"]!["content"]!["application/json"]!["schema"];
        while (schema?["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = document["components"]!["schemas"]![reference.Split('/')[^1]];
        }

        return schema;
    }

    /// <summary>The body limit of the endpoint (its own, else Limits:MaxJsonBodyBytes), as the service applies
    /// it.</summary>
    private long LimitOf(string method, string template)
    {
        var endpoint = app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .First(e =>
                Route(e.RoutePattern.RawText ?? "") == Route(template)
                && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) == true
            );
        return endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? app.Services.GetRequiredService<IOptions<HttpLimitsOptions>>().Value.MaxJsonBodyBytes;
    }

    /// <summary>A route template as the document writes it: no constraints, no doubled or trailing slashes.</summary>
    private static string Route(string template) =>
        "/"
        + System
            .Text.RegularExpressions.Regex.Replace(template, @"\{(\w+)[^}]*\}", "{$1}")
            .Replace("//", "/", StringComparison.Ordinal)
            .Trim('/');

    private sealed record Answer(int Status, string? MediaType, string Body, string? Violation);

    /// <summary>What the operations act on: a funder with an admin and a finance key, a fund, a defender's request,
    /// a grant.</summary>
    private sealed class SweepWorld
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public required Tenant Admin { get; init; }

        public required Tenant Finance { get; init; }

        public required HttpClient Anonymous { get; init; }

        public static async Task<SweepWorld> CreateAsync(TApp app)
        {
            var admin = await app.CreateTenantAsync(Roles.Admin);
            var world = new SweepWorld
            {
                Admin = admin,
                Finance = await app.AddKeyAsync(admin, Roles.Finance),
                Anonymous = app.CreateClient(),
            };
            var slug = await EmergencyForms.CreateFundAsync(admin, "sweep");
            world._values["slug"] = slug;
            world._values["reference"] = await EmergencyForms.SubmitAsync(world.Anonymous, slug);
            world._values["personId"] = admin.PersonId.ToString(CultureInfo.InvariantCulture);
            await HttpAssert.OkJsonAsync(await admin.Client.PostPackageAsync(Giving.Package(Giving.Grant("G-1"))));

            // The key owners' second factor exists before the first row count (the step-up handler makes it).
            await KeyStepUpHandler.FactorAsync(app, admin.FunderId, admin.PersonId);
            await KeyStepUpHandler.FactorAsync(app, admin.FunderId, world.Finance.PersonId);
            return world;
        }

        /// <summary>The path with its parameters: the world's fund, request, person and grant; 1 for the
        /// rest.</summary>
        public string Fill(string template)
        {
            var path = template;
            foreach (var (name, value) in _values)
            {
                path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
            }

            var id =
                template.StartsWith("/api/people", StringComparison.Ordinal) ? _values["personId"]
                : template.StartsWith("/api/grants", StringComparison.Ordinal) ? "G-1"
                : "1";
            return path.Replace("{id}", id, StringComparison.Ordinal);
        }

        /// <summary>Anonymous operations anonymously; disbursements with the finance key (admins do not move
        /// money); the rest with the admin key.</summary>
        public HttpClient ClientFor(string operationId, JsonNode operation) =>
            operation["security"] is JsonArray security && security.All(s => s!.AsObject().Count == 0) ? Anonymous
            : operationId == "RecordEmergencyDisbursement" ? Finance.Client
            : Admin.Client;
    }
}

public sealed class SqliteHostileInputSweepTests(SqliteApp app) : HostileInputSweepTests<SqliteApp>(app);

public sealed class PostgresHostileInputSweepTests(PostgresApp app) : HostileInputSweepTests<PostgresApp>(app);

/// <summary>The rows of every table of the service's databases (the main one and, on SQLite, the rapid-response
/// file), counted.</summary>
internal static class RowCounts
{
    public static async Task<Dictionary<string, long>> OfEveryTableAsync(FundAuditApp app)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (
            var (name, db) in new[]
            {
                ("main", app.Services.GetRequiredService<Db>()),
                ("rapid", app.Services.GetRequiredService<RapidResponseDb>()),
            }
        )
        {
            var tables = await db.QueryListAsync<string>(
                app.Provider == "sqlite"
                    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    : "SELECT table_name FROM information_schema.tables "
                        + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                null,
                CancellationToken.None
            );
            foreach (var table in tables)
            {
                counts[$"{name}.{table}"] = await db.ExecuteScalarAsync<long>(
                    $"SELECT COUNT(*) FROM \"{table}\"",
                    null,
                    CancellationToken.None
                );
            }
        }

        return counts;
    }

    public static IEnumerable<string> Changes(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after
            .Where(a => before.GetValueOrDefault(a.Key) != a.Value)
            .Select(a => $"{a.Key} from {before.GetValueOrDefault(a.Key)} to {a.Value} rows");
}

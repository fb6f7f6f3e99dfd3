using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Tests.Client;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Platform;

/// <summary>The committed openapi/fundaudit.v1.json is the contract: it must match what the service serves.</summary>
[Collection(SharedApps.Sqlite2)]
public sealed class OpenApiDocumentTests(SqliteApp app)
{
    private static readonly string CommittedPath = Path.Combine(RepoPaths.Root, "openapi", "fundaudit.v1.json");

    [Fact]
    public async Task The_live_document_matches_the_committed_file()
    {
        var live = Normalise(await app.CreateClient().GetStringAsync("/openapi/v1.json"));
        if (Updating)
        {
            await File.WriteAllTextAsync(CommittedPath, live);
            await File.WriteAllTextAsync(ClientGeneration.GeneratedPath, await ClientGeneration.GenerateAsync(live));
        }

        Assert.True(
            File.Exists(CommittedPath),
            $"{CommittedPath} is missing. Regenerate it: FUNDAUDIT_UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests"
        );
        var committed = Normalise(await File.ReadAllTextAsync(CommittedPath));
        Assert.True(
            committed == live,
            "The served OpenAPI document differs from openapi/fundaudit.v1.json. If the change is intended, regenerate the file with "
                + "'FUNDAUDIT_UPDATE_OPENAPI=1 dotnet test tests/FundAudit.Api.Tests --filter OpenApiDocumentTests' and commit it with the code."
        );
    }

    [Fact]
    public async Task The_committed_generated_client_is_the_one_the_committed_document_gives()
    {
        var expected = await ClientGeneration.GenerateAsync(await File.ReadAllTextAsync(CommittedPath));
        if (Updating)
        {
            await File.WriteAllTextAsync(ClientGeneration.GeneratedPath, expected);
        }

        Assert.True(
            expected == (await File.ReadAllTextAsync(ClientGeneration.GeneratedPath)).ReplaceLineEndings("\n"),
            "tests/FundAudit.Api.Tests/Client/FundAuditClient.g.cs is stale. Regenerate it with the document: "
                + "'FUNDAUDIT_UPDATE_OPENAPI=1 dotnet test tests/FundAudit.Api.Tests --filter OpenApiDocumentTests'."
        );
    }

    [Fact]
    public async Task Every_operation_is_named_summarised_tagged_and_secured_unless_anonymous()
    {
        var doc = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        Assert.Equal("bearer", doc["components"]!["securitySchemes"]!["ApiKey"]!["scheme"]!.GetValue<string>());
        var operations = doc["paths"]!
            .AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Op: o.Value!)))
            .ToList();
        Assert.NotEmpty(operations);
        foreach (var (path, method, op) in operations)
        {
            Assert.False(
                string.IsNullOrWhiteSpace(op["operationId"]?.GetValue<string>()),
                $"{method} {path} has no operationId"
            );
            Assert.False(
                string.IsNullOrWhiteSpace(op["summary"]?.GetValue<string>()),
                $"{method} {path} has no summary"
            );
            Assert.NotNull(op["tags"]);
            Assert.True(
                op["security"] is JsonArray { Count: > 0 },
                $"{method} {path} declares no security requirement"
            );
        }
    }

    private static bool Updating => Environment.GetEnvironmentVariable("FUNDAUDIT_UPDATE_OPENAPI") == "1";

    private static string Normalise(string json) =>
        JsonSerializer
            .Serialize(JsonNode.Parse(json), new JsonSerializerOptions { WriteIndented = true })
            .ReplaceLineEndings("\n") + "\n";
}

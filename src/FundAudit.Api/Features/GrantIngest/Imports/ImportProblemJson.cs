using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.GrantIngest.Csv;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// problems_json and warnings_json: each <see cref="ImportProblem"/> as the API returns it (<c>code</c>,
/// <c>message</c>, <c>column</c>, <c>row</c>) and, beside it, its keyed <c>text</c> (<see cref="RowText"/>) for the
/// console's languages. Problems stored without a <c>text</c> are read with none (the English message is shown).
/// </summary>
internal static class ImportProblemJson
{
    /// <summary>The stored form; null for no problems.</summary>
    public static string? Write(IReadOnlyList<ImportProblem> problems)
    {
        if (problems.Count == 0)
        {
            return null;
        }

        var array = new JsonArray();
        foreach (var problem in problems)
        {
            var node = JsonSerializer.SerializeToNode(problem, GrantMapping.StoredJson)!.AsObject();
            if (RowText.ToNode(problem.Text) is { } text)
            {
                node["text"] = text;
            }

            array.Add(node);
        }

        return array.ToJsonString(GrantMapping.StoredJson);
    }

    /// <summary>The problems read back, each with its keyed text when it was stored.</summary>
    public static IReadOnlyList<ImportProblem> Read(string? json)
    {
        if (string.IsNullOrEmpty(json) || JsonNode.Parse(json) is not JsonArray array)
        {
            return [];
        }

        var problems = new List<ImportProblem>(array.Count);
        foreach (var node in array)
        {
            if (node?.Deserialize<ImportProblem>(GrantMapping.StoredJson) is { } problem)
            {
                problems.Add(problem with { Text = RowText.FromNode(node["text"]) });
            }
        }

        return problems;
    }
}

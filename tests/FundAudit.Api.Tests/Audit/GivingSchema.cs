using System.Globalization;
using System.Text.Json.Nodes;
using Json.Schema;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The 360Giving schema of ../shared/data/360giving-standard (package and grant, standard 1.4.3), for JsonSchema.Net:
/// the files declare JSON Schema 2020-12 (the older standard was draft-04; these are not), but spell its meta-schema
/// with http://, which the library does not know, so the test reads them with https://. The package schema refers to
/// the grant schema by its published 1.4.2 address, registered here. Formats are asserted (the dates' oneOf of
/// date-time or a YYYY-MM-DD pattern needs it). A flat CSV is checked by turning it back into a package with the
/// schema's own titles (as flattentool does), never with the exporter's column list.
/// </summary>
internal static class GivingSchema
{
    private const string GrantRef =
        "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json";

    private static readonly Lazy<(JsonSchema Package, JsonObject Grant, EvaluationOptions Options)> Loaded = new(Load);

    public static string Folder => Path.Combine(Infrastructure.RepoPaths.SharedData, "360giving-standard");

    /// <summary>The schema's problems with a package; empty when it validates.</summary>
    public static IReadOnlyList<string> Problems(JsonNode package)
    {
        var (schema, _, options) = Loaded.Value;
        var result = schema.Evaluate(package, options);
        return result.IsValid
            ? []
            :
            [
                .. (result.Details ?? [])
                    .Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
                    .Take(20),
            ];
    }

    /// <summary>A 360Giving flat CSV (one grant per row) as a package, read through the schema's titles.</summary>
    public static JsonObject Unflatten(string csv)
    {
        var grantSchema = Loaded.Value.Grant;
        var rows = ReadCsv(csv);
        var header = rows[0];
        var grants = new JsonArray();
        foreach (var row in rows.Skip(1))
        {
            var grant = new JsonObject();
            for (var i = 0; i < header.Count; i++)
            {
                var cell = i < row.Count ? row[i] : "";
                if (cell.Length > 0)
                {
                    Put(grant, grantSchema, grantSchema, header[i].Split(':'), cell);
                }
            }

            grants.Add(grant);
        }

        return new JsonObject { ["grants"] = grants };
    }

    /// <summary>RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<List<string>> ReadCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else if (c != '\r')
            {
                cell.Append(c);
            }
        }

        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Sets <paramref name="titles"/> (e.g. Beneficiary Location, 0, Country Code) under
    /// <paramref name="target"/> by the properties whose titles they are.</summary>
    private static void Put(JsonObject target, JsonObject schema, JsonObject root, string[] titles, string cell)
    {
        var (name, property) = ByTitle(schema, root, titles[0]);
        var rest = titles[1..];
        if (property["type"]?.ToString() == "array")
        {
            var index = rest.Length > 0 && int.TryParse(rest[0], CultureInfo.InvariantCulture, out var n) ? n : 0;
            rest = rest.Length > 0 && int.TryParse(rest[0], CultureInfo.InvariantCulture, out _) ? rest[1..] : rest;
            var array = target[name] as JsonArray ?? (JsonArray)(target[name] = new JsonArray());
            while (array.Count <= index)
            {
                array.Add(new JsonObject());
            }

            Put((JsonObject)array[index]!, Resolve(property["items"]!.AsObject(), root), root, rest, cell);
            return;
        }

        if (rest.Length > 0)
        {
            var child = target[name] as JsonObject ?? (JsonObject)(target[name] = new JsonObject());
            Put(child, Resolve(property, root), root, rest, cell);
            return;
        }

        var types = property["type"]?.ToJsonString() ?? "";
        target[name] = types.Contains("number", StringComparison.Ordinal)
            ? JsonValue.Create(decimal.Parse(cell, CultureInfo.InvariantCulture))
            : JsonValue.Create(cell);
    }

    private static (string Name, JsonObject Property) ByTitle(JsonObject schema, JsonObject root, string title)
    {
        foreach (var (name, node) in Resolve(schema, root)["properties"]!.AsObject())
        {
            var property = node!.AsObject();
            var own = property["title"]?.GetValue<string>() ?? Resolve(property, root)["title"]?.GetValue<string>();
            if (string.Equals(own ?? name, title, StringComparison.OrdinalIgnoreCase))
            {
                return (name, property);
            }
        }

        throw new InvalidOperationException($"No property titled '{title}' in the 360Giving schema.");
    }

    private static JsonObject Resolve(JsonObject schema, JsonObject root) =>
        schema["$ref"]?.GetValue<string>() is { } reference
        && reference.StartsWith("#/$defs/", StringComparison.Ordinal)
            ? root["$defs"]![reference["#/$defs/".Length..]]!.AsObject()
            : schema;

    private static (JsonSchema, JsonObject, EvaluationOptions) Load()
    {
        static string Read(string file) =>
            File.ReadAllText(Path.Combine(Folder, file))
                .Replace(
                    "http://json-schema.org/draft/2020-12/schema",
                    "https://json-schema.org/draft/2020-12/schema",
                    StringComparison.Ordinal
                );

        var grantText = Read("360-giving-schema.json");
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        options.SchemaRegistry.Register(new Uri(GrantRef), JsonSchema.FromText(grantText));
        var package = JsonSchema.FromText(Read("360-giving-package-schema.json"));
        return (package, JsonNode.Parse(grantText)!.AsObject(), options);
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FundAudit.Api.Tests.Platform;

/// <summary>One hostile request body, and what the problem answering it must say.</summary>
internal sealed record HostileInput(
    string Name,
    Func<HttpContent> Content,
    string Says,
    Func<int, JsonNode, bool> Expects
);

/// <summary>
/// The hostile bodies of the sweep (HostileInputSweepTests), made from an operation's request schema: malformed JSON;
/// each top-level property of the wrong type; each number property as 1e400; each text property holding U+0000 or a
/// lone surrogate; a duplicate
/// property; an array nested 10,000 deep (as the body and under a property); a body one byte over the endpoint's
/// limit, declared and chunked.
/// </summary>
internal static partial class HostileBodies
{
    private const int Depth = 10_000;

    public static IEnumerable<HostileInput> For(JsonNode? schema, long limitBytes)
    {
        var properties = schema?["properties"]?.AsObject().Select(p => (p.Key, Types(p.Value))).ToList() ?? [];
        if (properties.Count == 0)
        {
            properties = [("version", ["string"])]; // a document without a schema (a rule set): one text property
        }

        var first = properties[0].Key;
        yield return Json("malformed JSON", $$"""{"{{first}}": "a",""", "where (line)", NamesPosition);
        foreach (var (name, types) in properties)
        {
            var wrong = types.Contains("boolean") ? "\"not a boolean\"" : "true";
            yield return Json($"{name} of the wrong type", $$"""{"{{name}}": {{wrong}}}""", name, Names(name));
            if (types.Contains("number") || types.Contains("integer"))
            {
                yield return Json($"{name} too large a number", $$"""{"{{name}}": 1e400}""", name, Names(name));
            }

            if (types.Contains("string"))
            {
                yield return Json($"{name} holding U+0000", $$"""{"{{name}}": "a\u0000b"}""", name, Names(name));
                yield return Json(
                    $"{name} holding a lone surrogate",
                    $$"""{"{{name}}": "a\ud800b"}""",
                    name,
                    Names(name)
                );
            }
        }

        yield return Json(
            "a duplicate property",
            $$"""{"{{first}}": 1, "{{first}}": 2}""",
            $"{first} or where",
            (status, problem) => Names(first)(status, problem) || NamesPosition(status, problem)
        );
        var deep = new string('[', Depth) + new string(']', Depth);
        yield return Json("an array 10,000 deep", deep, "where (line)", NamesPosition);
        yield return Json("an array 10,000 deep under a property", $$"""{"deep": {{deep}}}""", "where", NamesPosition);
        yield return new HostileInput(
            "a declared body over the limit",
            () => new FillerContent(limitBytes + 1, declared: true),
            "the limit",
            NamesLimit
        );
        yield return new HostileInput(
            "a chunked body over the limit",
            () => new FillerContent(limitBytes + 1, declared: false),
            "the limit",
            NamesLimit
        );
    }

    private static HostileInput Json(string name, string body, string says, Func<int, JsonNode, bool> expects) =>
        new(name, () => new StringContent(body, Encoding.UTF8, "application/json"), says, expects);

    private static string[] Types(JsonNode? schema) =>
        schema?["type"] switch
        {
            JsonArray many => [.. many.Select(t => t!.GetValue<string>())],
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };

    /// <summary>A 400 whose errors have the property (or a path under it) as a key, or whose detail names it as a
    /// JSON path or in quotes.</summary>
    private static Func<int, JsonNode, bool> Names(string property) =>
        (status, problem) =>
            status == 400
            && (
                (problem["errors"]?.AsObject().Any(e => IsPathOf(e.Key, property)) ?? false)
                || Regex.IsMatch(
                    problem["detail"]?.GetValue<string>() ?? "",
                    $@"\$\.{Regex.Escape(property)}\b|['""]{Regex.Escape(property)}['""]"
                )
            );

    private static bool IsPathOf(string key, string property)
    {
        var path = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key;
        return path == property
            || path.StartsWith(property + ".", StringComparison.Ordinal)
            || path.StartsWith(property + "[", StringComparison.Ordinal);
    }

    private static bool NamesPosition(int status, JsonNode problem) =>
        status == 400 && LinePosition().IsMatch(problem["detail"]?.GetValue<string>() ?? "");

    private static bool NamesLimit(int status, JsonNode problem) =>
        status == 413 && problem["limitBytes"] is JsonValue && problem["detail"] is JsonValue;

    [GeneratedRegex(@"line \d+")]
    private static partial Regex LinePosition();

    /// <summary>A JSON text of <c>length</c> bytes (<c>{"filler": "aaa…"}</c>), written as it is read, with its
    /// length declared or sent chunked.</summary>
    private sealed class FillerContent : HttpContent
    {
        private readonly long _length;
        private readonly bool _declared;

        public FillerContent(long length, bool declared)
        {
            _length = length;
            _declared = declared;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var head = """{"filler": """u8.ToArray();
            var chunk = Enumerable.Repeat((byte)'a', 64 * 1024).ToArray();
            try
            {
                await stream.WriteAsync(head);
                for (var left = _length - head.Length; left > 0; left -= chunk.Length)
                {
                    await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(left, chunk.Length)));
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The service answered without reading the rest: what a limit is for.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return _declared;
        }
    }
}

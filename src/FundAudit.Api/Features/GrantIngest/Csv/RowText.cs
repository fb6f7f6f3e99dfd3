using System.Text.Json;
using System.Text.Json.Nodes;

namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>
/// A row error's message as a <c>Row_*</c> key of ProblemText and its arguments (numbers and invariant text), so that
/// a console page says it in its own language while the stored English <c>message</c> stays what the API returns.
/// Where it is in a workbook is either <see cref="Cell"/>, kept exactly as written (<c>grants!F12</c>), or a keyed
/// <see cref="Place"/> (a row of the sheet, a linked sheet joined by identifier).
/// </summary>
/// <param name="Key">A ProblemText key.</param>
/// <param name="Args">The key's placeholders: strings, or whole numbers (formatted in the reader's culture).</param>
/// <param name="Cell">A cell reference, shown as is before the message.</param>
/// <param name="Place">A keyed place, shown in the page's language before the message.</param>
/// <param name="Then">A ProblemText key without placeholders said after the message (an optional value's problem,
/// then <c>Row_LeftEmpty</c>).</param>
internal sealed record RowText(
    string Key,
    IReadOnlyList<object> Args,
    string? Cell = null,
    RowText? Place = null,
    string? Then = null
)
{
    /// <summary>The message in the current UI culture, its place first (<c>grants!F12: …</c>).</summary>
    public string Text() =>
        Prefix(Cell ?? Place?.Text(), ProblemText.T(Key, [.. Args]) + (Then is null ? "" : " " + ProblemText.T(Then)));

    /// <summary>The English message, numbers invariant (what the import stores as <c>message</c>).</summary>
    public string English() =>
        Prefix(
            Cell ?? Place?.English(),
            ProblemText.Invariant(Key, [.. Args]) + (Then is null ? "" : " " + ProblemText.Invariant(Then))
        );

    private static string Prefix(string? at, string message) => at is null ? message : at + ": " + message;

    /// <summary>As stored in grant_import_errors.message_text: <c>{"key","args","cell","place","then"}</c>.</summary>
    public static string? ToJson(RowText? text) => text is null ? null : Node(text).ToJsonString();

    /// <summary>The stored form as a JSON node (kept as <c>text</c> beside a file problem's English message in
    /// problems_json and warnings_json).</summary>
    public static JsonObject? ToNode(RowText? text) => text is null ? null : Node(text);

    /// <summary>A stored node read back; null when there is none or it cannot be read.</summary>
    public static RowText? FromNode(JsonNode? node)
    {
        try
        {
            return Read(node);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The stored form read back; null when there is none or it cannot be read (the English message is then
    /// shown).</summary>
    public static RowText? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return Read(JsonNode.Parse(json));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject Node(RowText text)
    {
        var args = new JsonArray();
        foreach (var arg in text.Args)
        {
            args.Add(
                arg switch
                {
                    long n => JsonValue.Create(n),
                    int n => JsonValue.Create(n),
                    _ => JsonValue.Create(Convert.ToString(arg, CultureInfo.InvariantCulture)),
                }
            );
        }

        var node = new JsonObject { ["key"] = text.Key, ["args"] = args };
        if (text.Cell is not null)
        {
            node["cell"] = text.Cell;
        }

        if (text.Place is not null)
        {
            node["place"] = Node(text.Place);
        }

        if (text.Then is not null)
        {
            node["then"] = text.Then;
        }

        return node;
    }

    private static RowText? Read(JsonNode? node)
    {
        if (node is not JsonObject o || o["key"]?.GetValue<string>() is not { } key)
        {
            return null;
        }

        var args = (o["args"] as JsonArray ?? [])
            .Select(a =>
                a is JsonValue v && v.GetValueKind() == JsonValueKind.Number
                    ? (object)v.GetValue<long>()
                    : a?.GetValue<string>() ?? ""
            )
            .ToList();
        return new RowText(key, args, o["cell"]?.GetValue<string>(), Read(o["place"]), o["then"]?.GetValue<string>());
    }
}

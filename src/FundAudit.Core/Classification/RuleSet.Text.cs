using System.Text.Json;

namespace FundAudit.Core.Classification;

public sealed partial class RuleSet
{
    /// <summary>Why the document's root cannot be read as a rule set at all; null when it can.</summary>
    private static RuleSetError? RootProblem(JsonElement root) =>
        root.ValueKind != JsonValueKind.Object ? new RuleSetError("$", "the rule set must be a JSON object")
        : FirstUnreadableText(root, "$") is { } path
            ? new RuleSetError(path, "text that is not valid Unicode (an unpaired surrogate escape)")
        : null;

    /// <summary>
    /// The path of the first property name or string in <paramref name="element"/> that is not valid Unicode (an
    /// escaped lone surrogate such as <c>"\ud800"</c>, which the JSON reader accepts but cannot turn into a string);
    /// null when every text reads. The service's JSON filter refuses such bodies before they get here; this keeps
    /// <see cref="Parse"/>'s promise to any other caller.
    /// </summary>
    private static string? FirstUnreadableText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Reads(() => property.Name))
                    {
                        return path;
                    }

                    var inner = FirstUnreadableText(property.Value, Child(path, property.Name));
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstUnreadableText(item, $"{path}[{i++}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.String:
                return Reads(() => element.GetString()) ? null : path;
            default:
                return null;
        }
    }

    /// <summary>A property's path in the rule set's errors: <c>$.purpose.terms</c>, or <c>['a term']</c> for any
    /// other name.</summary>
    private static string Child(string path, string name) =>
        name.Length > 0 && name.All(char.IsAsciiLetterOrDigit) ? $"{path}.{name}" : $"{path}['{name}']";

    private static bool Reads(Func<string?> text)
    {
        try
        {
            _ = text();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

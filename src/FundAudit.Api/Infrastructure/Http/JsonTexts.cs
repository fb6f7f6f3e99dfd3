using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// One rule for the texts of every JSON body, registered once on every endpoint (Program.cs maps the features under
/// a group with this filter): a text holding the NUL character (U+0000; JSON may carry it as <c>"\u0000"</c>, but
/// no text of the service means it, PostgreSQL cannot store it and SQLite would keep it) is refused before the
/// endpoint's validator runs, with a ValidationProblem naming each field by its JSON path (<c>name</c>,
/// <c>grants[1].recipientOrganization[0].name</c>); so is a lone surrogate (<c>"\ud800"</c>, no character at all) in
/// a body read as a JSON document (a rule set), which System.Text.Json refuses by itself in a typed property. Fields
/// kept as sent (<see cref="JsonExtensionDataAttribute"/>) are stored as JSON text, where a NUL stays escaped and
/// comes back as sent: only their lone surrogates are refused.
/// </summary>
internal sealed class JsonTexts : IEndpointFilter
{
    private const int MaxDepth = 64;

    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property, bool Kept)[]> Properties =
        new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var bodyTypes = context
            .HttpContext.GetEndpoint()
            ?.Metadata.GetOrderedMetadata<IAcceptsMetadata>()
            .Where(a => a.ContentTypes.Contains("application/json"))
            .Select(a => a.RequestType)
            .OfType<Type>()
            .ToList();
        if (bodyTypes is not { Count: > 0 } || !context.HttpContext.Request.HasJsonContentType())
        {
            return await next(context);
        }

        var found = new List<(Path, string)>();
        foreach (var body in context.Arguments.Where(a => a is not null && bodyTypes.Any(t => t.IsInstanceOfType(a))))
        {
            Walk(body, Path.Root, kept: false, found);
        }

        return found.Count == 0
            ? await next(context)
            : ValidationProblems.Of(found.Select(f => (f.Item1.ToString(), ProblemText.T(f.Item2))));
    }

    /// <summary>The paths of the texts in a bound body that break the rule, with the message key of each.</summary>
    public static IReadOnlyList<(string Path, string Key)> Problems(object? body)
    {
        var found = new List<(Path, string)>();
        Walk(body, Path.Root, kept: false, found);
        return [.. found.Select(f => (f.Item1.ToString(), f.Item2))];
    }

    /// <summary>Adds the problems of one value at <paramref name="at"/> (a path is made for a container or a problem
    /// only: most values are neither).</summary>
    private static void Walk(object? value, Step at, bool kept, List<(Path, string)> found)
    {
        switch (value)
        {
            case null:
                break;
            case string text:
                if (!kept && text.Contains('\0', StringComparison.Ordinal))
                {
                    found.Add((at.Path(), "Text_Nul"));
                }

                break;
            case JsonElement element:
                WalkElement(element, at, kept, found);
                break;
            case IDictionary map when at.Depth <= MaxDepth:
                var inMap = at.Path();
                foreach (DictionaryEntry entry in map)
                {
                    Walk(entry.Value, new Step(inMap, entry.Key.ToString(), -1), kept, found);
                }

                break;
            case IEnumerable list when at.Depth <= MaxDepth:
                var inList = at.Path();
                var i = 0;
                foreach (var item in list)
                {
                    Walk(item, new Step(inList, null, i++), kept, found);
                }

                break;
            default:
                if (
                    at.Depth <= MaxDepth
                    && value.GetType().Namespace?.StartsWith(nameof(FundAudit), StringComparison.Ordinal) == true
                )
                {
                    var inModel = at.Path();
                    foreach (var (name, property, keeps) in PropertiesOf(value.GetType()))
                    {
                        // Kept fields sit beside the model's own.
                        var step = keeps
                            ? new Step(inModel.Parent, inModel.Name, inModel.Index)
                            : new Step(inModel, name, -1);
                        Walk(property.GetValue(value), step, kept || keeps, found);
                    }
                }

                break;
        }
    }

    private static void WalkElement(JsonElement element, Step at, bool kept, List<(Path, string)> found)
    {
        switch (element.ValueKind)
        {
            // Only an escape (\u0000, \ud800) can bring either character: a text without a backslash is read no
            // further.
            case JsonValueKind.String when JsonMarshal.GetRawUtf8Value(element).Contains((byte)'\\'):
                string text;
                try
                {
                    text = element.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    found.Add((at.Path(), "Text_Surrogate"));
                    break;
                }

                Walk(text, at, kept, found);
                break;
            case JsonValueKind.Object when at.Depth <= MaxDepth:
                var inObject = at.Path();
                foreach (var property in element.EnumerateObject())
                {
                    WalkElement(property.Value, new Step(inObject, property.Name, -1), kept, found);
                }

                break;
            case JsonValueKind.Array when at.Depth <= MaxDepth:
                var inArray = at.Path();
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    WalkElement(item, new Step(inArray, null, i++), kept, found);
                }

                break;
        }
    }

    /// <summary>A body type's readable properties with their JSON names (camelCase unless named), and whether the
    /// property keeps unknown fields as sent.</summary>
    private static (string Name, PropertyInfo Property, bool Kept)[] PropertiesOf(Type type) =>
        Properties.GetOrAdd(type, t =>
            [
                .. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p =>
                        p.CanRead
                        && p.GetIndexParameters().Length == 0
                        && p.GetCustomAttribute<JsonIgnoreAttribute>() is null
                    )
                    .Select(p =>
                        (
                            p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                                ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name),
                            p,
                            p.GetCustomAttribute<JsonExtensionDataAttribute>() is not null
                        )
                    ),
            ]
        );

    /// <summary>Where a value is: its parent's path and its name or index, made a <see cref="Path"/> only when
    /// needed.</summary>
    private readonly record struct Step(Path? Parent, string? Name, int Index)
    {
        public int Depth => (Parent?.Depth ?? 0) + 1;

        public Path Path() => Parent is null && Name is null ? JsonTexts.Path.Root : new(Parent, Name, Index);
    }

    /// <summary>A JSON path, written only for a problem: <c>grants[1].title</c>, <c>$</c> for the body.</summary>
    private sealed record Path(Path? Parent, string? Name, int Index)
    {
        public static readonly Path Root = new(null, null, -1);

        public static implicit operator Step(Path path) => new(path.Parent, path.Name, path.Index);

        public int Depth { get; } = (Parent?.Depth ?? 0) + 1;

        public override string ToString()
        {
            if (Parent is null && Name is null)
            {
                return "$";
            }

            var parent = Parent?.ToString() is { } p && p != "$" ? p : "";
            return Name is null ? $"{parent}[{Index}]"
                : parent.Length == 0 ? Name
                : $"{parent}.{Name}";
        }
    }
}

using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
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

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var body in context.Arguments.Where(a => a is not null && bodyTypes.Any(t => t.IsInstanceOfType(a))))
        {
            foreach (var (path, key) in Problems(body!, "", kept: false, 0))
            {
                (errors.TryGetValue(path, out var list) ? list : errors[path] = []).Add(ProblemText.T(key));
            }
        }

        return errors.Count == 0
            ? await next(context)
            : TypedResults.ValidationProblem(
                errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal),
                title: "The request is not valid."
            );
    }

    /// <summary>The paths of the texts in a bound body that break the rule, with the message key of each.</summary>
    public static IEnumerable<(string Path, string Key)> Problems(object? value, string path, bool kept, int depth)
    {
        if (value is null || depth > MaxDepth)
        {
            return [];
        }

        return value switch
        {
            string text => !kept && text.Contains('\0', StringComparison.Ordinal) ? [(Root(path), "Text_Nul")] : [],
            JsonElement element => InElement(element, path, kept, depth),
            IDictionary dictionary => InDictionary(dictionary, path, kept, depth),
            IEnumerable list => InList(list, path, kept, depth),
            _ when value.GetType().Namespace?.StartsWith(nameof(FundAudit), StringComparison.Ordinal) == true =>
                InModel(value, path, kept, depth),
            _ => [],
        };
    }

    private static IEnumerable<(string, string)> InElement(JsonElement element, string path, bool kept, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                string text;
                try
                {
                    text = element.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    return [(Root(path), "Text_Surrogate")];
                }

                return Problems(text, path, kept, depth);
            case JsonValueKind.Object:
                return element
                    .EnumerateObject()
                    .SelectMany(p => InElement(p.Value, Member(path, p.Name), kept, depth + 1))
                    .ToList();
            case JsonValueKind.Array:
                return element
                    .EnumerateArray()
                    .SelectMany((item, i) => InElement(item, $"{path}[{i}]", kept, depth + 1))
                    .ToList();
            default:
                return [];
        }
    }

    private static IEnumerable<(string, string)> InDictionary(IDictionary map, string path, bool kept, int depth) =>
        map
            .Keys.Cast<object>()
            .SelectMany(k => Problems(map[k], Member(path, k.ToString() ?? ""), kept, depth + 1))
            .ToList();

    private static IEnumerable<(string, string)> InList(IEnumerable list, string path, bool kept, int depth) =>
        list.Cast<object?>().SelectMany((item, i) => Problems(item, $"{path}[{i}]", kept, depth + 1)).ToList();

    private static IEnumerable<(string, string)> InModel(object model, string path, bool kept, int depth) =>
        PropertiesOf(model.GetType())
            .SelectMany(p =>
                Problems(p.Property.GetValue(model), p.Kept ? path : Member(path, p.Name), kept || p.Kept, depth + 1)
            )
            .ToList();

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

    /// <summary>A member's path under a parent's (extension data's members sit beside the model's own).</summary>
    private static string Member(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Root(string path) => path.Length == 0 ? "$" : path;
}

using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// The JSON paths (<c>title</c>, <c>recipientOrganization[0].name</c>) of a grant's texts that hold the NUL character
/// (U+0000). JSON may carry it (<c>"\u0000"</c>), but no text of a grant is meant to, PostgreSQL cannot store it, and
/// in an identifier it would make two grants look alike: the package validator refuses it, naming each field. Fields
/// kept as sent (<c>Extra</c>) are stored as JSON text, where it stays escaped, so they are not read here.
/// </summary>
internal static class NulCharacters
{
    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> Properties = new();

    public static IEnumerable<string> In(object model, string prefix = "")
    {
        foreach (var (name, property) in PropertiesOf(model.GetType()))
        {
            var value = property.GetValue(model);
            if (value is string text)
            {
                if (text.Contains('\0', StringComparison.Ordinal))
                {
                    yield return prefix + name;
                }
            }
            else if (value is IList list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is { } item)
                    {
                        foreach (var path in In(item, $"{prefix}{name}[{i}]."))
                        {
                            yield return path;
                        }
                    }
                }
            }
        }
    }

    /// <summary>A model's text and list properties with their JSON names (camelCase, as the API reads them).</summary>
    private static (string Name, PropertyInfo Property)[] PropertiesOf(Type type) =>
        Properties.GetOrAdd(type, t =>
            [
                .. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p =>
                        p.GetIndexParameters().Length == 0
                        && (p.PropertyType == typeof(string) || IsModelList(p.PropertyType))
                    )
                    .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), p)),
            ]
        );

    private static bool IsModelList(Type type) =>
        type.IsGenericType
        && type.GetGenericTypeDefinition() == typeof(List<>)
        && type.GetGenericArguments()[0].Namespace == typeof(GivingGrant).Namespace;
}

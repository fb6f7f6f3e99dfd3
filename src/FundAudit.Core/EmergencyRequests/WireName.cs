using System.Collections.Concurrent;
using System.Text;

namespace FundAudit.Core.EmergencyRequests;

/// <summary>
/// The snake_case names under which this namespace's enums travel over the API and are stored
/// (<c>RequestState.AwaitingApplicant</c> ⇄ <c>awaiting_applicant</c>). Parsing is case-insensitive
/// and refuses numbers, so a stored "3" can never be mistaken for a state.
/// </summary>
public static class WireName
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, object>> ParseTables = new();

    /// <summary>The wire name of <paramref name="value"/>, e.g. <c>awaiting_second_approval</c>.</summary>
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = Enum.GetName(value)
            ?? throw new ArgumentOutOfRangeException(nameof(value), value, "Not a defined value.");
        return ToSnakeCase(name);
    }

    /// <summary>Parses a wire name (case-insensitive); false for anything else, including numbers.</summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var table = ParseTables.GetOrAdd(typeof(TEnum), static _ =>
            Enum.GetValues<TEnum>().ToDictionary(v => Of(v), v => (object)v, StringComparer.OrdinalIgnoreCase)
        );
        if (table.TryGetValue(text.Trim(), out var found))
        {
            value = (TEnum)found;
            return true;
        }

        return false;
    }

    private static string ToSnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

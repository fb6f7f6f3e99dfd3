using System.Text.Json;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// Classification values a grant's data states itself, the same in every layout: <c>Level</c>, <c>Purpose</c> and
/// <c>Flexible</c> (CSV and XLSX columns, or the JSON object <c>explicitClassification</c> that
/// <c>GET /api/grants/by-id/{id}</c> returns) and the 360Giving <c>Location Scope</c> (<c>locationScope</c>). They
/// are stored as explicit values, which the classifier takes before its rules (TAXONOMY: explicit wins).
/// </summary>
internal static class ExplicitClassification
{
    /// <summary>The JSON property (and the stored grant's) that holds level, purpose and flexible.</summary>
    public const string JsonProperty = "explicitClassification";

    public static readonly string[] Levels = ["global", "regional", "national", "local"];

    public static readonly string[] Purposes = ["prevention", "collective", "emergency", "campaign", "other"];

    /// <summary>The 360Giving locationScope codelist's titles, for files that write the title instead of the code.
    /// </summary>
    private static readonly Dictionary<string, string> ScopeTitles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Global"] = "GLS010",
        ["Supranational"] = "GLS020",
        ["National"] = "GLS030",
        ["Subnational region"] = "GLS040",
        ["Local authority"] = "GLS050",
        ["Local area"] = "GLS060",
        ["Undefined"] = "GLS099",
    };

    /// <summary>A Location Scope code (any case) or codelist title as its code; null when it is neither.</summary>
    public static string? LocationScope(string text)
    {
        var trimmed = text.Trim();
        var code = trimmed.ToUpperInvariant();
        return GrantLimits.LocationScopes.Contains(code) ? code
            : ScopeTitles.TryGetValue(trimmed, out var fromTitle) ? fromTitle
            : null;
    }

    /// <summary>
    /// Reads <c>explicitClassification</c> of a JSON grant: level and purpose (any case) and flexible (a boolean).
    /// Null values when absent; <paramref name="problem"/> says what is wrong when a value is not one of the allowed
    /// (a ProblemText key and its arguments).
    /// </summary>
    public static (string? Level, string? Purpose, bool? Flexible) FromJson(
        Dictionary<string, JsonElement>? extra,
        out ProblemKey? problem
    )
    {
        problem = null;
        if (extra is null || !extra.TryGetValue(JsonProperty, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return (null, null, null);
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            problem = new ProblemKey("Package_ClassificationObject", []);
            return (null, null, null);
        }

        var level = OneOf(e, "level", Levels, ref problem);
        var purpose = OneOf(e, "purpose", Purposes, ref problem);
        bool? flexible = null;
        if (e.TryGetProperty("flexible", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            flexible = f.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            };
            problem ??= flexible is null ? new ProblemKey("Package_ClassificationFlexible", []) : null;
        }

        return (level, purpose, flexible);
    }

    private static string? OneOf(JsonElement e, string name, string[] allowed, ref ProblemKey? problem)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim().ToLowerInvariant() : null;
        if (text is not null && allowed.Contains(text))
        {
            return text;
        }

        problem ??= new ProblemKey("Package_ClassificationOneOf", [name, string.Join(", ", allowed)]);
        return null;
    }
}

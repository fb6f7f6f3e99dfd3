using System.Text.Json;
using FundAudit.Core.Classification;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>The stored and wire names of classification values: lower-case words (global, prevention, rule, …).</summary>
internal static class ClassificationNames
{
    public static string Of(GrantLevel level) => level.ToString().ToLowerInvariant();

    public static string Of(GrantPurpose purpose) => purpose.ToString().ToLowerInvariant();

    public static string Of(ClassificationSource source) => source.ToString().ToLowerInvariant();

    /// <summary>Evidence as stored: a JSON array of strings.</summary>
    public static string Evidence(IReadOnlyList<string> evidence) => JsonSerializer.Serialize(evidence, GrantMapping.StoredJson);
}

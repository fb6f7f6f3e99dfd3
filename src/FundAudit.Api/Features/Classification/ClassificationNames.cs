using System.Collections.Frozen;
using FundAudit.Core.Classification;

namespace FundAudit.Api.Features.Classification;

/// <summary>The stored and wire names of classification values: lower-case words (global, prevention, rule,
/// …).</summary>
internal static class ClassificationNames
{
    // Looked up once per value rather than formatted per grant: the import names three values for every row.
    private static readonly FrozenDictionary<GrantLevel, string> Levels = Names<GrantLevel>();
    private static readonly FrozenDictionary<GrantPurpose, string> Purposes = Names<GrantPurpose>();
    private static readonly FrozenDictionary<ClassificationSource, string> Sources = Names<ClassificationSource>();

    public static string Of(GrantLevel level) =>
        Levels.TryGetValue(level, out var name) ? name : level.ToString().ToLowerInvariant();

    public static string Of(GrantPurpose purpose) =>
        Purposes.TryGetValue(purpose, out var name) ? name : purpose.ToString().ToLowerInvariant();

    public static string Of(ClassificationSource source) =>
        Sources.TryGetValue(source, out var name) ? name : source.ToString().ToLowerInvariant();

    /// <summary>Evidence as stored: its compact form (<see cref="EvidenceCodec"/>), read back with
    /// <see cref="EvidenceCodec.Decode"/>.</summary>
    public static string Evidence(IReadOnlyList<string> evidence) => EvidenceCodec.Encode(evidence);

    private static FrozenDictionary<T, string> Names<T>()
        where T : struct, Enum =>
        Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => v.ToString().ToLowerInvariant());
}

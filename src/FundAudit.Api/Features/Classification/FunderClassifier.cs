using System.Collections.Concurrent;
using FundAudit.Core.Classification;

namespace FundAudit.Api.Features.Classification;

/// <summary>
/// The classification engine a funder's grants are classified with: its own current rule set, else the default.
/// Compiled engines are cached by rule-set row id; rows never change, so the cache is never stale and no other
/// instance needs it.
/// </summary>
internal sealed class FunderClassifier(ClassificationStore store)
{
    private const int MaxCachedEngines = 256;
    private readonly ConcurrentDictionary<long, ClassificationEngine> _engines = new();

    public async Task<ClassificationEngine> EngineForAsync(long funderId, CancellationToken ct)
    {
        var current = await store.CurrentRuleSetAsync(funderId, ct);
        return current is null ? ClassificationEngine.Default : EngineFor(current);
    }

    public ClassificationEngine EngineFor(RuleSetRow row)
    {
        if (_engines.TryGetValue(row.Id, out var engine))
        {
            return engine;
        }

        if (_engines.Count >= MaxCachedEngines)
        {
            _engines.Clear();
        }

        var parsed = RuleSet.Parse(row.RulesJson);
        return _engines.GetOrAdd(row.Id, _ => new ClassificationEngine(
            parsed.RuleSet
                ?? throw new InvalidOperationException(
                    $"Stored rule set {row.Id} no longer parses: " + $"{string.Join("; ", parsed.Errors)}"
                )
        ));
    }
}

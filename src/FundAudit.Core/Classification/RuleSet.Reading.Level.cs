using System.Text.Json;

namespace FundAudit.Core.Classification;

public sealed partial class RuleSet
{
    private sealed record LevelSection(
        double MinimumScore,
        GrantLevel BaseOnly,
        Dictionary<GrantLevel, IReadOnlyList<WeightedTerm>> Terms,
        Dictionary<GrantLevel, IReadOnlyList<WeightedTerm>> RecipientTerms,
        IReadOnlyList<WeightedTerm> SiteTerms
    )
    {
        public RuleExtras Extras(
            IReadOnlyDictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> exceptions,
            int otherMinimumWords,
            IReadOnlyDictionary<string, double> confidences
        ) =>
            new(exceptions, otherMinimumWords, confidences, BaseOnly)
            {
                RecipientLevelTerms = RecipientTerms,
                SiteTerms = SiteTerms,
            };
    }

    private static LevelSection ReadLevelSection(JsonElement root, List<RuleSetError> errors)
    {
        double lMin = 2;
        var baseOnly = GrantLevel.Local;
        var levelTerms = new Dictionary<GrantLevel, IReadOnlyList<WeightedTerm>>();
        var recipientTerms = new Dictionary<GrantLevel, IReadOnlyList<WeightedTerm>>();
        IReadOnlyList<WeightedTerm> siteTerms = [];
        if (root.TryGetProperty("level", out var level))
        {
            if (level.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new RuleSetError("$.level", "level must be an object"));
            }
            else
            {
                string[] known = ["minimumScore", "terms", "baseOnly", "recipientTerms", "siteTerms"];
                CheckKnown(level, "$.level", errors, known);
                lMin = ReadNumber(level, "minimumScore", "$.level", 0, 100, lMin, errors);
                if (level.TryGetProperty("baseOnly", out var bo) && !LevelNames.TryParse(bo.GetString(), out baseOnly))
                {
                    errors.Add(new RuleSetError("$.level.baseOnly", "one of global, regional, national, local"));
                }
                if (level.TryGetProperty("terms", out var lt))
                {
                    ReadLevelTerms(lt, "$.level.terms", levelTerms, errors);
                }

                if (level.TryGetProperty("recipientTerms", out var rt))
                {
                    ReadLevelTerms(rt, "$.level.recipientTerms", recipientTerms, errors);
                }

                if (level.TryGetProperty("siteTerms", out var st))
                {
                    siteTerms = ReadTerms(st, "$.level.siteTerms", new(StringComparer.Ordinal), errors);
                }
            }
        }

        return new LevelSection(lMin, baseOnly, levelTerms, recipientTerms, siteTerms);
    }

    private static void ReadLevelTerms(
        JsonElement lt,
        string at,
        Dictionary<GrantLevel, IReadOnlyList<WeightedTerm>> levelTerms,
        List<RuleSetError> errors
    )
    {
        if (lt.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError(at, "terms must be an object: level → { term: weight }"));
            return;
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var l in lt.EnumerateObject())
        {
            var path = at + "." + l.Name;
            if (!LevelNames.TryParse(l.Name, out var gl))
            {
                errors.Add(
                    new RuleSetError(
                        path,
                        $"unknown level '{l.Name}' (expected global, regional, national or " + $"local)"
                    )
                );
                continue;
            }

            if (levelTerms.ContainsKey(gl))
            {
                errors.Add(new RuleSetError(path, $"level '{l.Name}' is listed twice"));
                continue;
            }

            levelTerms[gl] = ReadTerms(l.Value, path, seen, errors);
        }
    }
}

using System.Globalization;
using System.Text.Json;

namespace FundAudit.Core.Classification;

public sealed partial class RuleSet
{
    /// <summary>Parses and validates a rule-set document. Never throws on bad input: problems come back as
    /// errors.</summary>
    public static RuleSetParseResult Parse(string json)
    {
        var errors = new List<RuleSetError>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(
                json ?? "",
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }
            );
        }
        catch (JsonException ex)
        {
            return new RuleSetParseResult(
                null,
                [new RuleSetError($"$ (line {(ex.LineNumber ?? 0) + 1})", "not valid JSON: " + ex.Message)]
            );
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (RootProblem(root) is { } problem)
            {
                return new RuleSetParseResult(null, [problem]);
            }

            CheckKnown(root, "$", errors, "version", "description", "purpose", "flexible", "level", "confidence");
            var version = ReadVersion(root, errors);
            var description = ReadDescription(root);
            var purpose = ReadPurposeSection(root, errors);
            var flexible = ReadFlexibleSection(root, errors);
            var level = ReadLevelSection(root, errors);
            var confidences = ReadConfidences(root, errors);
            if (errors.Count > 0)
            {
                return new RuleSetParseResult(null, errors);
            }

            var extras = Extras(purpose, flexible, level, confidences);
            return new RuleSetParseResult(
                new RuleSet(
                    version!,
                    description,
                    purpose.MinimumScore,
                    purpose.Margin,
                    purpose.TitleWeight,
                    purpose.Terms,
                    flexible.MinimumScore,
                    flexible.Terms,
                    level.MinimumScore,
                    level.Terms,
                    purpose.ClauseMarkers,
                    extras
                ),
                []
            );
        }
    }

    private sealed record PurposeSection(
        double MinimumScore,
        double Margin,
        double TitleWeight,
        Dictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> Terms,
        IReadOnlyList<WeightedTerm> ClauseMarkers,
        int OtherMinimumWords,
        IReadOnlyDictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> Exceptions
    );

    private static string? ReadDescription(JsonElement root) =>
        root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;

    private static string? ReadVersion(JsonElement root, List<RuleSetError> errors)
    {
        string? version = null;
        if (
            !root.TryGetProperty("version", out var v)
            || v.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(v.GetString())
        )
        {
            errors.Add(new RuleSetError("$.version", "missing version (a non-empty string such as \"2026.11-1\")"));
        }
        else
        {
            version = v.GetString()!.Trim();
            if (version.Length > 50)
            {
                errors.Add(new RuleSetError("$.version", "version is longer than 50 characters"));
            }
        }

        return version;
    }

    private static PurposeSection ReadPurposeSection(JsonElement root, List<RuleSetError> errors)
    {
        double pMin = 2,
            pMargin = 0.25,
            titleWeight = 1.5;
        var purposeTerms = new Dictionary<GrantPurpose, IReadOnlyList<WeightedTerm>>();
        IReadOnlyList<WeightedTerm> clauseMarkers = [];
        var otherMinimumWords = 3.0;
        IReadOnlyDictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> exceptions =
            new Dictionary<GrantPurpose, IReadOnlyList<WeightedTerm>>();
        if (!root.TryGetProperty("purpose", out var purpose) || purpose.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError("$.purpose", "missing purpose section (an object with terms per purpose)"));
        }
        else
        {
            CheckKnown(
                purpose,
                "$.purpose",
                errors,
                "minimumScore",
                "margin",
                "titleWeight",
                "terms",
                "clauseMarkers",
                "exceptions",
                "otherMinimumWords"
            );
            otherMinimumWords = (int)ReadNumber(
                purpose,
                "otherMinimumWords",
                "$.purpose",
                0,
                1000,
                otherMinimumWords,
                errors
            );
            exceptions = ReadPurposeGroups(purpose, "exceptions", errors);
            pMin = ReadNumber(purpose, "minimumScore", "$.purpose", 0, 100, pMin, errors);
            pMargin = ReadNumber(purpose, "margin", "$.purpose", 0, 0.95, pMargin, errors);
            titleWeight = ReadNumber(purpose, "titleWeight", "$.purpose", 0.1, 10, titleWeight, errors);
            clauseMarkers = ReadPurposeTermsAndMarkers(purpose, purposeTerms, errors);
        }

        return new PurposeSection(
            pMin,
            pMargin,
            titleWeight,
            purposeTerms,
            clauseMarkers,
            (int)otherMinimumWords,
            exceptions
        );
    }

    /// <summary>
    /// Reads the terms per purpose into <paramref name="purposeTerms"/> and returns the clause markers (none when
    /// the section has no terms or no markers).
    /// </summary>
    private static IReadOnlyList<WeightedTerm> ReadPurposeTermsAndMarkers(
        JsonElement purpose,
        Dictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> purposeTerms,
        List<RuleSetError> errors
    )
    {
        if (!purpose.TryGetProperty("terms", out var terms) || terms.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError("$.purpose.terms", "missing terms (an object: purpose → { term: weight })"));
        }
        else
        {
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            ReadPurposeTerms(terms, purposeTerms, seen, errors);
            if (purpose.TryGetProperty("clauseMarkers", out var markers))
            {
                var read = ReadTerms(markers, "$.purpose.clauseMarkers", seen, errors);
                foreach (var m in read.Where(m => m.Weight > 1))
                {
                    errors.Add(
                        new RuleSetError(
                            $"$.purpose.clauseMarkers['{m.Term}']",
                            "a clause marker's weight " + "is the factor for the terms after it and must lie in (0, 1]"
                        )
                    );
                }

                return read;
            }
        }

        return [];
    }

    private static void ReadPurposeTerms(
        JsonElement terms,
        Dictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> purposeTerms,
        Dictionary<string, string> seen,
        List<RuleSetError> errors
    )
    {
        foreach (var p in terms.EnumerateObject())
        {
            var path = "$.purpose.terms." + p.Name;
            if (!TryParsePurpose(p.Name, out var gp))
            {
                errors.Add(
                    new RuleSetError(
                        path,
                        $"unknown purpose '{p.Name}' (expected emergency, campaign, "
                            + $"collective, prevention or other)"
                    )
                );
                continue;
            }

            if (purposeTerms.ContainsKey(gp))
            {
                errors.Add(new RuleSetError(path, $"purpose '{p.Name}' is listed twice"));
                continue;
            }

            purposeTerms[gp] = ReadTerms(p.Value, path, seen, errors);
        }

        if (purposeTerms.Count == 0)
        {
            errors.Add(new RuleSetError("$.purpose.terms", "no purpose has terms"));
        }
    }

    private static void CheckKnown(JsonElement obj, string path, List<RuleSetError> errors, params string[] known)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (!known.Contains(p.Name, StringComparer.Ordinal))
            {
                errors.Add(
                    new RuleSetError(
                        $"{path}.{p.Name}",
                        $"unknown property '{p.Name}' (expected one of: " + $"{string.Join(", ", known)})"
                    )
                );
            }
        }
    }

    private static double ReadNumber(
        JsonElement obj,
        string name,
        string path,
        double min,
        double max,
        double fallback,
        List<RuleSetError> errors
    )
    {
        if (!obj.TryGetProperty(name, out var e))
        {
            return fallback;
        }

        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var value) || value < min || value > max)
        {
            errors.Add(
                new RuleSetError(
                    $"{path}.{name}",
                    $"{name} must be a number from "
                        + $"{min.ToString(CultureInfo.InvariantCulture)} to "
                        + $"{max.ToString(CultureInfo.InvariantCulture)}"
                )
            );
            return fallback;
        }

        return value;
    }

    private static Dictionary<GrantPurpose, IReadOnlyList<WeightedTerm>> ReadPurposeGroups(
        JsonElement purpose,
        string name,
        List<RuleSetError> errors
    )
    {
        var groups = new Dictionary<GrantPurpose, IReadOnlyList<WeightedTerm>>();
        if (!purpose.TryGetProperty(name, out var section))
        {
            return groups;
        }

        var path = "$.purpose." + name;
        if (section.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError(path, "must be an object: purpose → { phrase: weight }"));
            return groups;
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in section.EnumerateObject())
        {
            if (!TryParsePurpose(p.Name, out var gp) || groups.ContainsKey(gp))
            {
                errors.Add(new RuleSetError($"{path}.{p.Name}", $"unknown or repeated purpose '{p.Name}'"));
                continue;
            }

            groups[gp] = ReadTerms(p.Value, $"{path}.{p.Name}", seen, errors);
        }

        return groups;
    }

    private static Dictionary<string, double> ReadConfidences(JsonElement root, List<RuleSetError> errors)
    {
        var confidences = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!root.TryGetProperty("confidence", out var section))
        {
            return confidences;
        }

        if (section.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError("$.confidence", "must be an object: decision → confidence (0 to 1)"));
            return confidences;
        }

        foreach (var p in section.EnumerateObject())
        {
            var path = $"$.confidence['{p.Name}']";
            if (!ConfidenceKeys.All.Contains(p.Name))
            {
                errors.Add(new RuleSetError(path, "unknown decision (see ConfidenceKeys)"));
            }
            else if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var c) || c < 0 || c > 1)
            {
                errors.Add(new RuleSetError(path, "a confidence is a number from 0 to 1"));
            }
            else
            {
                confidences[p.Name] = c;
            }
        }

        return confidences;
    }
}

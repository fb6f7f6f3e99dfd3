using System.Globalization;
using System.Text.Json;

namespace FundAudit.Core.Classification;

public sealed partial class RuleSet
{
    private static List<WeightedTerm> ReadTerms(
        JsonElement obj,
        string path,
        Dictionary<string, string> seen,
        List<RuleSetError> errors
    )
    {
        var list = new List<WeightedTerm>();
        if (obj.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleSetError(path, "terms must be an object: { \"term\": weight }"));
            return list;
        }

        foreach (var p in obj.EnumerateObject())
        {
            var termPath = $"{path}['{p.Name.Replace("'", "\\'", StringComparison.Ordinal)}']";
            var term = p.Name.Trim();
            var folded = FoldTerm(term);
            if (TermProblem(term, folded, p.Value, out var weight) is { } problem)
            {
                errors.Add(new RuleSetError(termPath, problem));
                continue;
            }

            if (seen.TryGetValue(folded, out var where))
            {
                errors.Add(
                    new RuleSetError(
                        termPath,
                        $"duplicate term: '{term}' folds to '{folded}', already listed " + $"at {where}"
                    )
                );
                continue;
            }

            seen[folded] = termPath;
            list.Add(new WeightedTerm(term, weight));
        }

        return list;
    }

    /// <summary>
    /// What is wrong with one term and its weight (empty, too long, a misplaced '*', a weight out of range), or
    /// null when both are fine.
    /// </summary>
    private static string? TermProblem(string term, string folded, JsonElement value, out double weight)
    {
        weight = 0;
        if (folded.Length == 0)
        {
            return "empty term";
        }

        if (term.Length > MaxTermLength)
        {
            return $"term longer than {MaxTermLength} characters";
        }

        if (!IsWellFormedPattern(folded))
        {
            return "'*' may only end a word, after at least two letters";
        }

        if (
            value.ValueKind != JsonValueKind.Number
            || !value.TryGetDouble(out weight)
            || weight <= 0
            || weight > MaxWeight
        )
        {
            return $"weight out of range: must be a number greater than 0 and at "
                + $"most {MaxWeight.ToString(CultureInfo.InvariantCulture)}";
        }

        return null;
    }

    /// <summary>Folds a term the way grant text is folded, keeping '*' wildcards.</summary>
    internal static string FoldTerm(string term)
    {
        const string Star = "qxstarqx";
        return TextFold
            .Phrase(term.Replace("*", " " + Star + " ", StringComparison.Ordinal))
            .Replace(" " + Star, "*", StringComparison.Ordinal)
            .Replace(Star, "*", StringComparison.Ordinal);
    }

    private static bool IsWellFormedPattern(string folded)
    {
        for (var i = 0; i < folded.Length; i++)
        {
            if (folded[i] != '*')
            {
                continue;
            }

            var wordEnd = i + 1 == folded.Length || folded[i + 1] == ' ';
            var letters = 0;
            for (var j = i - 1; j >= 0 && folded[j] != ' ' && folded[j] != '*'; j--)
            {
                letters++;
            }

            if (!wordEnd || letters < 2)
            {
                return false;
            }
        }

        return true;
    }
}

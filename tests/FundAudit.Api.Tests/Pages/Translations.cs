using System.Text.RegularExpressions;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The check every resource set of the pages shares (the defender's PageText, ConsoleText, ProblemText, ChartText):
/// each other language has exactly the English keys, none empty, each with the English text's placeholders, and
/// more than 80 % of them differ from English (so a file copied from English fails).
/// </summary>
internal static partial class Translations
{
    public static void AssertComplete(
        IReadOnlyList<string> languages,
        Func<string?, IReadOnlyList<string>> keys,
        Func<string, string, string?> get,
        int moreKeysThan
    )
    {
        var english = keys(null);
        Assert.True(english.Count > moreKeysThan, $"only {english.Count} keys");
        foreach (var lang in languages.Where(l => l != "en"))
        {
            Assert.Equal(english, keys(lang));
            Assert.All(english, key =>
            {
                var text = get(key, lang);
                Assert.False(string.IsNullOrWhiteSpace(text), $"{lang}:{key} is empty");
                Assert.True(
                    Placeholders(get(key, "en")!).SetEquals(Placeholders(text!)),
                    $"{lang}:{key} has other placeholders than English"
                );
            });
            var translated = english.Count(key => get(key, lang) != get(key, "en"));
            Assert.True(
                translated > english.Count * 0.8,
                $"{lang}: only {translated} of {english.Count} texts differ from English"
            );
        }
    }

    private static HashSet<string> Placeholders(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex PlaceholderPattern();
}

using System.Collections.Frozen;
using FundAudit.Core.Classification;

namespace FundAudit.Core.Geography;

public static partial class Gazetteer
{
    // Month and weekday names that are also places ("March" in Cambridgeshire): capitalised as words anyway.
    private static readonly FrozenSet<string> CalendarWords = new[]
    {
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly Lazy<(string, SubPlace[])[]> ContextPhraseList = new(BuildContextPhrases);

    /// <summary>
    /// Folded names of places that <see cref="TextPhrases"/> leaves out only because they are also ordinary words
    /// ("Goma", "Reading", "Derby"), with their best reading in each country that has a place of that name.
    /// Free text reads them only where the context says a place is meant: the name written with a capital right
    /// after a locative preposition ("displaced families in Goma"), which the classifier checks on the text as
    /// written; a name with readings in several countries ("Reading": England and Pennsylvania) only in the country
    /// where the recipient is based, as <see cref="BaseTextPhrases"/>.
    /// </summary>
    public static IEnumerable<(string Phrase, SubPlace[] Readings)> ContextPhrases() => ContextPhraseList.Value;

    private static (string, SubPlace[])[] BuildContextPhrases()
    {
        var result = new Dictionary<string, SubPlace[]>(StringComparer.Ordinal);
        foreach (var (phrase, key, _, readings) in FreeTextCandidates(ordinaryWords: true, CalendarWords))
        {
            if (
                result.ContainsKey(phrase)
                || readings.Any(r => r.Source == Source.Scope)
                || NamedCountry(phrase, key) is not null
            )
            {
                continue; // seen, a hand-written scope or a country's name
            }

            result[phrase] = [.. readings.GroupBy(r => r.Place.Country).Select(g => Best([.. g]))];
        }

        return [.. result.Select(kv => (kv.Key, kv.Value)).OrderBy(p => p.Item1, StringComparer.Ordinal)];
    }
}

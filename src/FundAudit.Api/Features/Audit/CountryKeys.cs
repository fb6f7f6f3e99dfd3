using System.Collections.Frozen;
using FundAudit.Core.Geography;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The keys of the audit's country_regions table (migrations 0005, 0032 and 0033, written from the Core country table,
/// src/FundAudit.Core/Geography/countries.csv), which the place reports and the region and country filters join on
/// <c>country_key = upper(recipient_country)</c>: a recipient country whose text is no key stands as a country of its
/// own text, in no region. Each country with a region gives its ISO alpha-2 and alpha-3 codes and every name and alias
/// in upper case, each letter outside a-z in either case (SQLite's <c>upper()</c>, and PostgreSQL's under
/// <c>LC_CTYPE=C</c>, change only a-z, so "égypte" reads "éGYPTE" there and "ÉGYPTE" elsewhere: both are keys).
/// <see cref="Resolves"/> upper-cases a-z as those engines do and looks the text up, so it finds a country exactly
/// when SQLite does and, for every letter with one upper and one lower case, when an engine that upper-cases all
/// letters does. AuditApiTests compares these keys with the table on each engine.
/// </summary>
internal static class CountryKeys
{
    private static readonly FrozenSet<string> Keys = Build().ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Every key, as country_regions holds them on SQLite and PostgreSQL.</summary>
    public static IReadOnlyCollection<string> All => Keys;

    /// <summary>Whether the audit finds a country for a recipient country published as <paramref name="text"/>
    /// (as stored: no trimming, as the join reads it).</summary>
    public static bool Resolves(string text) => Keys.Contains(AsciiUpper(text));

    /// <summary>The text with a-z in upper case and every other character as it is (SQLite's <c>upper()</c>).
    /// </summary>
    private static string AsciiUpper(string text) =>
        text.Any(char.IsAsciiLetterLower) ? string.Create(text.Length, text, static (span, t) =>
            {
                for (var i = 0; i < t.Length; i++)
                {
                    span[i] = char.IsAsciiLetterLower(t[i]) ? (char)(t[i] - ('a' - 'A')) : t[i];
                }
            }) : text;

    private static IEnumerable<string> Build()
    {
        foreach (var country in Countries.All.Where(c => c.Region is not null))
        {
            yield return country.Alpha2;
            yield return country.Alpha3;
            foreach (var name in country.Aliases.Prepend(country.Name))
            {
                foreach (var key in CaseForms(name.ToUpperInvariant()))
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary><paramref name="upper"/> with each of its letters outside a-z in upper or in lower case.</summary>
    private static IEnumerable<string> CaseForms(string upper)
    {
        var cased = Enumerable
            .Range(0, upper.Length)
            .Where(i => !char.IsAscii(upper[i]) && char.ToLowerInvariant(upper[i]) != upper[i])
            .ToArray();
        for (var mask = 0; mask < 1 << cased.Length; mask++)
        {
            var form = upper.ToCharArray();
            for (var bit = 0; bit < cased.Length; bit++)
            {
                if ((mask & (1 << bit)) != 0)
                {
                    form[cased[bit]] = char.ToLowerInvariant(form[cased[bit]]);
                }
            }

            yield return new string(form);
        }
    }
}

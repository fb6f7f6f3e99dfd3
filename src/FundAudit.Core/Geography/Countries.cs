using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using FundAudit.Core.Classification;

namespace FundAudit.Core.Geography;

/// <summary>
/// The country table shipped with FundAudit (Geography/countries.csv, an embedded resource written for this
/// project from ISO 3166-1 and UN M49). Resolves alpha-2 and alpha-3 codes and English, Spanish, French and
/// Portuguese names and aliases, folding case, accents, punctuation and spaces.
/// </summary>
public static class Countries
{
    private const string ResourceName = "FundAudit.Core.Geography.countries.csv";

    private static readonly Lazy<Table> Data = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IReadOnlyList<Country> All => Data.Value.All;

    /// <summary>
    /// Resolves a code ("HN", "hnd") or a name in any supported form ("UGANDA", "Côte d'Ivoire", "Ivory Coast",
    /// "Brasil", "RDC", "Estados Unidos", "Allemagne"). Unknown or empty text resolves to nothing.
    /// </summary>
    public static bool TryResolve(string? text, [NotNullWhen(true)] out Country? country)
    {
        country = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.AsSpan().Trim();
        if (
            trimmed.Length is 2 or 3
            && char.IsAsciiLetter(trimmed[0])
            && char.IsAsciiLetter(trimmed[1])
            && char.IsAsciiLetter(trimmed[^1])
            && Data.Value.ByCode.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(trimmed, out country)
        )
        {
            return true; // fast path: an ISO code in any case
        }

        var key = TextFold.Key(text);
        return key.Length > 0 && Data.Value.ByKey.TryGetValue(key, out country);
    }

    /// <summary>Every folded name and alias (not codes) with its country: used to find country names in free
    /// text.</summary>
    internal static IEnumerable<(string Phrase, Country Country)> NamePhrases()
    {
        foreach (var c in All)
        {
            yield return (TextFold.Phrase(c.Name), c);
            foreach (var a in c.Aliases)
            {
                yield return (TextFold.Phrase(a), c);
            }
        }
    }

    /// <summary>
    /// Every folded demonym ("zambian", "kenyane") with its country, from Geography/Data/demonyms.tsv (derived from
    /// world-countries, ODbL; only demonyms of one country that are not language names nor ordinary words): used to
    /// find countries named by their adjective in free text ("publishing Zambian legislation").
    /// </summary>
    internal static IEnumerable<(string Phrase, Country Country)> DemonymPhrases()
    {
        foreach (var row in GeoResources.Rows("demonyms.tsv"))
        {
            if (!TryResolve(row.At(1), out var country))
            {
                throw new InvalidDataException($"demonyms.tsv: unknown country '{row.At(1)}' for '{row[0]}'");
            }

            yield return (TextFold.Phrase(row[0]), country);
        }
    }

    /// <summary>
    /// Names that stand for one country in a recipient's name only ("usaid": the United States), from
    /// Geography/Data/name-bases.tsv: the acronyms of national development agencies, whose staff and contractors aid
    /// records name as the implementer. Not read in free text, where an agency is the donor, not a place.
    /// </summary>
    internal static IEnumerable<(string Phrase, Country Country)> NameBasePhrases()
    {
        foreach (var row in GeoResources.Rows("name-bases.tsv"))
        {
            if (!TryResolve(row.At(1), out var country))
            {
                throw new InvalidDataException($"name-bases.tsv: unknown country '{row.At(1)}' for '{row[0]}'");
            }

            yield return (TextFold.Phrase(row[0]), country);
        }
    }

    private sealed record Table(
        IReadOnlyList<Country> All,
        FrozenDictionary<string, Country> ByKey,
        FrozenDictionary<string, Country> ByCode
    );

    private static Table Load()
    {
        using var stream = typeof(Countries).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        var all = new List<Country>(260);
        var byKey = new Dictionary<string, Country>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var f = line.Split(';');
            if (f.Length != 7)
            {
                throw new InvalidDataException($"countries.csv line {lineNumber}: expected 7 fields, found {f.Length}");
            }

            WorldRegion? region = null;
            if (f[3].Length > 0)
            {
                region = WorldRegions.TryParse(f[3], out var r)
                    ? r
                    : throw new InvalidDataException($"countries.csv line {lineNumber}: unknown region '{f[3]}'");
            }

            var aliases =
                f[6].Length == 0
                    ? []
                    : f[6].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var country = new Country(f[0], f[1], f[2], region, f[4], f[5].Length == 0 ? null : f[5], aliases);
            all.Add(country);
            foreach (var name in (string[])[f[0], f[1], f[2], .. aliases])
            {
                var key = TextFold.Key(name);
                if (byKey.TryGetValue(key, out var existing) && existing != country)
                {
                    throw new InvalidDataException(
                        $"countries.csv line {lineNumber}: '{name}' already names " + $"{existing.Alpha2}"
                    );
                }

                byKey[key] = country;
            }
        }

        var byCode = all.SelectMany(c => new[] { (c.Alpha2, c), (c.Alpha3, c) })
            .ToFrozenDictionary(x => x.Item1, x => x.c, StringComparer.OrdinalIgnoreCase);
        return new Table(all, byKey.ToFrozenDictionary(StringComparer.Ordinal), byCode);
    }
}

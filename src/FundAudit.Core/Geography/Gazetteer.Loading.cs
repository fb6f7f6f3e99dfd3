using System.Collections.Frozen;
using FundAudit.Core.Classification;

namespace FundAudit.Core.Geography;

public static partial class Gazetteer
{
    private static readonly string[] DirectionWords =
    [
        "north",
        "south",
        "east",
        "west",
        "central",
        "northern",
        "southern",
        "eastern",
        "western",
        "centre",
        "center",
        "capital",
        "upper",
        "lower",
        "middle",
        "norte",
        "sur",
        "sul",
        "nord",
        "est",
        "ouest",
        "oeste",
        "centro",
        "leste",
        "greater",
        "city",
        "north east",
        "north west",
        "south east",
        "south west",
        "north central",
        "south central",
        "east central",
        "west central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "central region",
        "northern region",
        "southern region",
        "eastern region",
        "western region",
        "nord est",
        "nord ouest",
        "sud est",
        "sud ouest",
        "sud",
        "noreste",
        "noroeste",
        "sureste",
        "suroeste",
        "nordeste",
    ];

    private static (string, SubPlace)[] BuildPhrases()
    {
        var index = Data.Value;
        var excluded = new HashSet<string>(DirectionWords, StringComparer.Ordinal);
        excluded.UnionWith(Countries.NamePhrases().Select(p => p.Phrase));
        excluded.UnionWith(Places.AreaPhrases().Select(p => p.Phrase));
        var result = new Dictionary<string, SubPlace>(StringComparer.Ordinal);
        foreach (var (name, reading, textSafe) in index.PhraseCandidates)
        {
            var phrase = TextFold.Phrase(name);
            if (
                phrase.Length < 4
                || excluded.Contains(phrase)
                || index.OrdinaryWords.Contains(phrase)
                || result.ContainsKey(phrase)
            )
            {
                continue;
            }

            if (reading.Source == Source.Scope)
            {
                if (textSafe)
                {
                    result[phrase] = reading.Place;
                }

                continue;
            }

            var key = TextFold.Key(phrase);
            var readings = index.ByKey[key];
            if (
                readings.Any(r => r.Source == Source.Scope)
                || readings.Any(r => r.Place.Country != reading.Place.Country)
                || NamedCountry(phrase, key) is not null
            )
            {
                continue; // names a hand-written scope (listed on its own), or places in several countries
            }

            result[phrase] = Best(readings);
        }

        return [.. result.Select(kv => (kv.Key, kv.Value)).OrderBy(p => p.Item1, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The phrases <see cref="BuildPhrases"/> leaves out only because they name places in several countries
    /// ("Portsmouth", "Cornwall", "Manchester"), each with its best reading per country: the recipient's base settles
    /// them.
    /// </summary>
    private static (string, SubPlace[])[] BuildBasePhrases()
    {
        var result = new Dictionary<string, SubPlace[]>(StringComparer.Ordinal);
        foreach (var (phrase, key, reading, readings) in FreeTextCandidates(ordinaryWords: false, []))
        {
            if (
                result.ContainsKey(phrase)
                || readings.Any(r => r.Source == Source.Scope)
                || readings.All(r => r.Place.Country == reading.Place.Country)
                || NamedCountry(phrase, key) is not null
            )
            {
                continue;
            }

            result[phrase] = [.. readings.GroupBy(r => r.Place.Country).Select(g => Best([.. g]))];
        }

        return [.. result.Select(kv => (kv.Key, kv.Value)).OrderBy(p => p.Item1, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The gazetteer's candidate names that free text may read as places, folded, each with its key and every reading
    /// of that key: not a hand-written scope, four letters or more, neither a direction word nor a country's or an
    /// area's name nor one of <paramref name="alsoExcluded"/>, and an ordinary word exactly when
    /// <paramref name="ordinaryWords"/>. A phrase can come more than once (one per candidate reading).
    /// </summary>
    private static IEnumerable<(string Phrase, string Key, Reading Reading, Reading[] Readings)> FreeTextCandidates(
        bool ordinaryWords,
        IEnumerable<string> alsoExcluded
    )
    {
        var index = Data.Value;
        var excluded = new HashSet<string>(DirectionWords, StringComparer.Ordinal);
        excluded.UnionWith(Countries.NamePhrases().Select(p => p.Phrase));
        excluded.UnionWith(Places.AreaPhrases().Select(p => p.Phrase));
        excluded.UnionWith(alsoExcluded);
        foreach (var (name, reading, _) in index.PhraseCandidates)
        {
            var phrase = TextFold.Phrase(name);
            if (
                reading.Source != Source.Scope
                && phrase.Length >= 4
                && !excluded.Contains(phrase)
                && index.OrdinaryWords.Contains(phrase) == ordinaryWords
            )
            {
                var key = TextFold.Key(phrase);
                yield return (phrase, key, reading, index.ByKey[key]);
            }
        }
    }

    private static Index Load()
    {
        var loader = new Loader();
        loader.AddScopes();
        loader.AddSubdivisions();
        loader.AddUkDistricts();
        loader.AddPlaces();
        loader.AddOrdinaryWords();
        return loader.ToIndex();
    }

    /// <summary>The tables read into the index, one table a step, in the order their readings rank.</summary>
    private sealed class Loader
    {
        private readonly Dictionary<string, List<Reading>> byKey = new(48_000, StringComparer.Ordinal);
        private readonly List<(string, Reading, bool)> phrases = new(40_000);
        private readonly HashSet<string> ordinary = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SubPlace> byIso = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> types = new(StringComparer.Ordinal);

        /// <summary>The hand-written scopes (Data/scopes.tsv): "UK Wide", "London", "South West".</summary>
        public void AddScopes()
        {
            foreach (var row in GeoResources.Rows("scopes.tsv"))
            {
                if (!Countries.TryResolve(row[2], out var country))
                {
                    throw new InvalidDataException($"scopes.tsv: unknown country '{row[2]}' for {row[3]}");
                }

                var code = row.At(4).Length == 0 ? null : row.At(4);
                var parent = code is not null && code.StartsWith("E1", StringComparison.Ordinal) ? "GB-ENG" : null;
                var place = new SubPlace(row[3], country, Enum.Parse<SubPlaceKind>(row[1]), code) { Parent = parent };
                var flags = row.At(5);
                var reading = new Reading(place, Source.Scope, flags.Contains('C'));
                foreach (var name in row[0].Split('|'))
                {
                    Add(name, reading);
                    phrases.Add((name, reading, flags.Contains('T')));
                }
            }
        }

        /// <summary>ISO 3166-2 subdivisions in their languages, with their other names.</summary>
        public void AddSubdivisions()
        {
            foreach (var row in GeoResources.Rows("subdivisions.tsv"))
            {
                if (!Countries.TryResolve(row[1], out var country))
                {
                    continue; // a subdivision of a code the country table does not hold
                }

                var parent =
                    row[3].Length == 0 ? null
                    : row[3].Contains('-') ? row[3]
                    : row[1] + "-" + row[3];
                var kind = parent is null ? SubPlaceKind.ConstituentCountry : SubPlaceKind.District;
                var bracket = row[4].IndexOf(" [", StringComparison.Ordinal);
                var display = bracket > 0 ? row[4][..bracket] : row[4];
                var place = new SubPlace(display, country, kind, row[0]) { Parent = parent };
                byIso[row[0]] = place;
                types[row[0]] = row[2];
                var reading = new Reading(place, Source.Subdivision, false);
                foreach (
                    var form in (string[])
                        [row[4], row.At(5), row.At(6), row.At(7), .. row.At(8).Split('|'), .. row.At(9).Split('|')]
                )
                {
                    if (form.Length > 0)
                    {
                        Add(form, reading);
                        phrases.Add((form, reading, true));
                    }
                }
            }
        }

        public void AddUkDistricts()
        {
            if (Countries.TryResolve("GB", out var gb))
            {
                foreach (var row in GeoResources.Rows("uk-districts.tsv"))
                {
                    var district = new SubPlace(row[0], gb, SubPlaceKind.District, null) { Parent = row[1] };
                    var reading = new Reading(district, Source.Subdivision, false);
                    Add(row[0], reading);
                    phrases.Add((row[0], reading, true));
                }
            }
        }

        /// <summary>GeoNames cities and towns; the most populous are also looked for in free text.</summary>
        public void AddPlaces()
        {
            foreach (var row in GeoResources.Rows("places.tsv"))
            {
                if (!Countries.TryResolve(row[2], out var country))
                {
                    continue;
                }

                var population = int.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture);
                var parent = row[2] switch
                {
                    "GB" when row[3] is "ENG" or "SCT" or "WLS" or "NIR" => "GB-" + row[3],
                    "US" when row[3].Length == 2 => "US-" + row[3],
                    _ => null,
                };
                var place = new SubPlace(row[0], country, SubPlaceKind.Locality, null)
                {
                    Parent = parent,
                    Population = population,
                };
                var reading = new Reading(place, Source.Place, false);
                Add(row[0], reading);
                if (row[0].StartsWith("Saint ", StringComparison.Ordinal))
                {
                    Add("St " + row[0][6..], reading); // "St Andrews" for GeoNames' "Saint Andrews"
                }

                if (row[1].Length > 0)
                {
                    Add(row[1], reading);
                }

                if (row.At(5).Contains('W'))
                {
                    ordinary.Add(TextFold.Phrase(row[0])); // a candidate still, read only in context (ContextPhrases)
                }

                if (population >= TextPhraseMinPopulation)
                {
                    phrases.Add((row[0], reading, true));
                }
            }
        }

        public void AddOrdinaryWords()
        {
            foreach (var row in GeoResources.Rows("ordinary-words.tsv"))
            {
                ordinary.Add(row[0]);
            }
        }

        public Index ToIndex() =>
            new Index(
                byKey.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal),
                byIso.ToFrozenDictionary(StringComparer.Ordinal),
                types.ToFrozenDictionary(StringComparer.Ordinal),
                ordinary.ToFrozenSet(StringComparer.Ordinal),
                [.. phrases]
            );

        private void Add(string name, Reading reading)
        {
            var key = TextFold.Key(name);
            if (key.Length == 0)
            {
                return;
            }

            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = new List<Reading>(1);
            }

            if (!list.Exists(r => ReferenceEquals(r.Place, reading.Place)))
            {
                list.Add(reading);
            }
        }
    }
}

using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

public sealed partial class ClassificationEngine
{
    /// <summary>The engine's terms while it is built: each added to the trie; kind, sub-kind, weight, label.</summary>
    private sealed class TermTable(TermMatcher matcher)
    {
        public List<TermKind> Kind { get; } = [];

        public List<int> Sub { get; } = [];

        public List<double> Weight { get; } = [];

        public List<string> Label { get; } = [];

        public List<Place> PlaceTerms { get; } = [];

        public List<SubPlace> SubPlaceTerms { get; } = [];

        /// <summary>Names of places in several countries, each with its reading per country (the recipient's base
        /// settles them).</summary>
        public List<SubPlace[]> BasePlaceTerms { get; } = [];

        /// <summary>Places whose names are also ordinary words, each after one locative preposition ("in
        /// goma").</summary>
        public List<(SubPlace[] Readings, string Preposition, string Phrase)> ContextPlaceTerms { get; } = [];

        /// <summary>The rule set's terms: purposes, exceptions, clause markers, flexibility, level hints.</summary>
        public void AddRuleTerms(RuleSet rules)
        {
            foreach (var (purpose, terms) in rules.PurposeTerms)
            {
                AddWeighted(terms, TermKind.Purpose, (int)purpose);
            }

            foreach (var (purpose, terms) in rules.PurposeExceptions)
            {
                AddWeighted(terms, TermKind.PurposeException, (int)purpose);
            }

            AddWeighted(rules.ClauseMarkers, TermKind.ClauseMarker);
            AddWeighted(rules.FlexibleTerms, TermKind.Flexible);
            AddWeighted(rules.FlexibleExceptions, TermKind.FlexibleException);
            foreach (var (level, terms) in rules.LevelTerms)
            {
                AddWeighted(terms, TermKind.LevelHint, (int)level);
            }

            foreach (var (level, terms) in rules.RecipientLevelTerms)
            {
                AddWeighted(terms, TermKind.RecipientKind, (int)level);
            }

            AddWeighted(rules.SiteTerms, TermKind.SiteWork);
        }

        /// <summary>Each of a rule set's weighted terms, folded as the text is, labelled with the term as
        /// written.</summary>
        private void AddWeighted(IEnumerable<WeightedTerm> terms, TermKind kind, int sub = 0)
        {
            foreach (var t in terms)
            {
                Add(RuleSet.FoldTerm(t.Term), kind, sub, t.Weight, t.Term);
            }
        }

        /// <summary>Names (and demonyms) of countries, regions and places in countries looked for in free
        /// text.</summary>
        public void AddPlaceNames()
        {
            var placePhrases = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (phrase, country) in Countries.NamePhrases().Concat(Countries.DemonymPhrases()))
            {
                if (phrase.Length >= 4 && !AmbiguousTextPlaces.Contains(phrase) && placePhrases.Add(phrase))
                {
                    Add("non " + phrase, TermKind.NotPlace, 0, 0, "non " + phrase); // "Non United States"
                    if (ConstituentCountry(phrase, country) is { } part)
                    {
                        SubPlaceTerms.Add(part); // "Scotland", "Northern Ireland": sub-national (TAXONOMY.md)
                        Add(phrase, TermKind.SubPlace, SubPlaceTerms.Count - 1, 0, phrase);
                        continue;
                    }

                    PlaceTerms.Add(Places.ForCountry(country));
                    Add(phrase, TermKind.Place, PlaceTerms.Count - 1, 0, phrase);
                }
            }

            AddShortCodes(placePhrases);
            foreach (var (phrase, country) in Countries.NameBasePhrases())
            {
                if (placePhrases.Add(phrase))
                {
                    PlaceTerms.Add(Places.ForCountry(country)); // "Personnel Unknown - USAID": the United States
                    Add(phrase, TermKind.NameBase, PlaceTerms.Count - 1, 0, phrase);
                }
            }

            foreach (var (phrase, place) in Places.AreaPhrases())
            {
                if (
                    place.Kind == PlaceKind.Region
                    && phrase.Length >= 4
                    && !AmbiguousTextPlaces.Contains(phrase)
                    && placePhrases.Add(phrase)
                )
                {
                    PlaceTerms.Add(place);
                    Add(phrase, TermKind.Place, PlaceTerms.Count - 1, 0, phrase);
                }
            }

            foreach (var (phrase, place) in Gazetteer.TextPhrases())
            {
                if (phrase.Length >= 4 && !AmbiguousTextPlaces.Contains(phrase) && placePhrases.Add(phrase))
                {
                    SubPlaceTerms.Add(place);
                    Add(phrase, TermKind.SubPlace, SubPlaceTerms.Count - 1, 0, phrase);
                }
            }

            AddBasePlaceNames(placePhrases);
            AddContextPlaceNames(placePhrases);
            foreach (var title in PersonTitles.Where(t => !placePhrases.Contains(t)))
            {
                Add(title, TermKind.PersonTitle, 0, 0, title); // "Queen Mary": a person, not Mary in Turkmenistan
            }
        }

        /// <summary>Places whose names are also ordinary words ("Goma", "Derby"), after a locative preposition in
        /// English, Spanish, French or Portuguese; the capital letter is checked on the text as written.</summary>
        private void AddContextPlaceNames(HashSet<string> placePhrases)
        {
            foreach (var (phrase, readings) in Gazetteer.ContextPhrases())
            {
                if (AmbiguousTextPlaces.Contains(phrase) || placePhrases.Contains(phrase))
                {
                    continue;
                }

                foreach (var preposition in LocativePrepositions)
                {
                    ContextPlaceTerms.Add((readings, preposition, phrase));
                    var term = preposition + " " + phrase;
                    Add(term, TermKind.ContextPlace, ContextPlaceTerms.Count - 1, 0, term);
                }
            }
        }

        /// <summary>"the USA", "the DRC", "the UAE": a country's short code is a place only after the
        /// article.</summary>
        private void AddShortCodes(HashSet<string> placePhrases)
        {
            foreach (var c in Countries.All)
            {
                foreach (var code in c.Aliases.Where(a => a.Length is 2 or 3 && a.All(char.IsAsciiLetterUpper)))
                {
                    var phrase = "the " + TextFold.Phrase(code);
                    if (placePhrases.Add(phrase))
                    {
                        PlaceTerms.Add(Places.ForCountry(c));
                        Add(phrase, TermKind.Place, PlaceTerms.Count - 1, 0, phrase);
                    }
                }
            }
        }

        /// <summary>Place names with readings in several countries ("Portsmouth"): the recipient's base settles
        /// them.</summary>
        private void AddBasePlaceNames(HashSet<string> placePhrases)
        {
            foreach (var (phrase, readings) in Gazetteer.BaseTextPhrases())
            {
                if (!AmbiguousTextPlaces.Contains(phrase) && placePhrases.Add(phrase))
                {
                    BasePlaceTerms.Add(readings);
                    Add(phrase, TermKind.BasePlace, BasePlaceTerms.Count - 1, 0, phrase);
                }
            }
        }

        // An alias of a country that is one of its constituent countries ("scotland" of GB), as the scopes know it.
        private static SubPlace? ConstituentCountry(string phrase, Country country) =>
            !phrase.Equals(TextFold.Phrase(country.Name), StringComparison.Ordinal)
            && Gazetteer.TryResolveName(phrase, country.Alpha2, out var part)
            && part.Kind == SubPlaceKind.ConstituentCountry
            && part.Country == country
                ? part
                : null;

        private void Add(string folded, TermKind k, int s, double w, string l)
        {
            matcher.Add(folded, Kind.Count);
            Kind.Add(k);
            Sub.Add(s);
            Weight.Add(w);
            Label.Add(l);
        }
    }
}

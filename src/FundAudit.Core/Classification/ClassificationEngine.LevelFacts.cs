using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Core.Classification;

/// <summary>Level, the facts its rules read: where the recipient is based, where the work happens, and the level
/// hints in the text.</summary>
public sealed partial class ClassificationEngine
{
    /// <summary>What the level rules know about one grant.</summary>
    private sealed record LevelFacts(
        Country? Base,
        WorkPlaces Work,
        string Source,
        bool FromText,
        LevelHints Hints,
        bool Individual,
        bool International
    )
    {
        public string BaseText => Base is null ? "" : BaseTexts[Base];
    }

    private LevelFacts LevelFactsOf(
        GrantRecord grant,
        ReadOnlySpan<int> hits,
        ReadOnlySpan<float> factor,
        bool campaign,
        List<string> evidence
    )
    {
        var recorded = RecipientBase(grant, evidence, out var international);
        var baseCountry = NameCorrects(grant.RecipientOrgName, recorded, evidence);
        var work = new WorkPlaces();
        foreach (var loc in grant.BeneficiaryLocations)
        {
            work.Read(loc, baseCountry, evidence);
        }

        work.DropAreasAroundOneCountry(evidence);

        var text = TextPlaces(hits, factor, PlaceInText, baseCountry, grant);
        var source = "beneficiary locations";
        var fromText = false;
        if (work.IsOnly(baseCountry) && (AnyOther(text.Countries, baseCountry) || text.Areas.Count > 0))
        {
            // A funder that records the recipient's own country says nothing about where the work happens.
            evidence.Add(
                $"the beneficiary location is only the recipient's own country ({baseCountry!.Alpha2}); "
                    + $"the text names {text.Describe()}"
            );
            (work, source, fromText) = (text, "places named in the text", true);
        }
        else if ((baseCountry is null || (work.IsOnly(baseCountry) && !campaign)) && work.RefineBy(text, evidence))
        {
            // Nobody says where the recipient is based (an IATI partner named only in free text), or the one country
            // is the recipient's own, which says nothing about the work's place (TAXONOMY.md): the places the text
            // names inside it are the best evidence of where the work happens. Not for a campaign, which speaks to
            // the country's policy-makers where they sit ("meetings with embassies in Phnom Penh").
            (source, fromText) = ("beneficiary locations and places named in the text", true);
        }
        else if (work.IsOneWholeCountry && baseCountry is null && AnyOther(text.Countries, work.Countries[0]))
        {
            // One whole country and a text about others: the country is most likely the recipient's own.
            evidence.Add(
                $"the beneficiary location is one whole country ({work.Countries[0].Alpha2}), taken as the "
                    + $"recipient's base; the text names {text.Describe()}"
            );
            baseCountry = work.Countries[0];
            (work, source, fromText) = (text, "places named in the text", true);
        }
        else if (!work.Any && text.Any && !text.IsOnly(baseCountry))
        {
            (work, source, fromText) = (text, "places named in the text", true);
        }

        // Read after the places of work, which a base known only from the name does not redefine.
        baseCountry ??= international ? null : NamedBase(hits, factor, evidence);
        var hints = Hints(hits, factor, baseCountry);
        return new LevelFacts(baseCountry, work, source, fromText, hints, grant.RecipientIsIndividual, international);
    }

    // Loops rather than LINQ with a lambda: the lambda's captured parameter cost an object on every call.
    private static SubPlace? ReadingIn(SubPlace[] readings, Country? country)
    {
        foreach (var r in readings)
        {
            if (r.Country == country)
            {
                return r;
            }
        }

        return null;
    }

    // A loop rather than Any with a lambda: the lambda's captured locals cost an object on every grant.
    private static bool AnyOther(List<Country> countries, Country? country)
    {
        foreach (var c in countries)
        {
            if (c != country)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where the recipient is based: its address country, its locations, then its organisation
    /// identifier.</summary>
    private static Country? RecipientBase(GrantRecord grant, List<string> evidence, out bool international)
    {
        international = false;
        if (!string.IsNullOrWhiteSpace(grant.RecipientOrgCountry))
        {
            if (Countries.TryResolve(grant.RecipientOrgCountry, out var c))
            {
                return c;
            }

            evidence.Add($"unknown country: {grant.RecipientOrgCountry}");
        }

        foreach (var code in grant.RecipientLocationCountryCodes)
        {
            if (Countries.TryResolve(code, out var c))
            {
                return c;
            }
        }

        if (OrganisationIds.TryBase(grant.RecipientOrgId, out var fromId, out international) && fromId is not null)
        {
            evidence.Add($"recipient identifier {grant.RecipientOrgId}: registered in {fromId.Alpha2}");
            return fromId;
        }

        if (international)
        {
            evidence.Add($"recipient identifier {grant.RecipientOrgId}: on a list of international bodies");
            return null;
        }

        return AddressBase(grant, evidence);
    }

    /// <summary>
    /// The recipient's name negates the country its data gives ("NGO - Non United States Unknown" with a channel
    /// code of a United States NGO): the name is the more specific evidence, so the base is unknown.
    /// </summary>
    private static bool NameDenies(string? name, Country country)
    {
        if (string.IsNullOrEmpty(name) || !name.Contains("non", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var folded = " " + TextFold.Phrase(name) + " ";
        foreach (var alias in (string[])[country.Name, .. country.Aliases])
        {
            if (folded.Contains(" non " + TextFold.Phrase(alias) + " ", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The recipient's name corrects the base its data gives: a name that negates that country leaves the
    /// base unknown, a name that says it is a country's government puts it there.</summary>
    private static Country? NameCorrects(string? name, Country? baseCountry, List<string> evidence)
    {
        if (baseCountry is not null && NameDenies(name, baseCountry))
        {
            evidence.Add($"the recipient's name says it is not of {baseCountry.Alpha2}: its base is unknown");
            return null;
        }

        if (GovernmentNamed(name) is { } government && government != baseCountry)
        {
            evidence.Add($"the recipient's name says it is the government of {government.Alpha2}: based there");
            return government;
        }

        return baseCountry;
    }

    /// <summary>
    /// The country whose government the recipient's name says it is ("Government of Brazil", "Brazil Government": a
    /// country's name or alias). A government is based in its own country, whatever else the record says (an aid
    /// record's "public sector" channel code is read as the donor's own country).
    /// </summary>
    private static Country? GovernmentNamed(string? name)
    {
        if (string.IsNullOrEmpty(name) || !name.Contains("government", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var folded = " " + TextFold.Phrase(name) + " ";
        foreach (var (phrase, country) in Countries.NamePhrases())
        {
            if (
                folded.Contains(" government of " + phrase + " ", StringComparison.Ordinal)
                || folded.Contains(" government of the " + phrase + " ", StringComparison.Ordinal)
                || folded.Contains(" " + phrase + " government ", StringComparison.Ordinal)
            )
            {
                return country;
            }
        }

        return null;
    }

    /// <summary>
    /// Where the recipient is based when no address, location or identifier says it: the one country its name names
    /// ("Enterprise - United States", "Caritas Congo"), as TAXONOMY.md takes any evidence of the base. A name that
    /// names places of several countries, or a world area, says nothing. Read after the places of work: a base
    /// known only from a name does not make the beneficiary location "the recipient's own country".
    /// </summary>
    private Country? NamedBase(ReadOnlySpan<int> hits, ReadOnlySpan<float> factor, List<string> evidence)
    {
        var named = TextPlaces(hits, factor, PlaceInName, null);
        if (named.Countries.Count != 1 || named.Areas.Count > 0 || named.Global)
        {
            return null;
        }

        var c = named.Countries[0];
        evidence.Add($"the recipient's name names {c.Alpha2}: based there");
        return c;
    }

    /// <summary>
    /// Where the recipient is based by its address without a country: a UK postcode, or a county or town that names
    /// one place only ("Manchester" does not: it has readings in GB and the US, and is left alone).
    /// </summary>
    private static Country? AddressBase(GrantRecord grant, List<string> evidence)
    {
        foreach (
            var part in (string?[])[grant.RecipientOrgPostalCode, grant.RecipientOrgRegion, grant.RecipientOrgLocality]
        )
        {
            if (
                !string.IsNullOrWhiteSpace(part)
                && !Gazetteer.IsAmbiguous(part)
                && Gazetteer.TryResolveName(part, null, out var place)
            )
            {
                evidence.Add($"the recipient's address '{part.Trim()}': in {place.Country.Alpha2}");
                return place.Country;
            }
        }

        return null;
    }

    private WorkPlaces TextPlaces(
        ReadOnlySpan<int> hits,
        ReadOnlySpan<float> factor,
        int where,
        Country? recipientBase,
        GrantRecord? written = null
    )
    {
        var work = new WorkPlaces();
        foreach (var id in hits)
        {
            if (((int)factor[id] & where) == 0)
            {
                continue;
            }

            if (_kind[id] is TermKind.Place or TermKind.NameBase)
            {
                var p = _places[_sub[id]];
                if (p.Country is { } c)
                {
                    work.AddCountry(c);
                }
                else
                {
                    work.AddArea(p);
                }
            }
            else if (_kind[id] == TermKind.SubPlace)
            {
                work.AddSubPlace(_subPlaces[_sub[id]]);
            }
            else if (_kind[id] == TermKind.ContextPlace && written is not null)
            {
                var (readings, preposition, phrase) = _contextPlaces[_sub[id]];
                var place = readings.Length == 1 ? readings[0] : ReadingIn(readings, recipientBase);
                if (
                    place is not null
                    && (
                        WrittenAsName(written.Title, preposition, phrase)
                        || WrittenAsName(written.Description, preposition, phrase)
                    )
                )
                {
                    work.AddSubPlace(place); // "families displaced in Goma": the town, not the word
                }
            }
            else if (_kind[id] == TermKind.BasePlace && recipientBase is not null)
            {
                foreach (var reading in _basePlaces[_sub[id]])
                {
                    if (reading.Country == recipientBase)
                    {
                        work.AddSubPlace(reading); // "Portsmouth" of a recipient based in GB: the English city
                    }
                }
            }
        }

        return work;
    }
}

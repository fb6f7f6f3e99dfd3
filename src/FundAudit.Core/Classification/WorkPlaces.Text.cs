using System.Text;
using FundAudit.Core.Geography;

namespace FundAudit.Core.Classification;

/// <summary>The texts of places in evidence lines.</summary>
internal sealed partial class WorkPlaces
{
    [ThreadStatic]
    private static StringBuilder? _describe;

    /// <summary>"SN, CD, Dakar, Nord-Kivu (Africa)": the places, then their world regions. Written into one builder
    /// per thread, without LINQ: it is part of an evidence line of many grants.</summary>
    public string Describe()
    {
        var text = (_describe ??= new StringBuilder(128)).Clear();
        var first = true;
        foreach (var c in Countries)
        {
            Part(c.Alpha2);
        }

        foreach (var area in Areas)
        {
            Part(area);
        }

        foreach (var place in SubNational)
        {
            Part(place);
        }

        text.Append(" (");
        first = true;
        for (var i = 0; i < WorldRegions.All.Count; i++)
        {
            if ((RegionMask & (1 << (int)WorldRegions.All[i])) != 0)
            {
                Part(WorldRegions.All[i].DisplayName());
            }
        }

        return text.Append(')').ToString();

        void Part(string part)
        {
            text.Append(first ? "" : ", ").Append(part);
            first = false;
        }
    }

    // "Nairobi City, a county of KE" once per place: a place code's evidence line, and the place lines below.
    private static readonly Kept<(string Place, SubPlaceKind Kind, string Country, string? Code), string> Descriptions =
        new(static k => Describe(k.Place, k.Kind, k.Country, k.Code));

    // "place 'Nairobi': Nairobi City, a county of KE", written once per name and place read.
    private static readonly Kept<
        (string Name, string Place, SubPlaceKind Kind, string Country, string? Code),
        string
    > PlaceLines = new(static k => $"place '{k.Name}': {Descriptions[(k.Place, k.Kind, k.Country, k.Code)]}");

    private static string PlaceLine(string name, SubPlace p) =>
        PlaceLines[(name, p.Name, p.Kind, p.Country.Alpha2, p.Code)];

    internal static string Describe(SubPlace p) => Descriptions[(p.Name, p.Kind, p.Country.Alpha2, p.Code)];

    private static string Describe(string name, SubPlaceKind kind, string country, string? code) =>
        kind switch
        {
            SubPlaceKind.CountryWide => $"the whole of {country}",
            SubPlaceKind.ConstituentCountry
                when OnsCodes.TryParse(code, out var ons) && ons.Scope == OnsScope.EnglandAndWales =>
                $"{name}, two constituent countries of {country}",
            _ => $"{name}, {KindName(kind, country, Gazetteer.SubdivisionType(code))} of {country}",
        };

    /// <summary>
    /// What the place is: one of the UK's four constituent countries (TAXONOMY.md's term, whatever the list it came
    /// from calls it); else an ISO 3166-2 subdivision's own type ("a county", "a state", "an autonomous region");
    /// else the kind.
    /// </summary>
    internal static string KindName(SubPlaceKind kind, string country, string? subdivisionType) =>
        (kind, country, subdivisionType) switch
        {
            (SubPlaceKind.ConstituentCountry, "GB", _) => "a constituent country",
            (_, _, { Length: > 0 } type) => WithArticle(type, country),
            (SubPlaceKind.ConstituentCountry, _, _) => "a first-level subdivision",
            (SubPlaceKind.Region, _, _) => "a region",
            (SubPlaceKind.District, _, _) => "a district",
            _ => "a locality",
        };

    /// <summary>
    /// iso-codes' type as a noun phrase: "County" → "a county", "Autonomous region" → "an autonomous region",
    /// "Unitary authority" → "a unitary authority", "London borough" and "Pakistan administered area" (a name of
    /// <paramref name="country"/> or of a place in it kept as written),
    /// "Islands, groups of islands" → "a group of islands", "Districts under republic administration" → "one of the
    /// districts under republic administration".
    /// </summary>
    internal static string WithArticle(string type, string country)
    {
        if (type.StartsWith("Islands, ", StringComparison.Ordinal))
        {
            return "a group of islands";
        }

        var space = type.IndexOf(' ');
        var first = space < 0 ? type : type[..space];
        var named =
            Geography.Countries.TryResolve(first, out _)
            || Gazetteer.Candidates(first).Any(p => p.Country.Alpha2 == country && p.Name == first);
        var phrase = named ? type : char.ToLowerInvariant(type[0]) + type[1..];
        if (first.EndsWith('s') && !first.EndsWith("ous", StringComparison.Ordinal))
        {
            return "one of the " + phrase;
        }

        var an =
            phrase[0] is 'a' or 'e' or 'i' or 'o'
            || (phrase[0] == 'u' && !phrase.StartsWith("uni", StringComparison.Ordinal));
        return (an ? "an " : "a ") + phrase;
    }
}

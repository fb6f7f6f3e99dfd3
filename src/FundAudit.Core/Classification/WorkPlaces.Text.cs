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

    // "place 'Nairobi': Nairobi City, a constituent country or state of KE", written once per name and place read.
    private static readonly Kept<(string Name, string Place, SubPlaceKind Kind, string Country), string> PlaceLines =
        new(static k => $"place '{k.Name}': {Describe(k.Place, k.Kind, k.Country)}");

    private static string PlaceLine(string name, SubPlace p) => PlaceLines[(name, p.Name, p.Kind, p.Country.Alpha2)];

    internal static string Describe(SubPlace p) => Describe(p.Name, p.Kind, p.Country.Alpha2);

    private static string Describe(string name, SubPlaceKind kind, string country) =>
        kind switch
        {
            SubPlaceKind.CountryWide => $"the whole of {country}",
            _ => $"{name}, {KindName(kind)} of {country}",
        };

    private static string KindName(SubPlaceKind kind) =>
        kind switch
        {
            SubPlaceKind.ConstituentCountry => "a constituent country or state",
            SubPlaceKind.Region => "a region",
            SubPlaceKind.District => "a district",
            _ => "a locality",
        };
}

using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace FundAudit.Core.Geography;

/// <summary>What an organisation identifier's register says about where the organisation is based.</summary>
public enum OrgIdSchemeKind
{
    /// <summary>A national register (GB-CHC, US-EIN, NL-KVK): the organisation is based in its country.</summary>
    Country,

    /// <summary>XM- lists: multilateral and intergovernmental bodies (XM-DAC): based nowhere in particular.</summary>
    International,

    /// <summary>XI- lists: global identifier schemes (XI-GRID, XI-LEI, XI-IATI, XI-WIKIDATA) that cover
    /// organisations anywhere, so the identifier says nothing about the base.</summary>
    GlobalScheme,
}

/// <summary>One list of the org-id.guide register.</summary>
/// <param name="Prefix">The list code, as the register writes it ("GB-CHC", "BE-BCE_KBO").</param>
/// <param name="Kind">What the register says about where an organisation in it is based.</param>
/// <param name="Country">The country of a national register; null otherwise.</param>
/// <param name="SubnationalCoverage">ISO 3166-2 codes the register is limited to ("GB-SCT" for GB-SC).</param>
/// <param name="Deprecated">The register marks the list as deprecated.</param>
public sealed record OrgIdScheme(
    string Prefix,
    OrgIdSchemeKind Kind,
    Country? Country,
    IReadOnlyList<string> SubnationalCoverage,
    bool Deprecated
);

/// <summary>
/// The recipient's base from its organisation identifier ("GB-CHC-1234567", "US-EIN-12-3456789", "XM-DAC-41114"),
/// by the identifier's list prefix in the org-id.guide register (Geography/Data/org-id-prefixes.tsv, ODbL).
/// 360Giving's own "360G-" identifiers and prefixes the register does not list say nothing.
/// </summary>
public static class OrganisationIds
{
    private static readonly Lazy<FrozenDictionary<string, OrgIdScheme>> Schemes = new(
        Load,
        LazyThreadSafetyMode.ExecutionAndPublication
    );

    /// <summary>
    /// The register list an identifier belongs to: the longest prefix of up to three hyphen-separated parts the
    /// register lists ("CN-11-CR-…" before "CN-11"), case-insensitive.
    /// </summary>
    public static bool TryScheme(string? orgId, [NotNullWhen(true)] out OrgIdScheme? scheme)
    {
        scheme = null;
        var id = orgId.AsSpan().Trim();
        if (id.Length < 4)
        {
            return false;
        }

        var lookup = Schemes.Value.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<int> hyphens = stackalloc int[3];
        var found = 0;
        for (var i = 0; i < id.Length && found < 3; i++)
        {
            if (id[i] == '-')
            {
                hyphens[found++] = i;
            }
        }

        // A prefix is followed by a hyphen and the register's own number; try the longest first.
        for (var k = found - 1; k >= 1; k--)
        {
            if (lookup.TryGetValue(id[..hyphens[k]], out scheme))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Where the organisation is based, as far as its identifier tells: a national register gives its
    /// <paramref name="country"/>; an XM- list gives <paramref name="international"/> true and no country. Global
    /// schemes (XI-), "360G-" identifiers, unknown prefixes and empty text give false.
    /// </summary>
    public static bool TryBase(string? orgId, out Country? country, out bool international)
    {
        country = null;
        international = false;
        if (!TryScheme(orgId, out var scheme))
        {
            return false;
        }

        switch (scheme.Kind)
        {
            case OrgIdSchemeKind.Country when scheme.Country is not null:
                country = scheme.Country;
                return true;
            case OrgIdSchemeKind.International:
                international = true;
                return true;
            default:
                return false;
        }
    }

    private static FrozenDictionary<string, OrgIdScheme> Load()
    {
        var d = new Dictionary<string, OrgIdScheme>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in GeoResources.Rows("org-id-prefixes.tsv"))
        {
            var kind = row[1] switch
            {
                "country" => OrgIdSchemeKind.Country,
                "international" => OrgIdSchemeKind.International,
                "scheme" => OrgIdSchemeKind.GlobalScheme,
                _ => throw new InvalidDataException($"org-id-prefixes.tsv: unknown kind '{row[1]}' for {row[0]}"),
            };
            Country? country = null;
            if (kind == OrgIdSchemeKind.Country && !Countries.TryResolve(row[2], out country))
            {
                continue; // a register for a code the country table does not hold (XK Kosovo is one)
            }

            var sub = row.At(3).Length == 0 ? [] : row.At(3).Split('|');
            d[row[0]] = new OrgIdScheme(row[0], kind, country, sub, row.At(4) == "deprecated");
        }

        return d.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}

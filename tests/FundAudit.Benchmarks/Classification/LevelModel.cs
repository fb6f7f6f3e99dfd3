using System.Globalization;
using FundAudit.Core.Classification;
using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Benchmarks.Classification;

/// <summary>
/// Level as a model reads it (<c>evaluate-level-model</c>): the words of the title and description, the recipient's
/// name as a column of its own (with <see cref="ModelOptions.WithRecipient"/>), and facts as categories: the rules'
/// answer and decision key (as the engine's evidence names it), where the recipient is based (its address country,
/// its locations' countries, else its identifier's register) and that place's region, the identifier's register
/// prefix, how many beneficiary countries and regions the grant names and whether the one country is the base.
/// </summary>
internal static class LevelModel
{
    /// <summary>The facts a row carries with <c>--facts all</c> (the default); <c>--facts</c> can name some of them
    /// and two more that are not in "all" (<c>--facts all,funder,amount</c>): the funder (its identifier) and the
    /// amount's order of magnitude in its currency.</summary>
    public static readonly string[] FactNames =
    [
        "rules",
        "key",
        "base",
        "region",
        "prefix",
        "countries",
        "regions",
        "same",
        "individual",
        "key×prefix",
        "key×countries",
    ];

    public static readonly ModelDimension<GrantLevel> Dimension = new(
        "level",
        [GrantLevel.Local, GrantLevel.National, GrantLevel.Regional, GrantLevel.Global],
        c => c.Level,
        r => r.Level,
        Row,
        WeakOnly: true
    );

    private static ModelRow Row(EvaluationCase c, ModelOptions options)
    {
        var g = c.Grant;
        var wanted = options
            .Facts.Split(',')
            .SelectMany(n =>
                n == "all" ? FactNames
                : n == "none" ? []
                : new[] { n }
            )
            .ToHashSet(StringComparer.Ordinal);
        return new ModelRow
        {
            Label = c.Level.ToString(),
            Text = string.Join(" . ", new[] { g.Title, g.Description }.Where(t => !string.IsNullOrWhiteSpace(t))),
            Recipient = options.WithRecipient ? g.RecipientOrgName ?? "" : "",
            Facts = [.. Facts(g).Where(f => wanted.Contains(f.Name)).Select(f => $"{f.Name}={f.Value}")],
        };
    }

    private static IEnumerable<(string Name, string Value)> Facts(GrantRecord g)
    {
        var rules = ClassificationEngine.Default.Classify(g).Level;
        var key = Evaluation.DecisionOf(rules.Evidence) ?? "(none)";
        var (baseCountry, international) = Base(g);
        var prefix =
            OrganisationIds.TryScheme(g.RecipientOrgId, out var scheme) ? scheme.Prefix
            : string.IsNullOrWhiteSpace(g.RecipientOrgId) ? "(none)"
            : "(unknown)";
        var countries = g
            .BeneficiaryLocations.Select(l => Countries.TryResolve(l.CountryCode, out var k) ? k : null)
            .OfType<Country>()
            .Distinct()
            .ToList();
        var regions = countries.Select(k => k.Region).Distinct().Count();
        var many = countries.Count > 2 ? "3+" : countries.Count.ToString(CultureInfo.InvariantCulture);
        yield return ("rules", LevelNames.Name(rules.Value));
        yield return ("key", key);
        yield return ("base", international ? "international" : baseCountry?.Alpha2 ?? "(unknown)");
        yield return ("region", baseCountry?.Region?.ToString() ?? "(unknown)");
        yield return ("prefix", prefix);
        yield return ("countries", many);
        yield return ("regions", regions > 2 ? "3+" : regions.ToString(CultureInfo.InvariantCulture));
        yield return (
            "same",
            baseCountry is null || countries.Count != 1 ? "(unknown)"
            : countries[0] == baseCountry ? "yes"
            : "no"
        );
        yield return ("individual", g.RecipientIsIndividual ? "yes" : "no");
        yield return ("key×prefix", $"{key}&{prefix}");
        yield return ("key×countries", $"{key}&{many}");
        yield return ("funder", g.FundingOrgId ?? g.FundingOrgName ?? "(none)");
        var magnitude = Math.Floor(Math.Log10(Math.Max(100, g.AmountAwardedMinor) / 100.0));
        yield return ("amount", $"{g.Currency} 1e{magnitude.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Where the recipient is based as the data records it: its address country, its locations' countries,
    /// else its identifier's register (an XM- list: international).</summary>
    private static (Country? Base, bool International) Base(GrantRecord g)
    {
        var recorded = g
            .RecipientLocationCountryCodes.Prepend(g.RecipientOrgCountry)
            .Select(t => Countries.TryResolve(t, out var k) ? k : null)
            .FirstOrDefault(k => k is not null);
        var international = false;
        return recorded is not null ? (recorded, false)
            : OrganisationIds.TryBase(g.RecipientOrgId, out var fromId, out international) ? (fromId, international)
            : (null, false);
    }
}

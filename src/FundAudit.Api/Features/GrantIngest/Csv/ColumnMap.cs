using System.Text.RegularExpressions;

namespace FundAudit.Api.Features.GrantIngest.Csv;

/// <summary>The columns of one beneficiary location group (<c>Beneficiary Location:N:…</c>); -1 when absent.</summary>
internal sealed class LocationColumns
{
    public int Name { get; set; } = -1;
    public int CountryCode { get; set; } = -1;
    public int GeoCode { get; set; } = -1;
    public int GeoCodeType { get; set; } = -1;
}

/// <summary>
/// Which column of the file feeds which <see cref="FundAudit.Core.Grants.GrantRecord"/> field, for either layout.
/// Titles are matched ignoring case, a byte order mark, surrounding spaces, runs of spaces and spaces around <c>:</c>
/// (so <c>Grant Programme: Title</c> matches). Index -1 means the column is absent.
/// </summary>
internal sealed partial class ColumnMap
{
    private ColumnMap(CsvLayout layout, IReadOnlyList<string> titles)
    {
        Layout = layout;
        Titles = titles;
    }

    public CsvLayout Layout { get; }

    /// <summary>The titles as written in the file, by index.</summary>
    public IReadOnlyList<string> Titles { get; }

    public int Identifier { get; private set; } = -1;
    public int Title { get; private set; } = -1;
    public int Description { get; private set; } = -1;
    public int Currency { get; private set; } = -1;
    public int Amount { get; private set; } = -1;
    public int AwardDate { get; private set; } = -1;
    public int AmountDisbursed { get; private set; } = -1;
    public int RecipientOrgId { get; private set; } = -1;
    public int RecipientOrgName { get; private set; } = -1;
    public int RecipientOrgCountry { get; private set; } = -1;
    public int LocationScope { get; private set; } = -1;
    public int RegrantType { get; private set; } = -1;
    public int BeneficiaryCountries { get; private set; } = -1;
    public int BeneficiaryPlaces { get; private set; } = -1;
    public int Level { get; private set; } = -1;
    public int Purpose { get; private set; } = -1;
    public int Flexible { get; private set; } = -1;

    /// <summary>Numbered columns, in the order of their number (the un-numbered form first).</summary>
    public IReadOnlyList<int> RecipientLocationCountryCodes => Ordered(recipientLocations);
    public IReadOnlyList<LocationColumns> BeneficiaryLocations =>
        beneficiary.OrderBy(p => p.Key).Select(p => p.Value).ToList();
    public IReadOnlyList<int> FundingOrgIds => Ordered(fundingOrgIds);
    public IReadOnlyList<int> FundingOrgNames => Ordered(fundingOrgNames);
    public IReadOnlyList<int> ProgrammeTitles => Ordered(programmes);
    public IReadOnlyList<int> FundingTypes => Ordered(fundingTypes);
    public IReadOnlyList<int> PlannedStartDates => Ordered(plannedStarts);
    public IReadOnlyList<int> PlannedEndDates => Ordered(plannedEnds);

    /// <summary>Columns not mapped to a field: kept aside in <see cref="CsvRow.Extra"/>.</summary>
    public IReadOnlyList<int> ExtraColumns => extra;

    /// <summary>What each column feeds, by index (<c>null</c>: kept aside).</summary>
    public IReadOnlyList<string?> Fields => fields;

    /// <summary>The date columns that pass 1 scans to choose the date order.</summary>
    public IEnumerable<int> DateColumns =>
        new[] { AwardDate }.Concat(PlannedStartDates).Concat(PlannedEndDates).Where(i => i >= 0);

    /// <summary>Required columns as (index, expected title) for the layout.</summary>
    public IEnumerable<(int Index, string Title)> Required =>
        [
            (Identifier, "Identifier"),
            (Title, "Title"),
            (Currency, "Currency"),
            (Amount, Layout == CsvLayout.Template ? "Amount" : "Amount Awarded"),
            (AwardDate, "Award Date"),
        ];

    private readonly SortedDictionary<int, int> recipientLocations = [];
    private readonly SortedDictionary<int, LocationColumns> beneficiary = [];
    private readonly SortedDictionary<int, int> fundingOrgIds = [];
    private readonly SortedDictionary<int, int> fundingOrgNames = [];
    private readonly SortedDictionary<int, int> programmes = [];
    private readonly SortedDictionary<int, int> fundingTypes = [];
    private readonly SortedDictionary<int, int> plannedStarts = [];
    private readonly SortedDictionary<int, int> plannedEnds = [];
    private readonly List<int> extra = [];
    private readonly List<string?> fields = [];
    private readonly HashSet<string> seenFields = new(StringComparer.Ordinal);

    private static readonly string[] TemplateOnlyTitles =
    [
        "amount",
        "recipient name",
        "recipient country",
        "beneficiary countries",
        "beneficiary places",
        "programme",
        "level",
        "purpose",
        "flexible",
    ];

    /// <summary>Builds the map from the header titles, or returns the problems that refuse the file.</summary>
    public static ColumnMap Build(IReadOnlyList<string> titles, out List<CsvFileProblem> problems)
    {
        var normalized = titles.Select(Normalize).ToArray();
        var looksLikeTemplate =
            normalized.Any(n => TemplateOnlyTitles.Contains(n))
            && !normalized.Any(n => n.Contains(':', StringComparison.Ordinal) || n == "amount awarded");
        var map = new ColumnMap(looksLikeTemplate ? CsvLayout.Template : CsvLayout.Giving360, titles);
        problems = [];

        for (var i = 0; i < titles.Count; i++)
        {
            var field = looksLikeTemplate ? map.BindTemplate(normalized[i], i) : map.Bind360(normalized[i], i);
            if (field is not null && !map.seenFields.Add(field))
            {
                problems.Add(
                    CsvFileProblem.Keyed(
                        CsvProblemCodes.DuplicateColumn,
                        titles[i],
                        1,
                        "File_DuplicateColumn",
                        titles[i]
                    )
                );
                field = null;
            }

            map.fields.Add(field);
            if (field is null && normalized[i].Length > 0)
            {
                map.extra.Add(i);
                if (!looksLikeTemplate)
                {
                    map.NoteKeptAside(normalized[i], i);
                }
            }
        }

        foreach (var (index, title) in map.Required)
        {
            if (index < 0)
            {
                problems.Add(
                    CsvFileProblem.Keyed(CsvProblemCodes.MissingColumn, title, 1, "File_MissingColumn", title)
                );
            }
        }

        return map;
    }

    /// <summary>Lower case, no byte order mark, single spaces, no spaces around ':'.</summary>
    public static string Normalize(string title)
    {
        var s = title.Replace("\uFEFF", string.Empty, StringComparison.Ordinal).Trim().ToLowerInvariant();
        s = Spaces().Replace(s, " ");
        return ColonSpaces().Replace(s, ":");
    }

    /// <summary>A title's field (as <see cref="Fields"/> names it) and the property its index goes to.</summary>
    private sealed record Binding(string Field, Action<ColumnMap, int> Set);

    /// <summary>The titles both layouts share (the explicit classification columns among them).</summary>
    private static readonly Dictionary<string, Binding> SharedTitles = new(StringComparer.Ordinal)
    {
        ["identifier"] = new("Identifier", (m, i) => m.Identifier = i),
        ["title"] = new("Title", (m, i) => m.Title = i),
        ["description"] = new("Description", (m, i) => m.Description = i),
        ["currency"] = new("Currency", (m, i) => m.Currency = i),
        ["award date"] = new("AwardDate", (m, i) => m.AwardDate = i),
        ["level"] = new("ExplicitLevel", (m, i) => m.Level = i),
        ["purpose"] = new("ExplicitPurpose", (m, i) => m.Purpose = i),
        ["flexible"] = new("ExplicitFlexible", (m, i) => m.Flexible = i),
        ["location scope"] = new("LocationScope", (m, i) => m.LocationScope = i),
    };

    /// <summary>The template's own titles.</summary>
    private static readonly Dictionary<string, Binding> TemplateTitles = new(StringComparer.Ordinal)
    {
        ["amount"] = new("AmountAwardedMinor", (m, i) => m.Amount = i),
        ["recipient name"] = new("RecipientOrgName", (m, i) => m.RecipientOrgName = i),
        ["recipient country"] = new("RecipientOrgCountry", (m, i) => m.RecipientOrgCountry = i),
        ["beneficiary countries"] = new("BeneficiaryLocations.CountryCode", (m, i) => m.BeneficiaryCountries = i),
        ["beneficiary places"] = new("BeneficiaryLocations.Name", (m, i) => m.BeneficiaryPlaces = i),
        ["programme"] = new("ProgrammeTitle", (m, i) => m.programmes[0] = i),
        ["funding type"] = new("FundingTypes", (m, i) => m.fundingTypes[0] = i),
    };

    /// <summary>The 360Giving titles that are not numbered (<see cref="BindNumbered360"/> reads those).</summary>
    private static readonly Dictionary<string, Binding> Giving360Titles = new(StringComparer.Ordinal)
    {
        ["amount awarded"] = new("AmountAwardedMinor", (m, i) => m.Amount = i),
        ["amount disbursed"] = new("AmountDisbursedMinor", (m, i) => m.AmountDisbursed = i),
        ["recipient org:identifier"] = new("RecipientOrgId", (m, i) => m.RecipientOrgId = i),
        ["recipient org:name"] = new("RecipientOrgName", (m, i) => m.RecipientOrgName = i),
        ["for regrant type"] = new("RegrantType", (m, i) => m.RegrantType = i),
    };

    /// <summary>The 360Giving titles of the recipient's country: the first one present feeds the field.</summary>
    private static readonly string[] Giving360CountryTitles =
    [
        "recipient org:country",
        "recipient org:address:country",
        "recipient org:address country",
        "recipient org:country name",
    ];

    /// <summary>Binds <paramref name="n"/> when <paramref name="titles"/> or the shared titles name it.</summary>
    private string? Bind(Dictionary<string, Binding> titles, string n, int i)
    {
        if (!SharedTitles.TryGetValue(n, out var binding) && !titles.TryGetValue(n, out binding))
        {
            return null;
        }

        binding.Set(this, i);
        return binding.Field;
    }

    private string? BindTemplate(string n, int i) => Bind(TemplateTitles, n, i);

    private string? Bind360(string n, int i)
    {
        if (Giving360CountryTitles.Contains(n))
        {
            if (RecipientOrgCountry >= 0)
            {
                return null; // a second country title (address style) is kept aside
            }

            RecipientOrgCountry = i;
            return "RecipientOrgCountry";
        }

        return Bind(Giving360Titles, n, i) ?? BindNumbered360(n, i);
    }

    /// <summary>The numbered 360Giving titles: "Beneficiary Location:0:Name", "Funding Org:Identifier".</summary>
    private string? BindNumbered360(string n, int i)
    {
        var m = Numbered360().Match(n);
        if (!m.Success)
        {
            return null;
        }

        var group = m.Groups["group"].Value;
        var number = m.Groups["n"].Success ? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) + 1 : 0;
        var part = m.Groups["part"].Success ? m.Groups["part"].Value : string.Empty;
        var suffix = number == 0 ? string.Empty : $"[{number - 1}]";
        switch (group, part)
        {
            case ("recipient org:location", "country code"):
                recipientLocations[number] = i;
                return $"RecipientLocationCountryCodes{suffix}";
            case ("beneficiary location", _):
                return BindBeneficiaryLocation(number, part, i) ? $"BeneficiaryLocations{suffix}.{part}" : null;
            case ("funding org", "identifier"):
                fundingOrgIds[number] = i;
                return $"FundingOrgId{suffix}";
            case ("funding org", "name"):
                fundingOrgNames[number] = i;
                return $"FundingOrgName{suffix}";
            case ("grant programme", "title"):
                programmes[number] = i;
                return $"ProgrammeTitle{suffix}";
            case ("funding type", "" or "title" or "code"):
                fundingTypes[
                    (number * 3)
                        + (
                            part == "code" ? 2
                            : part == "title" ? 1
                            : 0
                        )
                ] = i;
                return $"FundingTypes{suffix}.{part}";
            case ("planned dates", "start date"):
                plannedStarts[number] = i;
                return $"PlannedStartDate{suffix}";
            case ("planned dates", "end date"):
                plannedEnds[number] = i;
                return $"PlannedEndDate{suffix}";
            default:
                return null;
        }
    }

    /// <summary>The parts of a beneficiary location group and the column each feeds.</summary>
    private static readonly Dictionary<string, Action<LocationColumns, int>> LocationParts = new(StringComparer.Ordinal)
    {
        ["name"] = (l, i) => l.Name = i,
        ["country code"] = (l, i) => l.CountryCode = i,
        ["geographic code"] = (l, i) => l.GeoCode = i,
        ["geographic code type"] = (l, i) => l.GeoCodeType = i,
    };

    private bool BindBeneficiaryLocation(int number, string part, int i)
    {
        var loc = beneficiary.TryGetValue(number, out var existing)
            ? existing
            : beneficiary[number] = new LocationColumns();
        if (!LocationParts.TryGetValue(part, out var set))
        {
            return false;
        }

        set(loc, i);
        return true;
    }

    private static List<int> Ordered(SortedDictionary<int, int> d) => [.. d.Values];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s*:\s*")]
    private static partial Regex ColonSpaces();

    [GeneratedRegex(
        @"^(?<group>recipient org:location|beneficiary location|funding org|grant programme|funding type|"
            + @"planned dates)(?::(?<n>[0-9]{1,4}))?(?::(?<part>[a-z ]+))?$"
    )]
    private static partial Regex Numbered360();
}

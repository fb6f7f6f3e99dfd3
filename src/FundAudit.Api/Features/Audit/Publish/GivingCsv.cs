using System.Text.Json.Nodes;

namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>
/// The 360Giving flat CSV of the exported grants: the standard's column titles (those of its grants sheet, as
/// flattentool writes them), one row per grant, the same content as the JSON package. A list the standard allows many
/// of (beneficiary locations, funding types, classifications) takes numbered columns
/// (<c>Beneficiary Location:0:Name</c>, <c>…:1:Name</c>), as many as the export's longest list.
/// </summary>
internal static class GivingCsv
{
    private static readonly (string Title, string[] Path)[] Columns =
    [
        ("Identifier", ["id"]),
        ("Title", ["title"]),
        ("Description", ["description"]),
        ("Currency", ["currency"]),
        ("Amount Applied For", ["amountAppliedFor"]),
        ("Amount Awarded", ["amountAwarded"]),
        ("Amount Disbursed", ["amountDisbursed"]),
        ("Award Date", ["awardDate"]),
        ("URL", ["url"]),
        ("Planned Dates:Start Date", ["plannedDates", "0", "startDate"]),
        ("Planned Dates:End Date", ["plannedDates", "0", "endDate"]),
        ("Planned Dates:Duration (months)", ["plannedDates", "0", "duration"]),
        ("Recipient Org:Identifier", ["recipientOrganization", "0", "id"]),
        ("Recipient Org:Name", ["recipientOrganization", "0", "name"]),
        ("Recipient Org:Charity Number", ["recipientOrganization", "0", "charityNumber"]),
        ("Recipient Org:Company Number", ["recipientOrganization", "0", "companyNumber"]),
        ("Recipient Org:Street Address", ["recipientOrganization", "0", "streetAddress"]),
        ("Recipient Org:City", ["recipientOrganization", "0", "addressLocality"]),
        ("Recipient Org:County", ["recipientOrganization", "0", "addressRegion"]),
        ("Recipient Org:Country", ["recipientOrganization", "0", "addressCountry"]),
        ("Recipient Org:Postal Code", ["recipientOrganization", "0", "postalCode"]),
        ("Recipient Org:Description", ["recipientOrganization", "0", "description"]),
        ("Recipient Org:Organisation Type", ["recipientOrganization", "0", "organisationType"]),
        ("Recipient Org:Web Address", ["recipientOrganization", "0", "url"]),
        ("Recipient Ind:Identifier", ["recipientIndividual", "id"]),
        ("Recipient Ind:Name", ["recipientIndividual", "name"]),
        ("Funding Org:Identifier", ["fundingOrganization", "0", "id"]),
        ("Funding Org:Name", ["fundingOrganization", "0", "name"]),
        ("Funding Org:Department", ["fundingOrganization", "0", "department"]),
        ("Location Scope", ["locationScope"]),
        ("Grant Programme:Code", ["grantProgramme", "0", "code"]),
        ("Grant Programme:Title", ["grantProgramme", "0", "title"]),
        ("Grant Programme:URL", ["grantProgramme", "0", "url"]),
        ("From An Open Call?", ["fromOpenCall"]),
        ("Last Modified", ["dateModified"]),
        ("Data Source", ["dataSource"]),
        ("For Regrant Type", ["regrantType"]),
    ];

    private static readonly Dictionary<string, string> TitleByPath = Columns.ToDictionary(
        c => string.Join('/', c.Path),
        c => c.Title,
        StringComparer.Ordinal
    );

    /// <summary>The standard's column title of a JSON path (<c>["recipientOrganization", "0", "charityNumber"]</c> is
    /// <c>Recipient Org:Charity Number</c>), or null for a path without a column of its own here.</summary>
    public static string? TitleOf(IEnumerable<string> path) => TitleByPath.GetValueOrDefault(string.Join('/', path));

    private static readonly (string Group, string Array, (string Title, string Property)[] Fields)[] Lists =
    [
        (
            "Beneficiary Location",
            "beneficiaryLocation",
            [
                ("Identifier", "id"),
                ("Name", "name"),
                ("Country Code", "countryCode"),
                ("Geographic Code", "geoCode"),
                ("Geographic Code Type", "geoCodeType"),
            ]
        ),
        ("Funding Type", "fundingType", [("Vocabulary", "vocabulary"), ("Code", "code"), ("Title", "title")]),
        ("Classifications", "classifications", [("Vocabulary", "vocabulary"), ("Code", "code"), ("Title", "title")]),
    ];

    /// <summary>How many numbered columns each list needs: the longest list of the export so far.</summary>
    public sealed class ListWidths
    {
        private readonly int[] _widths = new int[Lists.Length];

        public void Add(JsonObject grant)
        {
            for (var i = 0; i < Lists.Length; i++)
            {
                _widths[i] = Math.Max(_widths[i], (grant[Lists[i].Array] as JsonArray)?.Count ?? 0);
            }
        }

        public int this[int list] => _widths[list];
    }

    public static IEnumerable<string> Header(ListWidths widths)
    {
        foreach (var (title, _) in Columns)
        {
            yield return title;
        }

        for (var l = 0; l < Lists.Length; l++)
        {
            for (var i = 0; i < widths[l]; i++)
            {
                foreach (var (title, _) in Lists[l].Fields)
                {
                    yield return $"{Lists[l].Group}:{i.ToString(CultureInfo.InvariantCulture)}:{title}";
                }
            }
        }
    }

    public static IEnumerable<string?> Cells(JsonObject grant, ListWidths widths)
    {
        foreach (var (_, path) in Columns)
        {
            yield return Value(At(grant, path));
        }

        for (var l = 0; l < Lists.Length; l++)
        {
            var items = grant[Lists[l].Array] as JsonArray;
            for (var i = 0; i < widths[l]; i++)
            {
                var item = items is not null && i < items.Count ? items[i] as JsonObject : null;
                foreach (var (_, property) in Lists[l].Fields)
                {
                    yield return Value(item?[property]);
                }
            }
        }
    }

    /// <summary>The node at <paramref name="path"/> (property names, and array positions as numbers) under
    /// <paramref name="node"/>; null when a step is missing.</summary>
    public static JsonNode? At(JsonNode? node, IEnumerable<string> path) => path.Aggregate(node, Step);

    private static JsonNode? Step(JsonNode? node, string segment) =>
        node switch
        {
            JsonArray a when int.TryParse(segment, CultureInfo.InvariantCulture, out var i) => i < a.Count
                ? a[i]
                : null,
            JsonObject o => o[segment],
            _ => null,
        };

    private static string? Value(JsonNode? node) =>
        node is JsonValue v
            ? v.TryGetValue<decimal>(out var d)
                ? d.ToString(CultureInfo.InvariantCulture)
                : v.TryGetValue<string>(out var s)
                    ? s
                    : v.ToJsonString()
            : null;
}

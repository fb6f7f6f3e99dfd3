using System.Text.Json;
using System.Text.Json.Serialization;

namespace FundAudit.Api.Features.GrantIngest;

// The 360Giving Data Standard's grant package, with the standard's property names and nesting.
// Properties FundAudit does not use are kept (JsonExtensionData) and returned as they came.

/// <summary>A 360Giving grant package: <c>{"grants": [...]}</c>. A publisher's file can be posted as it is.</summary>
internal sealed class GrantPackage
{
    public List<GivingGrant>? Grants { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>One 360Giving grant. In responses, FundAudit adds <see cref="Classification"/>.</summary>
internal sealed class GivingGrant
{
    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    public string? Currency { get; set; }

    /// <summary>Read as a spreadsheet keeps it (<see cref="PublishedAmount.WithoutDoubleNoise(decimal?)"/>).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? AmountAwarded
    {
        get;
        set => field = PublishedAmount.WithoutDoubleNoise(value);
    }

    /// <summary>Read as a spreadsheet keeps it (<see cref="PublishedAmount.WithoutDoubleNoise(decimal?)"/>).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? AmountDisbursed
    {
        get;
        set => field = PublishedAmount.WithoutDoubleNoise(value);
    }

    /// <summary>YYYY-MM-DD or a full ISO 8601 date-time.</summary>
    public string? AwardDate { get; set; }

    public List<GivingEvent>? PlannedDates { get; set; }

    public List<GivingOrganization>? RecipientOrganization { get; set; }

    public List<GivingLocation>? BeneficiaryLocation { get; set; }

    public List<GivingOrganization>? FundingOrganization { get; set; }

    public List<GivingProgramme>? GrantProgramme { get; set; }

    public List<GivingCode>? FundingType { get; set; }

    /// <summary>360Giving Location Scope code, GLS010 to GLS099.</summary>
    public string? LocationScope { get; set; }

    public string? RegrantType { get; set; }

    /// <summary>FundAudit's classification (responses only; ignored on input).</summary>
    public ClassificationView? Classification { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class GivingOrganization
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? AddressCountry { get; set; }

    public List<GivingLocation>? Location { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class GivingLocation
{
    public string? Name { get; set; }

    public string? CountryCode { get; set; }

    public string? GeoCode { get; set; }

    public string? GeoCodeType { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class GivingProgramme
{
    public string? Title { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A 360Giving Classification (used by fundingType): vocabulary, code, title.</summary>
internal sealed class GivingCode
{
    public string? Code { get; set; }

    public string? Title { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class GivingEvent
{
    public string? StartDate { get; set; }

    public string? EndDate { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>FundAudit's classification of a grant: per dimension the value, where it came from, confidence and
/// evidence.</summary>
internal sealed record ClassificationView(
    DimensionView Level,
    DimensionView Purpose,
    DimensionView Flexible,
    string? RuleSetVersion,
    DateTimeOffset? ClassifiedAt
);

/// <param name="Value">level: global|regional|national|local|unclassified; purpose:
/// prevention|collective|emergency|campaign|other|unclassified; flexible: true|false|null.</param>
/// <param name="Source">explicit | rule | manual, or null when not classified yet.</param>
/// <param name="Confidence">0..1, or null when not classified yet.</param>
/// <param name="Evidence">Human-readable reasons: the rule or terms that fired, the geography that decided.</param>
internal sealed record DimensionView(string? Value, string? Source, double? Confidence, IReadOnlyList<string> Evidence);

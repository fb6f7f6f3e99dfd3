namespace FundAudit.Core.Grants;

/// <summary>
/// One grant as FundAudit understands it, whichever way it arrived (360Giving JSON, 360Giving flat CSV,
/// FundAudit's short CSV template). Money is in minor units of <see cref="Currency"/>.
/// This is the input of the classification engine and of the stores.
/// </summary>
public sealed record GrantRecord
{
    /// <summary>The 360Giving grant identifier (unique per funder).</summary>
    public required string Identifier { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    /// <summary>ISO 4217 code, upper case.</summary>
    public required string Currency { get; init; }

    public required long AmountAwardedMinor { get; init; }

    public long? AmountDisbursedMinor { get; init; }

    public required DateOnly AwardDate { get; init; }

    public DateOnly? PlannedStartDate { get; init; }

    public DateOnly? PlannedEndDate { get; init; }

    public string? RecipientOrgId { get; init; }

    public string? RecipientOrgName { get; init; }

    /// <summary>The grant goes to an individual (360Giving <c>recipientIndividual</c>), not an organisation.</summary>
    public bool RecipientIsIndividual { get; init; }

    /// <summary>The recipient's address country as given (a code or a name).</summary>
    public string? RecipientOrgCountry { get; init; }

    /// <summary>The recipient's postal code as given (360Giving <c>postalCode</c>, CSV <c>Recipient Org:Postal
    /// Code</c>).</summary>
    public string? RecipientOrgPostalCode { get; init; }

    /// <summary>The recipient's town or city as given (<c>addressLocality</c>, <c>Recipient Org:City</c>).</summary>
    public string? RecipientOrgLocality { get; init; }

    /// <summary>The recipient's county or region as given (<c>addressRegion</c>, <c>Recipient
    /// Org:County</c>).</summary>
    public string? RecipientOrgRegion { get; init; }

    /// <summary>Country codes of the recipient's own locations (360Giving recipientOrganization.location).</summary>
    public IReadOnlyList<string> RecipientLocationCountryCodes { get; init; } = [];

    public IReadOnlyList<BeneficiaryLocation> BeneficiaryLocations { get; init; } = [];

    public string? FundingOrgId { get; init; }

    public string? FundingOrgName { get; init; }

    public string? ProgrammeTitle { get; init; }

    /// <summary>360Giving Funding Type titles or codes, and IATI aid type codes when given.</summary>
    public IReadOnlyList<string> FundingTypes { get; init; } = [];

    /// <summary>360Giving Location Scope code (GLS010 … GLS099).</summary>
    public string? LocationScope { get; init; }

    public string? RegrantType { get; init; }

    /// <summary>An explicit level given in the data (FundAudit template <c>Level</c> column): global, regional,
    /// national, local.</summary>
    public string? ExplicitLevel { get; init; }

    /// <summary>An explicit purpose given in the data: prevention, collective, emergency, campaign.</summary>
    public string? ExplicitPurpose { get; init; }

    public bool? ExplicitFlexible { get; init; }
}

/// <summary>A 360Giving beneficiaryLocation.</summary>
public sealed record BeneficiaryLocation(string? Name, string? CountryCode, string? GeoCode, string? GeoCodeType);

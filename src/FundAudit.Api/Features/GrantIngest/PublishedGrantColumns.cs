namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// A row that serves a grant's published 360Giving JSON (<see cref="ExtraJson"/>): the columns of
/// <see cref="StoredGrantText.Columns"/>, from which a remainder is rebuilt on read (see
/// <see cref="StoredGrantText"/>).
/// </summary>
internal abstract class PublishedGrantColumns
{
    private string? _published;

    /// <summary>The published JSON, the same text whichever shape <c>extra_json</c> keeps it in.</summary>
    public string ExtraJson => _published ??= StoredGrantText.Published(this, PjStored);

    /// <summary><c>extra_json</c> as stored: the JSON, or a remainder.</summary>
    public string PjStored { get; init; } = "{}";

    public string PjIdentifier { get; init; } = "";

    public string PjTitle { get; init; } = "";

    public string? PjDescription { get; init; }

    public string PjCurrency { get; init; } = "";

    public long PjAmountAwarded { get; init; }

    public long? PjAmountDisbursed { get; init; }

    public DateOnly PjAwardDate { get; init; }

    public DateOnly? PjPlannedStartDate { get; init; }

    public DateOnly? PjPlannedEndDate { get; init; }

    public string? PjRecipientOrgId { get; init; }

    public string? PjRecipientOrgName { get; init; }

    public string? PjRecipientCountry { get; init; }

    public string? PjRecipientLocationCountries { get; init; }

    public string? PjBeneficiaryLocations { get; init; }

    public string? PjFundingOrgId { get; init; }

    public string? PjFundingOrgName { get; init; }

    public string? PjProgrammeTitle { get; init; }

    public string? PjFundingTypes { get; init; }

    public string? PjLocationScope { get; init; }

    public string? PjRegrantType { get; init; }

    public string? PjExplicitLevel { get; init; }

    public string? PjExplicitPurpose { get; init; }

    public bool? PjExplicitFlexible { get; init; }

    /// <summary>The JSON <see cref="PjStored"/> stands for when it is a remainder (valid until the next stored JSON is
    /// written on the thread).</summary>
    internal ReadOnlySpan<byte> Rebuild() => StoredGrantText.Rebuild(this, PjStored);

    /// <summary>The columns as a write is about to store them (<paramref name="values"/> in the order of
    /// <see cref="GrantStore.WriteColumns"/>), with <paramref name="stored"/> as <c>extra_json</c>.</summary>
    internal static PublishedGrantColumns FromValues(object?[] values, string stored) =>
        new WrittenColumns
        {
            PjStored = stored,
            PjIdentifier = (string)values[Index.Identifier]!,
            PjTitle = (string)values[Index.Title]!,
            PjDescription = (string?)values[Index.Description],
            PjCurrency = (string)values[Index.Currency]!,
            PjAmountAwarded = (long)values[Index.AmountAwarded]!,
            PjAmountDisbursed = (long?)values[Index.AmountDisbursed],
            PjAwardDate = (DateOnly)values[Index.AwardDate]!,
            PjPlannedStartDate = (DateOnly?)values[Index.PlannedStart],
            PjPlannedEndDate = (DateOnly?)values[Index.PlannedEnd],
            PjRecipientOrgId = (string?)values[Index.RecipientOrgId],
            PjRecipientOrgName = (string?)values[Index.RecipientOrgName],
            PjRecipientCountry = (string?)values[Index.RecipientCountry],
            PjRecipientLocationCountries = (string?)values[Index.RecipientLocations],
            PjBeneficiaryLocations = (string?)values[Index.BeneficiaryLocations],
            PjFundingOrgId = (string?)values[Index.FundingOrgId],
            PjFundingOrgName = (string?)values[Index.FundingOrgName],
            PjProgrammeTitle = (string?)values[Index.ProgrammeTitle],
            PjFundingTypes = (string?)values[Index.FundingTypes],
            PjLocationScope = (string?)values[Index.LocationScope],
            PjRegrantType = (string?)values[Index.RegrantType],
            PjExplicitLevel = (string?)values[Index.ExplicitLevel],
            PjExplicitPurpose = (string?)values[Index.ExplicitPurpose],
            PjExplicitFlexible = (bool?)values[Index.ExplicitFlexible],
        };

    private sealed class WrittenColumns : PublishedGrantColumns;

    /// <summary>Where each column is in <see cref="GrantStore.WriteColumns"/>.</summary>
    private static class Index
    {
        public static readonly int Identifier = Of("identifier");
        public static readonly int Title = Of("title");
        public static readonly int Description = Of("description");
        public static readonly int Currency = Of("currency");
        public static readonly int AmountAwarded = Of("amount_awarded");
        public static readonly int AmountDisbursed = Of("amount_disbursed");
        public static readonly int AwardDate = Of("award_date");
        public static readonly int PlannedStart = Of("planned_start_date");
        public static readonly int PlannedEnd = Of("planned_end_date");
        public static readonly int RecipientOrgId = Of("recipient_org_id");
        public static readonly int RecipientOrgName = Of("recipient_org_name");
        public static readonly int RecipientCountry = Of("recipient_country");
        public static readonly int RecipientLocations = Of("recipient_location_countries");
        public static readonly int BeneficiaryLocations = Of("beneficiary_locations");
        public static readonly int FundingOrgId = Of("funding_org_id");
        public static readonly int FundingOrgName = Of("funding_org_name");
        public static readonly int ProgrammeTitle = Of("programme_title");
        public static readonly int FundingTypes = Of("funding_types");
        public static readonly int LocationScope = Of("location_scope");
        public static readonly int RegrantType = Of("regrant_type");
        public static readonly int ExplicitLevel = Of("explicit_level");
        public static readonly int ExplicitPurpose = Of("explicit_purpose");
        public static readonly int ExplicitFlexible = Of("explicit_flexible");

        private static int Of(string column) => GrantStore.WriteColumnIndex(column);
    }
}

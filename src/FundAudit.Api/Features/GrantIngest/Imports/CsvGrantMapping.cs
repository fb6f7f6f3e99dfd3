using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// From a valid CSV row to the grant to store: the one mapping, used by the import job, the tests and the benchmarks.
/// The stored JSON is a 360Giving grant object built from the record, with the row's unmapped columns kept aside under
/// <c>additionalColumns</c> (by column title) and a template's explicit classification under
/// <c>explicitClassification</c>; its hash is <see cref="GrantMapping.ContentHash(ReadOnlySpan{byte})"/>, so the same
/// row imported again is unchanged. The import takes it in two steps (<see cref="Content"/>, then
/// <see cref="ToGrant(CsvGrantContent, ClassificationEngine)"/>) so that a row whose hash is stored already is dropped
/// before it is classified.
/// </summary>
internal static class CsvGrantMapping
{
    public const string AdditionalColumns = "additionalColumns";
    public const string ExplicitClassification = "explicitClassification";

    public static GrantToStore ToGrant(CsvRow row, ClassificationEngine engine) => ToGrant(Content(row), engine);

    /// <summary>
    /// The stored JSON of a valid row, written straight to UTF-8 (the same bytes as the serializer's, see
    /// <see cref="StoredGrantJson"/>), and its hash; a JSON package's grant keeps the JSON it was read with
    /// (<see cref="CsvRow.PublishedJson"/>).
    /// </summary>
    public static CsvGrantContent Content(CsvRow row)
    {
        var r = row.Record ?? throw new ArgumentException("Only rows without errors carry a record.", nameof(row));
        if (row.PublishedJson is { } published)
        {
            return new CsvGrantContent(r, published, GrantMapping.ContentHash(published)) { AsPublished = true };
        }

        var utf8 = StoredGrantJson.Current.Grant(r, row.Extra);
        return new CsvGrantContent(r, utf8, GrantMapping.ContentHash(utf8), row.Extra);
    }

    /// <summary>The grant of <paramref name="content"/>: its JSON decoded for the stored text, classified.</summary>
    public static GrantToStore ToGrant(CsvGrantContent content, ClassificationEngine engine) =>
        new(
            content.Record,
            System.Text.Encoding.UTF8.GetString(content.Json),
            content.Hash,
            engine.Classify(content.Record),
            content.Extra
        )
        {
            StoredRemainder = content.AsPublished
                ? null
                : StoredGrantText.KnownRemainder(content.Record, content.Extra),
            Published = Audit.Quality.PublishedFacts.Of(content.Json),
        };

    /// <summary>
    /// The grant of <paramref name="content"/> as the import writes it: as <see cref="ToGrant(CsvGrantContent,
    /// ClassificationEngine)"/>, except that the JSON is decoded only when the write needs it (when its columns are
    /// not known to rebuild it, <see cref="StoredGrantText.KnownRemainder"/>); otherwise
    /// <see cref="GrantToStore.SourceJson"/> is empty. Saves a UTF-16 copy of every row's JSON (about 1.7 kB).
    /// </summary>
    public static GrantToStore ToGrantToWrite(CsvGrantContent content, ClassificationEngine engine)
    {
        // A published grant's JSON is not rebuilt from its columns: the write keeps it whole, as POST /api/grants.
        var remainder = content.AsPublished ? null : StoredGrantText.KnownRemainder(content.Record, content.Extra);
        var json = remainder is null ? System.Text.Encoding.UTF8.GetString(content.Json) : "";
        return new(content.Record, json, content.Hash, engine.Classify(content.Record), content.Extra)
        {
            StoredRemainder = remainder,
            Published = Audit.Quality.PublishedFacts.Of(content.Json),
        };
    }

    /// <summary>
    /// The stored JSON as the serializer writes it from the 360Giving object graph: the reference that
    /// <see cref="StoredGrantJson"/> must match byte for byte (tests compare both).
    /// </summary>
    internal static byte[] StoredJsonViaSerializer(CsvRow row)
    {
        var r = row.Record ?? throw new ArgumentException("Only rows without errors carry a record.", nameof(row));
        var grant = ToGiving(r);
        if (row.Extra is { Count: > 0 } extra)
        {
            (grant.Extra ??= [])[AdditionalColumns] = JsonSerializer.SerializeToElement(extra, GrantMapping.StoredJson);
        }

        if (r.ExplicitLevel is not null || r.ExplicitPurpose is not null || r.ExplicitFlexible is not null)
        {
            (grant.Extra ??= [])[ExplicitClassification] = JsonSerializer.SerializeToElement(
                new
                {
                    level = r.ExplicitLevel,
                    purpose = r.ExplicitPurpose,
                    flexible = r.ExplicitFlexible,
                },
                GrantMapping.StoredJson
            );
        }

        return GrantMapping.ToStoredJsonUtf8(grant);
    }

    private static GivingGrant ToGiving(GrantRecord r) =>
        new()
        {
            Id = r.Identifier,
            Title = r.Title,
            Description = r.Description,
            Currency = r.Currency,
            AmountAwarded = MinorUnits.ToDecimal(r.AmountAwardedMinor, r.Currency),
            AmountDisbursed = r.AmountDisbursedMinor is { } d ? MinorUnits.ToDecimal(d, r.Currency) : null,
            AwardDate = Iso(r.AwardDate),
            PlannedDates =
                r.PlannedStartDate is null && r.PlannedEndDate is null
                    ? null
                    :
                    [
                        new GivingEvent
                        {
                            StartDate = r.PlannedStartDate is { } s ? Iso(s) : null,
                            EndDate = r.PlannedEndDate is { } e ? Iso(e) : null,
                        },
                    ],
            RecipientOrganization = RecipientOf(r),
            BeneficiaryLocation = BeneficiariesOf(r),
            FundingOrganization =
                r.FundingOrgId is null && r.FundingOrgName is null
                    ? null
                    : [new GivingOrganization { Id = r.FundingOrgId, Name = r.FundingOrgName }],
            GrantProgramme = r.ProgrammeTitle is null ? null : [new GivingProgramme { Title = r.ProgrammeTitle }],
            FundingType =
                r.FundingTypes.Count == 0 ? null : r.FundingTypes.Select(t => new GivingCode { Title = t }).ToList(),
            LocationScope = r.LocationScope,
            RegrantType = r.RegrantType,
        };

    /// <summary>The recipient organisation, or none when the row names nothing of it.</summary>
    private static List<GivingOrganization>? RecipientOf(GrantRecord r) =>
        r.RecipientOrgId is null
        && r.RecipientOrgName is null
        && r.RecipientOrgCountry is null
        && r.RecipientLocationCountryCodes.Count == 0
            ? null
            :
            [
                new GivingOrganization
                {
                    Id = r.RecipientOrgId,
                    Name = r.RecipientOrgName,
                    AddressCountry = r.RecipientOrgCountry,
                    Location =
                        r.RecipientLocationCountryCodes.Count == 0
                            ? null
                            : r
                                .RecipientLocationCountryCodes.Select(c => new GivingLocation { CountryCode = c })
                                .ToList(),
                },
            ];

    /// <summary>The beneficiary locations, or none.</summary>
    private static List<GivingLocation>? BeneficiariesOf(GrantRecord r) =>
        r.BeneficiaryLocations.Count == 0
            ? null
            : r
                .BeneficiaryLocations.Select(l => new GivingLocation
                {
                    Name = l.Name,
                    CountryCode = l.CountryCode,
                    GeoCode = l.GeoCode,
                    GeoCodeType = l.GeoCodeType,
                })
                .ToList();

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// A valid row's record with its stored JSON (UTF-8) and the JSON's hash (<see cref="CsvGrantMapping.Content"/>). The
/// JSON is the thread's writer buffer: valid until the next stored JSON is written on the thread.
/// </summary>
internal readonly ref struct CsvGrantContent(
    GrantRecord record,
    ReadOnlySpan<byte> json,
    string hash,
    IReadOnlyDictionary<string, string>? extra = null
)
{
    public GrantRecord Record { get; } = record;

    public ReadOnlySpan<byte> Json { get; } = json;

    public string Hash { get; } = hash;

    /// <summary>The row's unmapped columns (the JSON's <c>additionalColumns</c>), or null.</summary>
    public IReadOnlyDictionary<string, string>? Extra { get; } = extra;

    /// <summary>The JSON is a package's grant as published (<see cref="CsvRow.PublishedJson"/>), not built from the
    /// record.</summary>
    public bool AsPublished { get; init; }
}

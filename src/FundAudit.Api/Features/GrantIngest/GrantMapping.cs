using System.Security.Cryptography;
using System.Text.Json;
using FundAudit.Core.Grants;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>From a validated 360Giving grant to FundAudit's <see cref="GrantRecord"/>, and the stored JSON
/// form.</summary>
internal static class GrantMapping
{
    public static readonly JsonSerializerOptions StoredJson = CreateStoredJson();

    /// <summary>Maps a grant that passed <see cref="GivingGrantValidator"/> (so conversions cannot fail
    /// here).</summary>
    public static GrantRecord ToRecord(GivingGrant g)
    {
        var currency = g.Currency!.Trim().ToUpperInvariant();
        if (
            !MinorUnits.TryFromDecimal(g.AmountAwarded!.Value, currency, out var awarded)
            || !IsoDate.TryParse(g.AwardDate, out var awardDate)
        )
        {
            throw new ArgumentException("The grant was not validated before mapping.", nameof(g));
        }

        long? disbursed = g.AmountDisbursed is { } d && MinorUnits.TryFromDecimal(d, currency, out var dm) ? dm : null;
        var planned = g.PlannedDates?.FirstOrDefault();
        var recipient = g.RecipientOrganization?.FirstOrDefault();
        var funder = g.FundingOrganization?.FirstOrDefault();
        var (level, purpose, flexible) = ExplicitClassification.FromJson(g.Extra, out _);
        return new GrantRecord
        {
            Identifier = g.Id!.Trim(),
            Title = g.Title?.Trim(),
            Description = Text(g.Description),
            Currency = currency,
            AmountAwardedMinor = awarded,
            AmountDisbursedMinor = disbursed,
            AwardDate = awardDate,
            PlannedStartDate = IsoDate.TryParse(planned?.StartDate, out var s) ? s : null,
            PlannedEndDate = IsoDate.TryParse(planned?.EndDate, out var e) ? e : null,
            RecipientOrgId = Text(recipient?.Id),
            RecipientOrgName = Text(recipient?.Name),
            RecipientIsIndividual = recipient is null && g.Extra?.ContainsKey("recipientIndividual") == true,
            RecipientOrgCountry = Text(recipient?.AddressCountry),
            RecipientOrgPostalCode = ExtraText(recipient?.Extra, "postalCode"),
            RecipientOrgLocality = ExtraText(recipient?.Extra, "addressLocality"),
            RecipientOrgRegion = ExtraText(recipient?.Extra, "addressRegion"),
            RecipientLocationCountryCodes = recipient?.Location?.Select(l => l.CountryCode).OfType<string>().ToList()
                ?? [],
            BeneficiaryLocations = g.BeneficiaryLocation?.Select(l => new BeneficiaryLocation(
                    l.Name,
                    l.CountryCode,
                    l.GeoCode,
                    l.GeoCodeType
                ))
                .ToList()
                ?? [],
            FundingOrgId = Text(funder?.Id),
            FundingOrgName = Text(funder?.Name),
            ProgrammeTitle = Text(
                g.GrantProgramme?.Select(p => p.Title).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t))
            ),
            FundingTypes = g.FundingType?.SelectMany(f => new[] { f.Code, f.Title })
                .OfType<string>()
                .Where(t => t.Length > 0)
                .ToList()
                ?? [],
            LocationScope = g.LocationScope?.Trim().ToUpperInvariant(),
            RegrantType = g.RegrantType?.Trim(),
            ExplicitLevel = level,
            ExplicitPurpose = purpose,
            ExplicitFlexible = flexible,
        };
    }

    /// <summary>The grant as stored and returned: everything the publisher sent, without FundAudit's own
    /// fields.</summary>
    public static string ToStoredJson(GivingGrant g) => System.Text.Encoding.UTF8.GetString(ToStoredJsonUtf8(g));

    /// <summary><see cref="ToStoredJson"/> as the UTF-8 bytes the serializer writes (hash them with <see
    /// cref="ContentHash(ReadOnlySpan{byte})"/>).</summary>
    public static byte[] ToStoredJsonUtf8(GivingGrant g)
    {
        var classification = g.Classification;
        g.Classification = null;
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(g, StoredJson);
        }
        finally
        {
            g.Classification = classification;
        }
    }

    /// <summary>A string member kept as extension data (the recipient's <c>postalCode</c>), or null.</summary>
    private static string? ExtraText(Dictionary<string, JsonElement>? extra, string name) =>
        extra is not null && extra.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String
            ? Text(v.GetString())
            : null;

    /// <summary>A published text as a column holds it: without surrounding white space, null when nothing is left
    /// (as the CSV import reads a cell); the published JSON keeps it as sent.</summary>
    private static string? Text(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static GivingGrant FromStoredJson(string json) =>
        JsonSerializer.Deserialize<GivingGrant>(json, StoredJson)
        ?? throw new JsonException("Stored grant JSON is " + "empty.");

    /// <summary>Identifies a grant's content: the same grant posted again has the same hash and changes
    /// nothing.</summary>
    public static string ContentHash(string storedJson) => ContentHash(System.Text.Encoding.UTF8.GetBytes(storedJson));

    /// <summary>The same hash from the stored JSON's UTF-8 bytes, without encoding them again.</summary>
    public static string ContentHash(ReadOnlySpan<byte> storedJsonUtf8)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(storedJsonUtf8, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static JsonSerializerOptions CreateStoredJson()
    {
        var options = new JsonSerializerOptions();
        JsonDefaults.Configure(options);
        return options;
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// The published 360Giving JSON of a grant as <c>grants.extra_json</c> keeps it: either the JSON itself (it starts with
/// <c>{</c>), or, when the grant's columns rebuild it byte for byte, only what the columns lack (a "remainder", which
/// starts with <c>~</c>): <c>~</c>, flags (<c>t</c>: the title was absent, the column holds "";
/// <c>c</c>: the recipient's address country was absent, the column holds its first location's country), then the
/// CSV row's <c>additionalColumns</c> object when it has one. <see cref="StoredGrantJson"/> writes the JSON again from
/// the columns on read. Whether a grant is kept as a remainder is decided when it is written, by rebuilding it from the
/// values about to be stored exactly as a read does and comparing the bytes; anything else keeps the whole JSON. Rows
/// written before this shape existed hold the whole JSON and are read as they are (both shapes are read).
/// </summary>
internal static class StoredGrantText
{
    /// <summary>The first character of a remainder (a JSON text never starts with it).</summary>
    public const char Remainder = '~';

    /// <summary>
    /// The columns a read needs to rebuild the JSON, for alias <c>g</c>, named for <see cref="PublishedGrantColumns"/>.
    /// </summary>
    public const string Columns = """
        g.identifier AS pj_identifier, g.title AS pj_title, g.description AS pj_description, g.currency AS pj_currency,
               g.amount_awarded AS pj_amount_awarded, g.amount_disbursed AS pj_amount_disbursed,
               g.award_date AS pj_award_date, g.planned_start_date AS pj_planned_start_date,
               g.planned_end_date AS pj_planned_end_date, g.recipient_org_id AS pj_recipient_org_id,
               g.recipient_org_name AS pj_recipient_org_name, g.recipient_country AS pj_recipient_country,
               g.recipient_location_countries AS pj_recipient_location_countries,
               g.beneficiary_locations AS pj_beneficiary_locations, g.funding_org_id AS pj_funding_org_id,
               g.funding_org_name AS pj_funding_org_name, g.programme_title AS pj_programme_title,
               g.funding_types AS pj_funding_types, g.location_scope AS pj_location_scope,
               g.regrant_type AS pj_regrant_type, g.explicit_level AS pj_explicit_level,
               g.explicit_purpose AS pj_explicit_purpose, g.explicit_flexible AS pj_explicit_flexible,
               g.extra_json AS pj_stored
        """;

    private static readonly JsonSerializerOptions LocationJson = new(JsonSerializerDefaults.Web);

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _restBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _restWriter; // writes to _restBuffer, reused row after row

    /// <summary>
    /// What <c>extra_json</c> stores for a grant whose row values are <paramref name="values"/> (in the order of
    /// <see cref="GrantStore.WriteColumns"/>): the remainder when it rebuilds <paramref name="grant"/>'s JSON exactly,
    /// the JSON itself otherwise.
    /// </summary>
    public static string ToStore(object?[] values, GrantToStore grant)
    {
        if (grant.StoredRemainder is { } known)
        {
            return known;
        }

        var json = grant.SourceJson;
        var remainder = RemainderOf(grant.Record, grant.AdditionalColumns);
        var columns = PublishedGrantColumns.FromValues(values, remainder);
        return Ascii.Equals(columns.Rebuild(), json) ? remainder : json;
    }

    /// <summary>
    /// The remainder of a grant whose stored JSON is <see cref="StoredGrantJson.Grant"/> of <paramref name="r"/> and
    /// <paramref name="extra"/> (a CSV or XLSX row's), when its columns are sure to rebuild that JSON byte for byte;
    /// null when only the rebuild can tell (<see cref="ToStore"/> then rebuilds and compares). Every value reaches the
    /// rebuilt record unchanged except the lists joined with ";" (sure when no item holds ";"), the beneficiary
    /// locations and the additional columns, which go through JSON text and back (sure for text without surrogates:
    /// a lone one would not survive it); the title and the recipient's country are kept by the flags.
    /// </summary>
    public static string? KnownRemainder(GrantRecord r, IReadOnlyDictionary<string, string>? extra)
    {
        if (
            !Joinable(r.RecipientLocationCountryCodes)
            || !Joinable(r.FundingTypes)
            || !PlainLocations(r.BeneficiaryLocations)
            || !PlainColumns(extra)
        )
        {
            return null;
        }

        return RemainderOf(r, extra);
    }

    /// <summary><c>~</c>, the flags, then the additional columns' JSON object when there are any.</summary>
    private static string RemainderOf(GrantRecord r, IReadOnlyDictionary<string, string>? extra)
    {
        var noTitle = r.Title is null;
        var noCountry = r.RecipientOrgCountry is null && r.RecipientLocationCountryCodes.Count > 0;
        var flags = (noTitle, noCountry) switch
        {
            (false, false) => "~",
            (true, false) => "~t",
            (false, true) => "~c",
            (true, true) => "~tc",
        };
        return extra is { Count: > 0 } ? flags + AdditionalColumnsText(extra) : flags;
    }

    private static bool Joinable(IReadOnlyList<string> values)
    {
        foreach (var value in values)
        {
            if (value is null || value.Contains(';', StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool PlainLocations(IReadOnlyList<BeneficiaryLocation> locations)
    {
        foreach (var l in locations)
        {
            if (!Plain(l.Name) || !Plain(l.CountryCode) || !Plain(l.GeoCode) || !Plain(l.GeoCodeType))
            {
                return false;
            }
        }

        return true;
    }

    private static bool PlainColumns(IReadOnlyDictionary<string, string>? extra)
    {
        if (extra is null)
        {
            return true;
        }

        foreach (var (title, value) in extra)
        {
            if (!Plain(title) || value is null || !Plain(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Null, or text without any UTF-16 surrogate.</summary>
    private static bool Plain(string? text) => text is null || !text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF');

    /// <summary>The published JSON of <paramref name="stored"/> (a remainder is rebuilt from the columns).</summary>
    public static string Published(PublishedGrantColumns columns, string stored) =>
        stored.Length > 0 && stored[0] == Remainder ? Encoding.UTF8.GetString(columns.Rebuild()) : stored;

    /// <summary>The JSON a remainder and its columns stand for (valid until the next stored JSON on the
    /// thread).</summary>
    internal static ReadOnlySpan<byte> Rebuild(PublishedGrantColumns c, string remainder)
    {
        var brace = remainder.IndexOf('{', StringComparison.Ordinal);
        var flags = brace < 0 ? remainder.AsSpan(1) : remainder.AsSpan(1, brace - 1);
        var record = new GrantRecord
        {
            Identifier = c.PjIdentifier,
            Title = flags.Contains('t') ? null : c.PjTitle,
            Description = c.PjDescription,
            Currency = c.PjCurrency,
            AmountAwardedMinor = c.PjAmountAwarded,
            AmountDisbursedMinor = c.PjAmountDisbursed,
            AwardDate = c.PjAwardDate,
            PlannedStartDate = c.PjPlannedStartDate,
            PlannedEndDate = c.PjPlannedEndDate,
            RecipientOrgId = c.PjRecipientOrgId,
            RecipientOrgName = c.PjRecipientOrgName,
            RecipientOrgCountry = flags.Contains('c') ? null : c.PjRecipientCountry,
            RecipientLocationCountryCodes = Split(c.PjRecipientLocationCountries),
            BeneficiaryLocations = Locations(c.PjBeneficiaryLocations),
            FundingOrgId = c.PjFundingOrgId,
            FundingOrgName = c.PjFundingOrgName,
            ProgrammeTitle = c.PjProgrammeTitle,
            FundingTypes = Split(c.PjFundingTypes),
            LocationScope = c.PjLocationScope,
            RegrantType = c.PjRegrantType,
            ExplicitLevel = c.PjExplicitLevel,
            ExplicitPurpose = c.PjExplicitPurpose,
            ExplicitFlexible = c.PjExplicitFlexible,
        };
        return StoredGrantJson.Current.Grant(record, brace < 0 ? null : ReadColumns(remainder.AsSpan(brace)));
    }

    /// <summary>A CSV row's unmapped columns as the stored JSON writes them (empty when none).</summary>
    private static string AdditionalColumnsText(IReadOnlyDictionary<string, string>? extra)
    {
        if (extra is not { Count: > 0 })
        {
            return "";
        }

        var buffer = _restBuffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var w = _restWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        w.Reset(buffer);
        w.WriteStartObject();
        foreach (var (title, value) in extra)
        {
            w.WriteString(title, value);
        }

        w.WriteEndObject();
        w.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Dictionary<string, string> ReadColumns(ReadOnlySpan<char> json)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json.ToArray()));
        reader.Read(); // {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var title = reader.GetString()!;
            reader.Read();
            columns[title] = reader.GetString()!;
        }

        return columns;
    }

    private static IReadOnlyList<string> Split(string? joined) => joined is null ? [] : joined.Split(';');

    private static IReadOnlyList<BeneficiaryLocation> Locations(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<BeneficiaryLocation>>(json, LocationJson) ?? [];
}

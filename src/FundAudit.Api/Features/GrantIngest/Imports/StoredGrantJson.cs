using System.Buffers;
using System.Text.Json;
using FundAudit.Core.Grants;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// The stored 360Giving JSON of a CSV row, and the beneficiary_locations column, written straight from the
/// <see cref="GrantRecord"/> with reused <see cref="Utf8JsonWriter"/>s per thread: byte for byte what
/// <see cref="GrantMapping.ToStoredJsonUtf8"/> (and <see cref="JsonSerializer"/> with <see
/// cref="GrantMapping.StoredJson"/>)
/// writes for the same grant, so content hashes do not move, without building the object graph or reflecting over it
/// (a test compares both on every shared data file).
/// </summary>
/// <remarks>
/// Same rules as the serializer with <see cref="GrantMapping.StoredJson"/>: camelCase names in declaration order of
/// <see cref="GivingGrant"/>, nulls left out, the default encoder (non-ASCII escaped, so the text is ASCII), extension
/// data last in insertion order.
/// </remarks>
internal sealed class StoredGrantJson : IDisposable
{
    [ThreadStatic]
    private static StoredGrantJson? _current;

    // Evidence texts and beneficiary locations come back grant after grant: the JSON of each value is written once
    // per thread and kept (up to MaxKeptValues of each kind, none longer than MaxKeptLength: a few MiB at most), and a
    // list's text is its values' texts joined as the writer joins them.
    private const int MaxKeptValues = 4096;
    private const int MaxKeptLength = 512;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly Dictionary<string, string> _stringValues = new(StringComparer.Ordinal);
    private readonly System.Text.StringBuilder _list = new(1024);

    // Locations are kept as UTF-8, written by their own writer: the stored JSON takes their list while it is being
    // written.
    private readonly Dictionary<BeneficiaryLocation, byte[]> _locationValues = [];
    private readonly ArrayBufferWriter<byte> _locationBuffer = new(1024);
    private readonly Utf8JsonWriter _locationWriter;
    private readonly ArrayBufferWriter<byte> _locationList = new(1024);

    private StoredGrantJson()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _locationWriter = new Utf8JsonWriter(_locationBuffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>This thread's writer (lives as long as the thread; <see cref="Dispose"/> is for owners of their
    /// own).</summary>
    public static StoredGrantJson Current => _current ??= new StoredGrantJson();

    /// <summary>The stored JSON of a CSV row's grant; the span is valid until the next call on this thread.</summary>
    public ReadOnlySpan<byte> Grant(GrantRecord r, IReadOnlyDictionary<string, string>? extra)
    {
        var w = Reset();
        w.WriteStartObject();
        w.WriteString("id"u8, r.Identifier);
        Text(w, "title"u8, r.Title);
        Text(w, "description"u8, r.Description);
        w.WriteString("currency"u8, r.Currency);
        w.WriteNumber("amountAwarded"u8, MinorUnits.ToDecimal(r.AmountAwardedMinor, r.Currency));
        if (r.AmountDisbursedMinor is { } disbursed)
        {
            w.WriteNumber("amountDisbursed"u8, MinorUnits.ToDecimal(disbursed, r.Currency));
        }

        Date(w, "awardDate"u8, r.AwardDate);
        WritePlannedDates(w, r);
        WriteRecipient(w, r);
        if (r.BeneficiaryLocations.Count > 0)
        {
            w.WritePropertyName("beneficiaryLocation"u8);
            w.WriteRawValue(LocationsUtf8(r.BeneficiaryLocations), skipInputValidation: true);
        }

        WriteFunding(w, r);
        Text(w, "locationScope"u8, r.LocationScope);
        Text(w, "regrantType"u8, r.RegrantType);
        WriteCsvOnly(w, r, extra);
        w.WriteEndObject();
        return Done(w);
    }

    private static void WritePlannedDates(Utf8JsonWriter w, GrantRecord r)
    {
        if (r.PlannedStartDate is not null || r.PlannedEndDate is not null)
        {
            w.WriteStartArray("plannedDates"u8);
            w.WriteStartObject();
            if (r.PlannedStartDate is { } start)
            {
                Date(w, "startDate"u8, start);
            }

            if (r.PlannedEndDate is { } end)
            {
                Date(w, "endDate"u8, end);
            }

            w.WriteEndObject();
            w.WriteEndArray();
        }
    }

    private static void WriteRecipient(Utf8JsonWriter w, GrantRecord r)
    {
        if (
            r.RecipientOrgId is not null
            || r.RecipientOrgName is not null
            || r.RecipientOrgCountry is not null
            || r.RecipientLocationCountryCodes.Count > 0
        )
        {
            w.WriteStartArray("recipientOrganization"u8);
            w.WriteStartObject();
            Text(w, "id"u8, r.RecipientOrgId);
            Text(w, "name"u8, r.RecipientOrgName);
            Text(w, "addressCountry"u8, r.RecipientOrgCountry);
            if (r.RecipientLocationCountryCodes.Count > 0)
            {
                ObjectsOfOne(w, "location"u8, "countryCode"u8, r.RecipientLocationCountryCodes);
            }

            w.WriteEndObject();
            w.WriteEndArray();
        }
    }

    /// <summary>The funding organisation, the programme and the funding types.</summary>
    private static void WriteFunding(Utf8JsonWriter w, GrantRecord r)
    {
        if (r.FundingOrgId is not null || r.FundingOrgName is not null)
        {
            w.WriteStartArray("fundingOrganization"u8);
            w.WriteStartObject();
            Text(w, "id"u8, r.FundingOrgId);
            Text(w, "name"u8, r.FundingOrgName);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (r.ProgrammeTitle is not null)
        {
            w.WriteStartArray("grantProgramme"u8);
            w.WriteStartObject();
            w.WriteString("title"u8, r.ProgrammeTitle);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (r.FundingTypes.Count > 0)
        {
            ObjectsOfOne(w, "fundingType"u8, "title"u8, r.FundingTypes);
        }
    }

    /// <summary>An array of objects of one property each: <c>"location":[{"countryCode":"KE"}, …]</c>.</summary>
    private static void ObjectsOfOne(
        Utf8JsonWriter w,
        ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> key,
        IReadOnlyList<string> values
    )
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStartObject();
            w.WriteString(key, value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>What only a CSV row carries: the columns outside the standard, the explicit classification.</summary>
    private static void WriteCsvOnly(Utf8JsonWriter w, GrantRecord r, IReadOnlyDictionary<string, string>? extra)
    {
        if (extra is { Count: > 0 })
        {
            w.WriteStartObject(CsvGrantMapping.AdditionalColumns);
            foreach (var (title, value) in extra)
            {
                w.WriteString(title, value);
            }

            w.WriteEndObject();
        }

        if (r.ExplicitLevel is not null || r.ExplicitPurpose is not null || r.ExplicitFlexible is not null)
        {
            w.WriteStartObject(CsvGrantMapping.ExplicitClassification);
            Text(w, "level"u8, r.ExplicitLevel);
            Text(w, "purpose"u8, r.ExplicitPurpose);
            if (r.ExplicitFlexible is { } flexible)
            {
                w.WriteBoolean("flexible"u8, flexible);
            }

            w.WriteEndObject();
        }
    }

    /// <summary>The beneficiary_locations column: the list as the serializer writes it (null when empty).</summary>
    public string? LocationsText(IReadOnlyList<BeneficiaryLocation> locations)
    {
        if (locations.Count == 0)
        {
            return null;
        }

        return System.Text.Encoding.UTF8.GetString(LocationsUtf8(locations));
    }

    /// <summary>A list of strings as the serializer writes it (<c>["a","b"]</c>, <c>[]</c> when empty).</summary>
    public string StringArrayText(IReadOnlyList<string> values)
    {
        _list.Clear().Append('[');
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (!_stringValues.TryGetValue(value, out var text))
            {
                var w = Reset();
                w.WriteStringValue(value);
                text = System.Text.Encoding.UTF8.GetString(Done(w));
                Keep(_stringValues, value, text, text.Length);
            }

            _list.Append(i == 0 ? "" : ",").Append(text);
        }

        return _list.Append(']').ToString();
    }

    private static void Keep<TKey, TText>(Dictionary<TKey, TText> kept, TKey key, TText text, int length)
        where TKey : notnull
    {
        if (kept.Count < MaxKeptValues && length <= MaxKeptLength)
        {
            kept[key] = text;
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _locationWriter.Dispose();
    }

    /// <summary>A list of locations as the serializer writes it; valid until the next call on this thread.</summary>
    private ReadOnlySpan<byte> LocationsUtf8(IReadOnlyList<BeneficiaryLocation> locations)
    {
        _locationList.ResetWrittenCount();
        _locationList.Write("["u8);
        for (var i = 0; i < locations.Count; i++)
        {
            var location = locations[i];
            if (!_locationValues.TryGetValue(location, out var utf8))
            {
                _locationBuffer.ResetWrittenCount();
                _locationWriter.Reset(_locationBuffer);
                Location(_locationWriter, location);
                _locationWriter.Flush();
                utf8 = _locationBuffer.WrittenSpan.ToArray();
                Keep(_locationValues, location, utf8, utf8.Length);
            }

            _locationList.Write(i == 0 ? [] : ","u8);
            _locationList.Write(utf8);
        }

        _locationList.Write("]"u8);
        return _locationList.WrittenSpan;
    }

    private Utf8JsonWriter Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        return _writer;
    }

    private ReadOnlySpan<byte> Done(Utf8JsonWriter w)
    {
        w.Flush();
        return _buffer.WrittenSpan;
    }

    private static void Location(Utf8JsonWriter w, BeneficiaryLocation l)
    {
        w.WriteStartObject();
        Text(w, "name"u8, l.Name);
        Text(w, "countryCode"u8, l.CountryCode);
        Text(w, "geoCode"u8, l.GeoCode);
        Text(w, "geoCodeType"u8, l.GeoCodeType);
        w.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Date(Utf8JsonWriter w, ReadOnlySpan<byte> name, DateOnly date)
    {
        // "O" is yyyy-MM-dd for a DateOnly, formatted straight to UTF-8 without the custom-format parser.
        Span<byte> text = stackalloc byte[10];
        date.TryFormat(text, out var written, "O", System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(name, text[..written]);
    }
}

using System.Text.Json.Nodes;

namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>
/// The standard's properties a publisher gave that FundAudit keeps with the grant but does not read into its columns:
/// the amount applied for, the planned duration, the programme's code and web address, the recipient's description,
/// whether the grant came from an open call, when its record was last modified and where the data came from. Taken
/// from the grant's JSON, else from a flat file's column of the standard's title kept aside by the import
/// (<see cref="KeptAsideColumns"/>); each only when it has the standard's type (a number, whole months, "Yes" or "No",
/// a date-time, an absolute http(s) address; "Y" and "N" are read as "Yes" and "No"), else left out, so that the
/// package still validates. Never for an anonymised grant.
/// </summary>
internal static class PublishedExtras
{
    /// <summary>Adds what <paramref name="stored"/> holds of these to the published grant <paramref name="g"/>
    /// (and to its <paramref name="recipient"/> organisation, when it has one).</summary>
    public static void AddTo(JsonObject g, JsonObject stored, JsonObject? recipient)
    {
        if (Number(stored, "amountAppliedFor") is >= 0 and var applied)
        {
            g["amountAppliedFor"] = applied;
        }

        if (
            Number(stored, "plannedDates", "0", "duration") is >= 0 and var months
            && months == decimal.Truncate(months)
        )
        {
            (g["plannedDates"] ??= new JsonArray(new JsonObject()))[0]!["duration"] = months;
        }

        var code = Text(stored, "grantProgramme", "0", "code");
        var url = Text(stored, "grantProgramme", "0", "url") is { } u ? WebAddresses.Published(u) : null;
        if (code is not null || url is not null)
        {
            var programme = (g["grantProgramme"] ??= new JsonArray(new JsonObject()))[0]!;
            if (code is not null)
            {
                programme["code"] = code;
            }

            if (url is not null)
            {
                programme["url"] = url;
            }
        }

        if (recipient is not null && Text(stored, "recipientOrganization", "0", "description") is { } description)
        {
            recipient["description"] = description;
        }

        if (OpenCall(Text(stored, "fromOpenCall")) is { } open)
        {
            g["fromOpenCall"] = open;
        }

        if (
            Text(stored, "dateModified") is { } modified
            && DateTimeOffset.TryParse(modified, Invariant, Utc, out var at)
        )
        {
            g["dateModified"] = at.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        }

        if (Text(stored, "dataSource") is { } text && WebAddresses.Published(text) is { } source)
        {
            g["dataSource"] = source;
        }
    }

    /// <summary>"Yes" or "No" as the standard writes them, from those words or their first letters in any case
    /// (Lloyds Bank Foundation publishes "Y" and "N"); null for anything else.</summary>
    private static string? OpenCall(string? text) =>
        text?.ToUpperInvariant() switch
        {
            "YES" or "Y" => "Yes",
            "NO" or "N" => "No",
            _ => null,
        };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal;

    private static string? Text(JsonObject stored, params string[] path) =>
        GivingCsv.At(stored, path) is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s)
            ? s.Trim()
            : KeptAsideColumns.Text(stored, path);

    private static decimal? Number(JsonObject stored, params string[] path) =>
        GivingCsv.At(stored, path) is JsonValue v && v.TryGetValue<decimal>(out var d) ? d
        : Text(stored, path) is { } text && decimal.TryParse(text, NumberStyles.Number, Invariant, out var parsed)
            ? parsed
        : null;
}

using System.Text.Json;
using FundAudit.Api.Features.GrantIngest.Imports;

namespace FundAudit.Api.Features.Classification;

/// <summary>
/// What the classifier reads about the recipient that has no column of its own: its address (postal code, town,
/// county) and whether it is a person. Read back from a stored grant's JSON, where a 360Giving package keeps
/// <c>recipientOrganization[0].postalCode</c>, <c>addressLocality</c>, <c>addressRegion</c> and
/// <c>recipientIndividual</c>, and a CSV row keeps its <c>Recipient Org:Postal Code</c>, <c>Recipient Org:City</c>,
/// <c>Recipient Org:County</c> and <c>Recipient Ind:*</c> cells among its additional columns. For a person, the
/// publisher's identifier of the person (<c>recipientIndividual.id</c> or <c>Recipient Ind:Identifier</c>), if any.
/// </summary>
internal readonly record struct StoredRecipient(
    string? PostalCode,
    string? Locality,
    string? Region,
    bool Individual,
    string? PersonId = null
)
{
    public static StoredRecipient Read(string? storedJson)
    {
        if (string.IsNullOrEmpty(storedJson))
        {
            return default;
        }

        try
        {
            using var doc = JsonDocument.Parse(storedJson);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            var hasOrg =
                root.TryGetProperty("recipientOrganization", out var orgs)
                && orgs.ValueKind == JsonValueKind.Array
                && orgs.GetArrayLength() > 0;
            var org = hasOrg ? orgs[0] : default;
            var csv = root.TryGetProperty(CsvGrantMapping.AdditionalColumns, out var c) ? c : default;
            var person = root.TryGetProperty("recipientIndividual", out var p) ? p : default;
            var personId = Text(person, "id") ?? Text(csv, "Recipient Ind:Identifier");
            var individual =
                !hasOrg
                && (
                    person.ValueKind != JsonValueKind.Undefined
                    || personId is not null
                    || Text(csv, "Recipient Ind:Name") is not null
                );
            return new StoredRecipient(
                Text(org, "postalCode") ?? Text(csv, "Recipient Org:Postal Code"),
                Text(org, "addressLocality") ?? Text(csv, "Recipient Org:City"),
                Text(org, "addressRegion") ?? Text(csv, "Recipient Org:County"),
                individual,
                individual ? personId : null
            );
        }
        catch (JsonException)
        {
            return default; // the columns alone still classify the grant
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object
        && e.TryGetProperty(name, out var v)
        && v.ValueKind == JsonValueKind.String
        && v.GetString() is { Length: > 0 } s
            ? s.Trim()
            : null;
}

using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Core.Geography;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>
/// One stored grant as a 360Giving grant for publishing back: the standard's properties only (taken from what the
/// publisher sent, never FundAudit's own extras such as <c>additionalColumns</c>), <c>locationScope</c> from the
/// effective level, and FundAudit's level, purpose and flexibility as <c>classifications</c>. A grant marked sensitive
/// is anonymised as Human Rights Funders Network practice does (see <see cref="Anonymised"/>).
/// </summary>
internal static class GivingGrantBuilder
{
    /// <summary>The recipient of an anonymised grant.</summary>
    public const string AnonymousGrantee = "Anonymous grantee";

    /// <summary>The recipient identifier of an anonymised grant (the schema requires one; it names nobody).</summary>
    public const string AnonymousGranteeId = "ANONYMOUS-GRANTEE";

    /// <summary>The title of an anonymised grant (a title often names the grantee or its place).</summary>
    public const string AnonymousTitle = "Grant to an anonymous grantee";

    /// <summary>The description of an anonymised grant (the schema requires one, and a flat CSV cannot hold an empty
    /// one).</summary>
    public const string WithheldDescription = "Description withheld to protect the grantee.";

    /// <summary>The description of a grant whose publisher gave none.</summary>
    public const string NoDescription = "No description provided.";

    /// <summary>The identifier of an organisation whose publisher gave none (the schema requires one).</summary>
    public const string Unidentified = "UNIDENTIFIED";

    /// <summary>The vocabulary prefix of FundAudit's classifications ("FundAudit:level", ":purpose",
    /// ":flexible").</summary>
    public const string Vocabulary = "FundAudit:";

    // The standard's string properties kept from the publisher's organisation objects (identifiers and addresses
    // included: only a sensitive grant loses them).
    private static readonly string[] OrganisationTexts =
    [
        "charityNumber",
        "companyNumber",
        "streetAddress",
        "addressLocality",
        "addressRegion",
        "addressCountry",
        "postalCode",
        "department",
        "organisationType",
    ];

    private static readonly string[] LocationTexts = ["id", "name", "geoCode", "geoCodeType"];

    /// <summary>The name every published grant to a person carries instead of the person's (the standard's own
    /// generic name).</summary>
    public const string IndividualRecipient = "Individual Recipient";

    /// <summary>
    /// The grant as published: everything FundAudit knows of it in the standard's terms. A grant to a person
    /// (<see cref="StoredRecipient.Individual"/>: a 360Giving <c>recipientIndividual</c> or a CSV's
    /// <c>Recipient Ind:*</c> cells, and no organisation) is published as one, as the standard's second form of a
    /// grant has it: <c>recipientIndividual</c> named <see cref="IndividualRecipient"/>, its identifier
    /// <paramref name="anonymise"/>d (the same person, by the publisher's identifier, keeps one pseudonym), never the
    /// person's name, identifier or <c>toIndividualsDetails</c> (the reasons describe the person's circumstances).
    /// </summary>
    public static JsonObject Published(GivingExportRow row, string funderName, Func<string, string> anonymise)
    {
        var stored = Stored(row);
        var g = Common(row, row.PjIdentifier, row.PjTitle, Or(row.PjDescription, NoDescription));
        if (
            (Text(stored, "url") ?? KeptAsideColumns.Text(stored, "url")) is { } text
            && WebAddresses.Published(text) is { } url
        )
        {
            g["url"] = url;
        }

        // Only a grant with no organisation in its columns can go to a person: the others are not parsed again.
        var person =
            row.PjRecipientOrgId is null && row.PjRecipientOrgName is null
                ? StoredRecipient.Read(row.ExtraJson)
                : default;
        if (person.Individual)
        {
            g["recipientIndividual"] = new JsonObject
            {
                // The publisher's identifier of the person, else the grant's: one person, one pseudonym.
                ["id"] = anonymise(IndividualKey + (person.PersonId ?? row.PjIdentifier)),
                ["name"] = IndividualRecipient,
            };
        }
        else
        {
            g["recipientOrganization"] = new JsonArray(Recipient(row, stored));
        }

        if (Locations(stored) is { Count: > 0 } locations)
        {
            g["beneficiaryLocation"] = locations;
        }

        g["fundingOrganization"] = new JsonArray(Funder(stored, funderName));
        if (row.PjProgrammeTitle is { } programme)
        {
            g["grantProgramme"] = new JsonArray(new JsonObject { ["title"] = programme });
        }

        Codes(g, "fundingType", stored);
        g["locationScope"] = LocationScope(row);
        g["classifications"] = Classifications(row, stored);
        if (Text(stored, "regrantType") is { } regrant)
        {
            g["regrantType"] = regrant;
        }

        PublishedExtras.AddTo(g, stored, person.Individual ? null : First(g, "recipientOrganization"));
        return g;
    }

    /// <summary>
    /// The grant anonymised: the recipient replaced by "Anonymous grantee" (its country kept), every identifier
    /// (recipient id, charity and company numbers, addresses, postcodes, URLs) and the programme dropped, places kept
    /// only as countries or world regions, the title made generic, the description replaced by
    /// <see cref="WithheldDescription"/>, and the grant id replaced by <paramref name="anonymousId"/>.
    /// </summary>
    public static JsonObject Anonymised(GivingExportRow row, string anonymousId, string funderName)
    {
        var stored = Stored(row);
        var g = Common(row, anonymousId, AnonymousTitle, WithheldDescription);
        var recipient = new JsonObject { ["id"] = AnonymousGranteeId, ["name"] = AnonymousGrantee };
        if (Countries.TryResolve(row.PjRecipientCountry, out var country))
        {
            recipient["addressCountry"] = country.Alpha2;
        }

        g["recipientOrganization"] = new JsonArray(recipient);
        if (CountryLevelPlaces(row) is { Count: > 0 } places)
        {
            g["beneficiaryLocation"] = places;
        }

        g["fundingOrganization"] = new JsonArray(Funder(stored, funderName));
        Codes(g, "fundingType", stored);
        g["locationScope"] = LocationScope(row);
        g["classifications"] = Classifications(row, null);
        return g;
    }

    /// <summary>The 360Giving Location Scope of the effective level: the publisher's own code when it says the same
    /// level, else global GLS010, regional GLS020, national GLS030, local GLS040 (sub-national), unclassified
    /// GLS099.</summary>
    public static string LocationScope(GivingExportRow row)
    {
        var stored = row.PjLocationScope?.Trim().ToUpperInvariant();
        return row.Level switch
        {
            "global" => "GLS010",
            "regional" => "GLS020",
            "national" => "GLS030",
            "local" => stored is "GLS040" or "GLS050" or "GLS060" ? stored : "GLS040",
            _ => "GLS099",
        };
    }

    private static JsonObject Common(GivingExportRow row, string id, string title, string description)
    {
        var g = new JsonObject
        {
            ["id"] = id,
            ["title"] = title,
            ["description"] = description,
            ["currency"] = row.PjCurrency,
            ["amountAwarded"] = Major(row.PjAmountAwarded, row.PjCurrency),
        };
        if (row.PjAmountDisbursed is { } disbursed)
        {
            g["amountDisbursed"] = Major(disbursed, row.PjCurrency);
        }

        g["awardDate"] = Iso(row.PjAwardDate);
        if (row.PjPlannedStartDate is not null || row.PjPlannedEndDate is not null)
        {
            var planned = new JsonObject();
            if (row.PjPlannedStartDate is { } start)
            {
                planned["startDate"] = Iso(start);
            }

            if (row.PjPlannedEndDate is { } end)
            {
                planned["endDate"] = Iso(end);
            }

            g["plannedDates"] = new JsonArray(planned);
        }

        return g;
    }

    /// <summary>The recipient organisation: its columns, the standard's texts the publisher gave (from a flat file's
    /// kept-aside columns where its JSON has none, <see cref="KeptAsideColumns"/>).</summary>
    private static JsonObject Recipient(GivingExportRow row, JsonObject grant)
    {
        var stored = First(grant, "recipientOrganization");
        var o = new JsonObject
        {
            ["id"] = Or(row.PjRecipientOrgId, Unidentified),
            ["name"] = Or(row.PjRecipientOrgName, "Unnamed recipient"),
        };
        CopyTexts(stored, o, OrganisationTexts);
        KeptAsideColumns.Fill(grant, o, ["recipientOrganization", "0"], OrganisationTexts);
        if (o["addressCountry"] is null && row.PjRecipientCountry is { } country)
        {
            o["addressCountry"] = country;
        }

        if (
            (Text(stored, "url") ?? KeptAsideColumns.Text(grant, "recipientOrganization", "0", "url")) is { } text
            && WebAddresses.Published(text) is { } url
        )
        {
            o["url"] = url;
        }

        return o;
    }

    private static JsonObject Funder(JsonObject grant, string funderName)
    {
        var stored = First(grant, "fundingOrganization");
        var o = new JsonObject
        {
            ["id"] = Text(stored, "id") ?? Unidentified,
            ["name"] = Text(stored, "name") ?? Or(funderName, "Unnamed funder"),
        };
        CopyTexts(stored, o, ["department"]);
        KeptAsideColumns.Fill(grant, o, ["fundingOrganization", "0"], ["department"]);
        return o;
    }

    private static JsonArray Locations(JsonObject stored)
    {
        var list = new JsonArray();
        foreach (var l in (stored["beneficiaryLocation"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var o = new JsonObject();
            CopyTexts(l, o, LocationTexts);
            if (Countries.TryResolve(Text(l, "countryCode"), out var c) && Text(l, "countryCode")!.Length == 2)
            {
                o["countryCode"] = c.Alpha2;
            }

            if (o.Count > 0)
            {
                list.Add(o);
            }
        }

        return list;
    }

    /// <summary>Beneficiary places of an anonymised grant: each as its country (code and name) or its world
    /// region; a place that is neither, and no country code, is left out. Never a sub-national name or code.</summary>
    private static JsonArray CountryLevelPlaces(GivingExportRow row)
    {
        var stored = string.IsNullOrEmpty(row.PjBeneficiaryLocations)
            ? []
            : JsonSerializer.Deserialize<List<FundAudit.Core.Grants.BeneficiaryLocation>>(
                row.PjBeneficiaryLocations,
                GrantMapping.StoredJson
            ) ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new JsonArray();
        foreach (var l in stored)
        {
            if (Countries.TryResolve(l.CountryCode, out var c) || Countries.TryResolve(l.Name, out c))
            {
                if (seen.Add(c.Alpha2))
                {
                    list.Add(new JsonObject { ["name"] = c.Name, ["countryCode"] = c.Alpha2 });
                }
            }
            else if (WorldRegions.TryParse(l.Name, out var region) && seen.Add(region.DisplayName()))
            {
                list.Add(new JsonObject { ["name"] = region.DisplayName() });
            }
        }

        return list;
    }

    private static JsonArray Classifications(GivingExportRow row, JsonObject? stored)
    {
        var list = new JsonArray();
        foreach (var c in (stored?["classifications"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var o = new JsonObject();
            CopyTexts(c, o, ["vocabulary", "code", "title"]);
            if (o.Count > 0)
            {
                list.Add(o);
            }
        }

        list.Add(Classification("level", row.Level, Title(row.Level)));
        list.Add(Classification("purpose", row.Purpose, Title(row.Purpose)));
        if (row.Flexible is { } flexible)
        {
            list.Add(
                Classification(
                    "flexible",
                    flexible ? "true" : "false",
                    flexible ? "Flexible funding" : "Not flexible funding"
                )
            );
        }

        return list;
    }

    private static JsonObject Classification(string dimension, string code, string title) =>
        new()
        {
            ["vocabulary"] = Vocabulary + dimension,
            ["code"] = code,
            ["title"] = title,
        };

    private static string Title(string code) => code.Length == 0 ? code : char.ToUpperInvariant(code[0]) + code[1..];

    /// <summary>The publisher's code lists (fundingType) as vocabulary, code and title.</summary>
    private static void Codes(JsonObject g, string name, JsonObject stored)
    {
        var list = new JsonArray();
        foreach (var c in (stored[name] as JsonArray ?? []).OfType<JsonObject>())
        {
            var o = new JsonObject();
            CopyTexts(c, o, ["vocabulary", "code", "title"]);
            if (o.Count > 0)
            {
                list.Add(o);
            }
        }

        if (list.Count > 0)
        {
            g[name] = list;
        }
    }

    /// <summary>What a person's identifier is prefixed with before it is anonymised, so that it can never give the
    /// pseudonym of a grant whose identifier has the same text.</summary>
    private const string IndividualKey = "recipientIndividual\n";

    private static JsonObject Stored(GivingExportRow row) =>
        JsonNode.Parse(string.IsNullOrEmpty(row.ExtraJson) ? "{}" : row.ExtraJson) as JsonObject ?? [];

    private static JsonObject? First(JsonObject stored, string name) =>
        (stored[name] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();

    private static void CopyTexts(JsonObject? from, JsonObject to, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (Text(from, name) is { } value)
            {
                to[name] = value;
            }
        }
    }

    private static string? Text(JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;

    private static string Or(string? value, string otherwise) => string.IsNullOrWhiteSpace(value) ? otherwise : value;

    private static decimal Major(long minor, string currency) =>
        Currencies.IsKnown(currency) ? MinorUnits.ToDecimal(minor, currency) : minor;

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

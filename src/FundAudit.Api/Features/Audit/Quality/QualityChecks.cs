using System.Collections.Frozen;
using System.Text.Json;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Core.Audit;
using FundAudit.Core.Geography;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.Audit.Quality;

/// <summary>What a check needs besides the grant: today (far-future dates), the report currency, its rates.</summary>
internal sealed record QualityContext(DateOnly Today, string Currency, RateBook Rates);

/// <summary>One data-quality check: a stable code, its title, and the test that answers why a grant fails it (null
/// when it passes). <paramref name="Bit"/>: for a check that depends on the grant's own content only, its bit in
/// grants.quality_flags (migration 0018; never renumbered, since stored rows keep it); null for a check that reads
/// other data (today, rates, the effective classification), evaluated when the report is read.</summary>
internal sealed record QualityCheck(
    string Code,
    string Title,
    Func<QualityRow, QualityContext, string?> Fails,
    int? Bit = null
);

/// <summary>
/// The data-quality checks, phrased and counted as 360Giving's own data-quality checks do (a check counts the grants
/// that fail it; a grant may fail several), in the order of the list.
/// </summary>
internal static class QualityChecks
{
    /// <summary>Award or planned dates from this year on are far-past (360Giving: before 1900).</summary>
    public static readonly DateOnly FarPast = new(1900, 1, 1);

    /// <summary>How many years after today a date is far-future.</summary>
    public const int FarFutureYears = 5;

    /// <summary>far_future_dates over the grants g in SQL, for the report's sums (the same test as the check's, with
    /// @FarFutureAfter = <see cref="FarFutureAfter"/>): it depends on today, so it is not stored.</summary>
    public const string FarFutureSql =
        "(g.award_date > @FarFutureAfter OR g.planned_start_date > @FarFutureAfter "
        + "OR g.planned_end_date > @FarFutureAfter)";

    /// <summary>The last date that is not far-future.</summary>
    public static DateOnly FarFutureAfter(DateOnly today) => today.AddYears(FarFutureYears);

    public static readonly IReadOnlyList<QualityCheck> All =
    [
        new("no_beneficiary_location", "Grants with no beneficiary location", (g, _) => NoLocation(g), 0),
        new(
            "location_name_without_code",
            "Beneficiary location with a name but no geographic code",
            (g, _) => NameWithoutCode(g),
            1
        ),
        new("recipient_without_country", "Recipient organisation without a country", (g, _) => NoCountry(g), 2),
        new(
            "unknown_recipient_country",
            "Recipient country that names no known country, left out of every region",
            (g, _) => UnknownCountry(g.RecipientCountry),
            12
        ),
        new(
            "recipient_without_identifier",
            "Recipient organisation without an identifier",
            (g, _) =>
                string.IsNullOrWhiteSpace(g.RecipientOrgId) && !g.IsIndividual() ? "no recipient identifier" : null,
            3
        ),
        new(
            "zero_or_negative_amount",
            "Amount awarded of zero or less",
            (g, _) => g.Amount <= 0 ? "amount 0" : null,
            4
        ),
        new(
            "impossible_dates",
            "Planned end date before the planned start date",
            (g, _) => g.PlannedEnd < g.PlannedStart ? $"planned {Iso(g.PlannedStart)} to {Iso(g.PlannedEnd)}" : null,
            5
        ),
        new("far_future_dates", "Award or planned dates more than 5 years in the future", (g, c) =>
            FirstDate(g, d => d > FarFutureAfter(c.Today))
        ),
        new(
            "nonexistent_planned_dates",
            "Planned dates that are not dates (such as 30 February), left out of the planned dates",
            (g, _) => g.Published().UnreadablePlannedDate,
            11
        ),
        new("far_past_dates", "Award or planned dates before 1900", (g, _) => FirstDate(g, d => d < FarPast), 6),
        new(
            "title_equals_description",
            "Title the same as the description",
            (g, _) => g.TitleIsDescription == 1 ? "title = description" : null,
            7
        ),
        new(
            "unexpected_identifier_characters",
            "Grant or recipient identifiers with unexpected characters",
            (g, _) => UnexpectedCharacters(g),
            8
        ),
        new(
            "unknown_org_id_prefix",
            "Recipient identifiers without a recognised org-id prefix (360G- identifiers excepted)",
            (g, _) => UnknownPrefix(g.RecipientOrgId),
            9
        ),
        new(
            "looks_like_email",
            "Text that looks like an email address (personal data?)",
            (g, _) => g.Published().Email,
            10
        ),
        new("no_exchange_rate", "Amounts in a currency with no rate for their award date", (g, c) =>
            c.Rates.Pair(g.Currency, c.Currency, g.AwardDate) is null ? $"{g.Currency} on {Iso(g.AwardDate)}" : null
        ),
        new("unclassified", "Grants the classifier could not place", (g, _) => Unplaced(g)),
        new(
            "same_id_in_two_imports",
            "Same grant id in two imports: created by one import, changed by a later one",
            (g, _) => Reimported(g)
        ),
    ];

    /// <summary>The checks that may read the grant's published JSON (<see cref="QualityRow.IsIndividual"/>,
    /// <see cref="QualityRow.Published"/>): a list of another check's grants does not read its columns.</summary>
    public static readonly FrozenSet<string> ReadPublished = FrozenSet.Create(
        StringComparer.Ordinal,
        "recipient_without_country",
        "recipient_without_identifier",
        "unexpected_identifier_characters",
        "looks_like_email",
        "nonexistent_planned_dates"
    );

    public static QualityCheck? Find(string code) => All.FirstOrDefault(c => c.Code == code);

    /// <summary>The recipient organisation's country is neither given (its <c>addressCountry</c> or a location's
    /// <c>countryCode</c>: the recipient country column) nor implied by its identifier: a national register's prefix
    /// (<c>GB-CHC-</c>: the United Kingdom) gives the country, an international list's (<c>XM-DAC-</c>) says the
    /// organisation is international, which is a base as well (<see cref="OrganisationIds.TryBase"/>, the classifier's
    /// reading). 360Giving publishers in the UK rarely write <c>addressCountry</c>, so every grant of theirs failed
    /// this check until 2026-12-06; a <c>360G-</c> identifier or a global scheme (<c>XI-</c>) still says nothing.
    /// </summary>
    private static string? NoCountry(QualityRow g) =>
        string.IsNullOrWhiteSpace(g.RecipientCountry)
        && !OrganisationIds.TryBase(g.RecipientOrgId, out _, out _)
        && !g.IsIndividual()
            ? "no recipient country"
            : null;

    /// <summary>The recipient country (the column the audit's place reports group by) is given but names no country
    /// the audit knows (<see cref="CountryKeys"/>: "United Kingdon", "Commonwealth"), so the grant counts in no region
    /// and under no country code; the detail is the text as stored, control characters escaped.</summary>
    private static string? UnknownCountry(string? country) =>
        !string.IsNullOrWhiteSpace(country) && !CountryKeys.Resolves(country)
            ? $"recipient country \"{PublishedFacts.Escaped(country)}\""
            : null;

    private static string? NoLocation(QualityRow g) => Locations(g).Count == 0 ? "no beneficiary location" : null;

    private static string? NameWithoutCode(QualityRow g) =>
        Locations(g)
            .FirstOrDefault(l => !string.IsNullOrWhiteSpace(l.Name) && string.IsNullOrWhiteSpace(l.GeoCode))
            ?.Name;

    private static List<BeneficiaryLocation> Locations(QualityRow g) =>
        g.ParsedLocations ??= g.Locations is { Length: > 2 } json
            ? JsonSerializer.Deserialize<List<BeneficiaryLocation>>(json, GrantMapping.StoredJson) ?? []
            : [];

    private static string? FirstDate(QualityRow g, Func<DateOnly, bool> bad)
    {
        if (bad(g.AwardDate))
        {
            return "award date " + Iso(g.AwardDate);
        }

        if (g.PlannedStart is { } start && bad(start))
        {
            return "planned start " + Iso(start);
        }

        return g.PlannedEnd is { } end && bad(end) ? "planned end " + Iso(end) : null;
    }

    /// <summary>The grant's and the recipient's identifiers are letters, digits and - _ . / : (no spaces, no other
    /// punctuation), and no identifier as published (the grant's, every recipient's and funding organisation's) holds
    /// a control character: 360Giving's GrantIdUnexpectedChars and OrganizationIdUnexpectedChars test for a line break,
    /// which keeps a grant out of GrantNav.</summary>
    private static string? UnexpectedCharacters(QualityRow g)
    {
        if (!IdentifierLike(g.Identifier))
        {
            return "grant id " + PublishedFacts.Escaped(g.Identifier);
        }

        return g.RecipientOrgId is { } org && !IdentifierLike(org)
            ? "recipient id " + PublishedFacts.Escaped(org)
            : g.Published().ControlInId;
    }

    private static bool IdentifierLike(string id) =>
        id.Length > 0 && id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' or '/' or ':');

    private static string? UnknownPrefix(string? orgId)
    {
        if (string.IsNullOrWhiteSpace(orgId) || orgId.Trim().StartsWith("360G-", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return OrganisationIds.TryScheme(orgId, out _) ? null : orgId.Trim();
    }

    private static string? Unplaced(QualityRow g)
    {
        var reasons = new List<string>(2);
        if (g.Level == "unclassified")
        {
            reasons.Add("level: " + ListReviewQueue.ReasonOf(g.LevelEvidence, g.LevelConfidence));
        }

        if (g.Purpose == "unclassified")
        {
            reasons.Add("purpose: " + ListReviewQueue.ReasonOf(g.PurposeEvidence, g.PurposeConfidence));
        }

        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    /// <summary>same_id_in_two_imports: the import that created the grant (grants.first_import_id, migration 0021)
    /// is not the one that wrote it last (grants.import_id), so a later import rewrote it with other content (an
    /// unchanged row is not rewritten; the JSON API sets neither column).</summary>
    private static string? Reimported(QualityRow g) =>
        g is { FirstImportId: { } first, ImportId: { } last } && first != last
            ? $"created by import {first}, changed by import {last}"
            : null;

    private static string Iso(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}

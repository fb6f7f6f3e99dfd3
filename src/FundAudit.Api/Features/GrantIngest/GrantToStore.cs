using FundAudit.Core.Classification;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// A grant ready to store: the record, its original JSON (the 360Giving object as it came, or as built from a CSV row),
/// the JSON's hash, its classification (null: not classified, stored as unclassified), and a CSV row's unmapped columns
/// (the stored JSON's <c>additionalColumns</c>, which <see cref="StoredGrantText"/> keeps beside the columns).
/// </summary>
internal sealed record GrantToStore(
    GrantRecord Record,
    string SourceJson,
    string ContentHash,
    GrantClassification? Classification = null,
    IReadOnlyDictionary<string, string>? AdditionalColumns = null
)
{
    /// <summary>
    /// What <c>extra_json</c> stores, when known before the row values are built: the remainder of a CSV row whose
    /// columns are known to rebuild its JSON (<see cref="StoredGrantText.KnownRemainder"/>); null when the write
    /// decides by rebuilding. When it is set the write never reads <see cref="SourceJson"/>, which the import then
    /// leaves empty instead of decoding the JSON (<see cref="Imports.CsvGrantMapping.ToGrantToWrite"/>).
    /// </summary>
    public string? StoredRemainder { get; init; }

    /// <summary>What the quality checks read of the grant's published JSON, when the import read it already from the
    /// bytes it hashed (a CSV or XLSX row); null: the write reads it from <see cref="SourceJson"/>.</summary>
    public Audit.Quality.PublishedFacts? Published { get; init; }
}

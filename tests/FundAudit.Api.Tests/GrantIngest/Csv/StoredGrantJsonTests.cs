using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Api.Tests.GrantIngest.Csv.CsvTestFiles;

namespace FundAudit.Api.Tests.GrantIngest.Csv;

/// <summary>
/// The import writes the stored 360Giving JSON (and the beneficiary_locations column) by hand for speed; the content
/// hash of every grant already stored depends on those bytes, so they must stay exactly what the serializer writes
/// from the 360Giving object graph. Compared on every row of every shared data file and on the template's corner cases.
/// </summary>
public sealed class StoredGrantJsonTests
{
    public static TheoryData<string> Files() => SharedDataCsvTests.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Hand_written_json_equals_the_serializer_on_every_row_of_a_shared_file(string relative)
    {
        if (SharedFileRows(relative) is not { } rows)
        {
            return; // refused as a whole: nothing is stored
        }

        var compared = 0;
        foreach (var row in rows.Where(r => r.Record is not null))
        {
            AssertSameJson(row);
            compared++;
        }

        Assert.True(compared > 0, "no valid row compared");
    }

    [Fact]
    public void Hand_written_json_equals_the_serializer_on_template_rows_and_awkward_text()
    {
        var rows = AwkwardRows();
        Assert.Equal(5, rows.Count(r => r.Record is not null));
        foreach (var row in rows)
        {
            AssertSameJson(row);
        }
    }

    [Fact]
    public void Beneficiary_columns_equal_the_serializer_and_linq()
    {
        IReadOnlyList<BeneficiaryLocation>[] cases =
        [
            [],
            [new("Atlántida", "HN", null, null)],
            [
                new(null, "KE", "KE-30", "ADM1"),
                new("Kampala", "UG", null, null),
                new("Nairobi", "KE", null, null),
                new("x", null, null, "t"),
            ],
        ];
        foreach (var locations in cases)
        {
            Assert.Equal(
                locations.Count == 0 ? null : JsonSerializer.Serialize(locations, GrantMapping.StoredJson),
                StoredGrantJson.Current.LocationsText(locations)
            );
            var distinct = locations.Select(l => l.CountryCode).OfType<string>().Distinct().ToList();
            Assert.Equal(
                distinct.Count == 0 ? null : string.Join(";", distinct),
                GrantStore.BeneficiaryCountries(locations)
            );
        }
    }

    /// <summary>
    /// Evidence is stored compactly (<see cref="EvidenceCodec"/>, issue 18); what is read back serializes to the same
    /// text the serializer writes from the lines, and the JSON array every row held before still reads (the round trip
    /// over every line the engine writes is in EvidenceCodecTests).
    /// </summary>
    [Fact]
    public void Stored_evidence_reads_back_as_the_serializers_text()
    {
        string[][] cases =
        [
            [],
            ["one"],
            ["recipient based in CO → global", "emergency +1 'emergencia*'", "quote \" <b> & é 😀"],
        ];
        foreach (var evidence in cases)
        {
            var json = JsonSerializer.Serialize(evidence, GrantMapping.StoredJson);
            var stored = ClassificationNames.Evidence(evidence);
            Assert.Equal(json, JsonSerializer.Serialize(EvidenceCodec.Decode(stored), GrantMapping.StoredJson));
            Assert.Equal(json, JsonSerializer.Serialize(EvidenceCodec.Decode(json), GrantMapping.StoredJson));
            Assert.True(stored.Length <= json.Length, $"{stored.Length} > {json.Length}");
        }
    }

    private static void AssertSameJson(CsvRow row)
    {
        if (row.Record is null)
        {
            return;
        }

        var expected = Encoding.UTF8.GetString(CsvGrantMapping.StoredJsonViaSerializer(row));
        var actual = CsvGrantMapping.ToGrant(row, ClassificationEngine.Default).SourceJson; // the import's own mapping
        Assert.Equal(expected, actual);
    }
}

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
        var bytes = File.ReadAllBytes(Path.Combine(SharedData(), relative));
        var options = relative.Contains("millfield", StringComparison.Ordinal)
            ? new CsvImportOptions(CsvImportOptions.DayFirst)
            : new CsvImportOptions();
        if (GrantCsvReader.Inspect(new MemoryStream(bytes), options) is not CsvInspection.Accepted plan)
        {
            return; // refused as a whole: nothing is stored (SharedDataCsvTests checks why)
        }

        var compared = 0;
        foreach (var row in GrantCsvReader.ReadRows(new MemoryStream(bytes), plan))
        {
            if (row.Record is null)
            {
                continue;
            }

            AssertSameJson(row);
            compared++;
        }

        Assert.True(compared > 0, "no valid row compared");
    }

    [Fact]
    public void Hand_written_json_equals_the_serializer_on_template_rows_and_awkward_text()
    {
        var (_, rows) = Read(
            """"
            Identifier,Title,Description,Currency,Amount,Award Date,Recipient Name,Recipient Country,Beneficiary Countries,Beneficiary Places,Programme,Funding Type,Level,Purpose,Flexible,Notes,Notes
            T-1,"Quote "" and <tag> & 'apos'",Línea 1 — “curly” 日本語 😀,JPY,1200,2024-02-29,Org,KE,KE;ug,Nairobi;Kampala,Prog,Core;Core;Project,LOCAL,Prevention,yes,"=HYPERLINK(""x"")",second
            T-2,Tab	inside,,EUR,0.50,2024-01-01T10:00:00Z,,,,,,,,,no,,
            T-3,No extras,,GBP,10,2023-12-31,,,,,,,,collective,,,
            """"
        );
        var (_, giving) = Read(
            """"
            Identifier,Title,Currency,Amount Awarded,Amount Disbursed,Award Date,Planned Dates:End Date,Recipient Org:Identifier,Recipient Org:Location:0:Country Code,Recipient Org:Location:1:Country Code,Beneficiary Location:0:Name,Beneficiary Location:0:Geographic Code,Beneficiary Location:0:Geographic Code Type,Funding Org:Name,Funding Type,Location Scope,For Regrant Type,Extra
            G-1,Título,USD,100.00,5,2020-01-01,2021-06-30,XI-1,ke,UG,"Cauca; Pará",CO-CAU;BR-PA,ADM1;ADM1,Fund,Grant,GLS030,Other,"x ""y"""
            G-2,Plain,CHF,7,,2020-01-02,,,,,,,,,,,,
            """"
        );
        rows.AddRange(giving);
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

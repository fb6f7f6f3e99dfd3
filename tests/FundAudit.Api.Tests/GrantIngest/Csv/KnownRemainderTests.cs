using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Api.Tests.GrantIngest.Csv.CsvTestFiles;

namespace FundAudit.Api.Tests.GrantIngest.Csv;

/// <summary>
/// The import decides a CSV row's <c>extra_json</c> without rebuilding its JSON when its columns are sure to rebuild it
/// (<see cref="StoredGrantText.KnownRemainder"/>), and then does not decode the JSON at all
/// (<see cref="CsvGrantMapping.ToGrantToWrite"/>). Whatever it decides must be what the rebuild decides: compared on
/// every row of every shared data file, on awkward rows, and on values the columns cannot carry.
/// </summary>
public sealed class KnownRemainderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 16, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Files() => SharedDataCsvTests.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void The_known_remainder_is_the_rebuilds_decision_on_every_row_of_a_shared_file(string relative)
    {
        if (SharedFileRows(relative) is not { } rows)
        {
            return; // refused as a whole: nothing is stored
        }

        var known = rows.Count(AssertSameRowValues);
        Assert.True(known > 0, "no row took the known remainder");
    }

    [Fact]
    public void The_known_remainder_is_the_rebuilds_decision_on_awkward_rows()
    {
        var rows = AwkwardRows();
        Assert.Equal(5, rows.Count(r => r.Record is not null));
        Assert.True(rows.Count(AssertSameRowValues) >= 2, "the plain rows take the known remainder");
    }

    [Fact]
    public void Values_the_columns_cannot_carry_are_left_to_the_rebuild()
    {
        var plain = new GrantRecord
        {
            Identifier = "K-1",
            Currency = "GBP",
            AmountAwardedMinor = 100,
            AwardDate = new DateOnly(2024, 1, 2),
            RecipientLocationCountryCodes = ["KE"],
            BeneficiaryLocations = [new BeneficiaryLocation("Nairobi", "KE", null, null)],
            FundingTypes = ["Grant"],
        };
        Assert.Equal("~tc", StoredGrantText.KnownRemainder(plain, null));
        Assert.Equal("~tc", StoredOf(plain, null));

        GrantRecord[] split = // ";" splits a joined list on read: the rebuild differs, the whole JSON is kept
        [plain with { FundingTypes = ["Core; project"] }, plain with { RecipientLocationCountryCodes = ["KE;UG"] }];
        foreach (var record in split)
        {
            Assert.Null(StoredGrantText.KnownRemainder(record, null));
            Assert.StartsWith("{", StoredOf(record, null), StringComparison.Ordinal);
        }

        var place = new BeneficiaryLocation("Lone \uD800", "KE", null, null);
        Assert.Null(StoredGrantText.KnownRemainder(plain with { BeneficiaryLocations = [place] }, null));

        var lone = new Dictionary<string, string> { ["Notes"] = "half a pair \uDC00" };
        Assert.Null(StoredGrantText.KnownRemainder(plain, lone));
        var paired = new Dictionary<string, string> { ["Notes"] = "a pair 😀" };
        Assert.Null(StoredGrantText.KnownRemainder(plain, paired)); // any surrogate: left to the rebuild
        Assert.StartsWith("~tc{", StoredOf(plain, paired), StringComparison.Ordinal);
    }

    /// <summary>
    /// The row values the import writes equal those of the rebuild's decision; true when the row took the known
    /// remainder.
    /// </summary>
    private static bool AssertSameRowValues(CsvRow row)
    {
        if (row.Record is null)
        {
            return false;
        }

        var content = CsvGrantMapping.Content(row);
        var written = CsvGrantMapping.ToGrantToWrite(content, ClassificationEngine.Default);
        var rebuilt = CsvGrantMapping.ToGrant(row, ClassificationEngine.Default) with { StoredRemainder = null };
        Assert.Equal(GrantStore.ColumnValues(1, rebuilt, Now, 2), GrantStore.ColumnValues(1, written, Now, 2));
        return written.StoredRemainder is not null;
    }

    /// <summary>What <c>extra_json</c> stores when the rebuild decides.</summary>
    private static string StoredOf(GrantRecord record, IReadOnlyDictionary<string, string>? extra)
    {
        var json = System.Text.Encoding.UTF8.GetString(StoredGrantJson.Current.Grant(record, extra));
        var grant = new GrantToStore(record, json, "68617368", AdditionalColumns: extra);
        return StoredGrantText.ToStore(GrantStore.ColumnValues(1, grant, Now, 2), grant);
    }
}

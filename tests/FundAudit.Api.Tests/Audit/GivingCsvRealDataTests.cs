using System.Text;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.Audit.Publish;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Tests.Classification.RealData;
using FundAudit.Core.Audit;
using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The 360Giving flat CSV the export writes (<see cref="GivingCsv"/>) holds what the classifier reads: every real
/// grant of the JSON packages in ../shared/data/360giving, written as that CSV and read back by the import's reader,
/// is classified as the package's own grant is. A grant to a person lost its recipient in the CSV until the
/// <c>Recipient Ind:*</c> columns were written (48 of the 10,080 grants compared came back at another level).
/// </summary>
public sealed class GivingCsvRealDataTests(ITestOutputHelper output)
{
    /// <summary>The 2016 multifunder stack: no grant has a title and its values sit under other members (an amount
    /// of "05/12/2014"), so neither the service nor this reading takes it (<c>SharedDataJsonImportTests</c>).</summary>
    private const string Unreadable = "360g-multifunder-stack-2016.json";

    [Fact]
    public void Real_packages_written_as_the_flat_csv_and_read_back_classify_as_the_packages_do()
    {
        var data = RealGrantSources.FindDataFolder()
            ?? throw new InvalidOperationException("../shared/data is missing");
        var engine = ClassificationEngine.Default;
        var (compared, individuals) = (0, 0);
        var differ = new List<string>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(data, "360giving"), "*.json").Order())
        {
            if (path.EndsWith(Unreadable, StringComparison.Ordinal))
            {
                continue;
            }

            var source = Path.GetRelativePath(data, path);
            var fromPackage = RealGrantSources.Load(data, source);
            var fromCsv = ReadBack(FlatCsv(path));
            foreach (var (id, record) in fromPackage)
            {
                if (!fromCsv.TryGetValue(id, out var again))
                {
                    continue; // a grant the CSV reader refuses (a date or amount of its own) is the import tests' case
                }

                compared++;
                individuals += record.RecipientIsIndividual ? 1 : 0;
                var (a, b) = (engine.Classify(record), engine.Classify(again));
                if (
                    (a.Level.Value, a.Purpose.Value, a.Flexible.Value)
                    != (b.Level.Value, b.Purpose.Value, b.Flexible.Value)
                )
                {
                    differ.Add(
                        $"{source} {id}: {a.Level.Value}/{a.Purpose.Value} as JSON, {b.Level.Value}/{b.Purpose.Value} as CSV"
                    );
                }
            }
        }

        output.WriteLine($"{compared} grants compared, {individuals} of them to a person, {differ.Count} differ");
        Assert.True(compared > 6_000, $"{compared} grants compared");
        Assert.True(individuals > 40, $"{individuals} grants to a person");
        Assert.Empty(differ);
    }

    /// <summary>The package's grants as the export's flat CSV (the export's own two passes: widths, then rows).</summary>
    private static byte[] FlatCsv(string path)
    {
        var grants = JsonNode.Parse(File.ReadAllText(path))!["grants"]!.AsArray().OfType<JsonObject>().ToList();
        var widths = new GivingCsv.ListWidths();
        grants.ForEach(widths.Add);
        var text = new StringBuilder(CsvCell.Line(GivingCsv.Header(widths)));
        grants.ForEach(g => text.Append(CsvCell.Line(GivingCsv.Cells(g, widths))));
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static Dictionary<string, GrantRecord> ReadBack(byte[] csv)
    {
        var options = new CsvImportOptions(CsvImportOptions.DayFirst);
        var plan = Assert.IsType<CsvInspection.Accepted>(GrantCsvReader.Inspect(new MemoryStream(csv), options));
        var records = new Dictionary<string, GrantRecord>(StringComparer.Ordinal);
        foreach (var row in GrantCsvReader.ReadRows(new MemoryStream(csv), plan))
        {
            if (row.Record is { } record)
            {
                records.TryAdd(record.Identifier, record);
            }
        }

        return records;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// <c>import-phases --digest FILE [dateFormat]…</c>: one checksum per file of everything the import's CPU side produces
/// (the inspection, every row with its errors and warnings, the stored JSON, its hash, the classification with its
/// evidence, the row values), so that a speed change can be shown to change nothing: run it before and after.
/// </summary>
internal static class ImportDigest
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    public static int Run(string[] files)
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        foreach (var spec in files)
        {
            // FILE or FILE@DD/MM/YYYY: the upload's dateFormat
            var at = spec.IndexOf('@', StringComparison.Ordinal);
            var (path, dateFormat) = at < 0 ? (spec, null) : (spec[..at], spec[(at + 1)..]);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Add(object? value) =>
                hash.AppendData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value, Json) + "\n"));

            using var file = File.OpenRead(path);
            var inspection = GrantCsvReader.Inspect(file, new CsvImportOptions(dateFormat));
            long rows = 0,
                valid = 0;
            if (inspection is CsvInspection.Accepted plan)
            {
                Add(plan with { Map = null!, Options = null! });
                try
                {
                    foreach (var row in GrantCsvReader.ReadRows(file, plan))
                    {
                        rows++;
                        Add(row);
                        if (row.Record is null)
                        {
                            continue;
                        }

                        valid++;
                        var g = CsvGrantMapping.ToGrant(row, ClassificationEngine.Default);
                        // The grant as before StoredRemainder existed (what it decides is the row values' extra_json).
                        Add(
                            new
                            {
                                g.Record,
                                g.SourceJson,
                                g.ContentHash,
                                g.Classification,
                                g.AdditionalColumns,
                            }
                        );
                        Add(GrantStore.ColumnValues(7, g, now));
                    }
                }
                catch (Exception e) when (e is FormatException or OverflowException)
                {
                    Add($"{e.GetType().Name}: {e.Message}"); // an input the reader does not survive: it must fail the same way
                }
            }
            else
            {
                Add(inspection);
            }

            Console.WriteLine(
                $"{Convert.ToHexStringLower(hash.GetHashAndReset())}  {rows.ToString(CultureInfo.InvariantCulture), 8} rows {valid.ToString(CultureInfo.InvariantCulture), 8} valid  {spec}"
            );
        }

        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Import;

/// <summary><c>import-phases --rows N</c>: the CPU side of an import alone, phase by phase, warm (second of two runs).</summary>
internal static class ImportPhases
{
    /// <summary>
    /// The generated benchmark CSV of <c>[--rows N]</c> rows (100,000 unless given), written to the temp folder once
    /// and reused by later runs, and import options that accept all of it.
    /// </summary>
    internal static (string Csv, int Rows, CsvImportOptions Options) GeneratedFile(string[] args)
    {
        var rows = args.Length > 1 && args[0] == "--rows" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var csv = Path.Combine(Path.GetTempPath(), $"fundaudit-phases-{rows}.csv");
        if (!File.Exists(csv))
        {
            GivingCsvGenerator.Write(csv, rows);
        }

        var options = new CsvImportOptions(MaxRows: Math.Max(2_000_000, rows), MaxFileBytes: long.MaxValue);
        return (csv, rows, options);
    }

    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "--digest")
        {
            return ImportDigest.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "--alloc")
        {
            return ImportAllocations.Run(args[1..]);
        }

        var (csv, rows, options) = GeneratedFile(args);
        for (var run = 0; run < 2; run++)
        {
            var clock = Stopwatch.StartNew();
            using var file = File.OpenRead(csv);
            var plan = (CsvInspection.Accepted)GrantCsvReader.Inspect(file, options);
            var inspect = clock.Elapsed;
            clock.Restart();
            var now = DateTimeOffset.UtcNow;
            long n = 0;
            var build = new Stopwatch();
            var classifyClock = new Stopwatch();
            var toGrantClock = new Stopwatch();
            var valuesClock = new Stopwatch();
            var jsonClock = new Stopwatch();
            var hashClock = new Stopwatch();
            var decodeClock = new Stopwatch();
            using (var e = GrantCsvReader.ReadRows(file, plan).GetEnumerator())
            {
                while (true)
                {
                    build.Start();
                    var more = e.MoveNext();
                    build.Stop();
                    if (!more)
                    {
                        break;
                    }

                    var row = e.Current;
                    classifyClock.Start();
                    n += ClassificationEngine.Default.Classify(row.Record!).RuleSetVersion?.Length ?? 0;
                    classifyClock.Stop();
                    jsonClock.Start();
                    var utf8 = StoredGrantJson.Current.Grant(row.Record!, row.Extra);
                    jsonClock.Stop();
                    hashClock.Start();
                    n += GrantMapping.ContentHash(utf8).Length;
                    hashClock.Stop();
                    decodeClock.Start();
                    n += System.Text.Encoding.UTF8.GetString(utf8).Length;
                    decodeClock.Stop();
                    toGrantClock.Start();
                    var g = CsvGrantMapping.ToGrant(row, ClassificationEngine.Default);
                    toGrantClock.Stop();
                    valuesClock.Start();
                    n += GrantStore.ColumnValues(1, g, now).Length;
                    valuesClock.Stop();
                }
            }

            var read = build.Elapsed;
            var classify = classifyClock.Elapsed;
            var toGrant = toGrantClock.Elapsed;
            var values = valuesClock.Elapsed;
            if (run == 1)
            {
                Console.WriteLine($"inspect (pass 1)        {inspect.TotalMilliseconds, 8:F0} ms");
                Console.WriteLine($"read rows (pass 2)      {read.TotalMilliseconds, 8:F0} ms");
                Console.WriteLine($"classify alone          {classify.TotalMilliseconds, 8:F0} ms");
                Console.WriteLine($"  json alone            {jsonClock.Elapsed.TotalMilliseconds, 8:F0} ms");
                Console.WriteLine($"  hash alone            {hashClock.Elapsed.TotalMilliseconds, 8:F0} ms");
                Console.WriteLine($"  decode alone          {decodeClock.Elapsed.TotalMilliseconds, 8:F0} ms");
                Console.WriteLine($"ToGrant (json+hash+cls) {toGrant.TotalMilliseconds, 8:F0} ms");
                Console.WriteLine($"ColumnValues            {values.TotalMilliseconds, 8:F0} ms   ({n})");
            }
        }

        return 0;
    }
}

using System.Diagnostics;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// <c>import-phases --alloc [--rows N]</c>: the import's CPU side on one thread in the pipeline's order (read, stored
/// JSON and hash, classification, the row values, the day and quality totals), with the bytes each phase allocates
/// and its time (warm: the second of two runs). Allocation does not depend on the machine's load, so it is the figure
/// to compare before and after a change on a shared machine.
/// </summary>
internal static class ImportAllocations
{
    private sealed class Phase(string name)
    {
        public string Name { get; } = name;
        public long Bytes { get; private set; }
        public Stopwatch Clock { get; } = new();
        private long _start;

        public void Start()
        {
            _start = GC.GetAllocatedBytesForCurrentThread();
            Clock.Start();
        }

        public void Stop()
        {
            Clock.Stop();
            Bytes += GC.GetAllocatedBytesForCurrentThread() - _start;
        }
    }

    public static int Run(string[] args)
    {
        var (csv, rows, options) = ImportPhases.GeneratedFile(args);
        for (var run = 0; run < 2; run++)
        {
            Phase read = new("read rows (pass 2)"),
                content = new("stored JSON + hash"),
                classify = new("classify"),
                decode = new("remainder or JSON text"),
                values = new("ColumnValues (all)"),
                evidence = new("  evidence encode x3"),
                store = new("  extra_json (ToStore)"),
                totals = new("day + quality totals");
            var now = DateTimeOffset.UtcNow;
            var engine = ClassificationEngine.Default;
            var sums = new NewGrantDayTotals();
            long n = 0;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var all = GC.GetAllocatedBytesForCurrentThread();
            using var file = File.OpenRead(csv);
            var plan = (CsvInspection.Accepted)GrantCsvReader.Inspect(file, options);
            using (var e = GrantCsvReader.ReadRows(file, plan).GetEnumerator())
            {
                while (true)
                {
                    read.Start();
                    var more = e.MoveNext();
                    read.Stop();
                    if (!more)
                    {
                        break;
                    }

                    var row = e.Current;
                    content.Start();
                    var c = CsvGrantMapping.Content(row);
                    content.Stop();
                    classify.Start();
                    var classification = engine.Classify(c.Record);
                    classify.Stop();
                    decode.Start();
                    var remainder = StoredGrantText.KnownRemainder(c.Record, c.Extra);
                    var text = remainder is null ? System.Text.Encoding.UTF8.GetString(c.Json) : "";
                    decode.Stop();
                    var g = new GrantToStore(c.Record, text, c.Hash, classification, c.Extra)
                    {
                        StoredRemainder = remainder,
                    };
                    values.Start();
                    var v = GrantStore.ColumnValues(1, g, now, 3);
                    values.Stop();
                    evidence.Start();
                    n += ClassificationNames.Evidence(classification.Level.Evidence).Length;
                    n += ClassificationNames.Evidence(classification.Purpose.Evidence).Length;
                    n += ClassificationNames.Evidence(classification.Flexible.Evidence).Length;
                    evidence.Stop();
                    store.Start();
                    n += StoredGrantText.ToStore(v, g).Length;
                    store.Stop();
                    totals.Start();
                    sums.Add(v);
                    totals.Stop();
                }
            }

            all = GC.GetAllocatedBytesForCurrentThread() - all;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            if (run == 1)
            {
                Console.WriteLine($"{rows:N0} rows, one thread ({n}); per row: bytes allocated, µs");
                foreach (var p in new[] { read, content, classify, decode, values, evidence, store, totals })
                {
                    var us = p.Clock.Elapsed.TotalMicroseconds / rows;
                    Console.WriteLine($"  {p.Name, -24} {p.Bytes / rows, 8:N0} B {us, 8:F2} µs");
                }

                Console.WriteLine(
                    $"  (run total, evidence and ToStore counted twice) {all / rows:N0} B per row, CPU {cpu.TotalSeconds:F2} s"
                );
            }
        }

        return 0;
    }
}

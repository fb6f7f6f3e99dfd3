using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FundAudit.Core.Classification;

// FundAudit benchmarks and evaluation (not run by CI's tests).
//   dotnet run --project tests/FundAudit.Benchmarks -c Release -- evaluate [path-to-jsonl] [--mistakes]
//   dotnet run --project tests/FundAudit.Benchmarks -c Release -- classify-speed [path-to-jsonl] [classifications]
//   dotnet run --project tests/FundAudit.Benchmarks -c Release -- audit-mix [grants] [sqlite,postgres]
var command = args.Length > 0 ? args[0] : "";
if (command == "audit-mix") return await FundAudit.Benchmarks.Audit.AuditMixBenchmark.RunAsync(args[1..]);
var rest = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var path = rest.Length > 0 ? rest[0] : FindDefaultSet();
switch (command)
{
    case "evaluate":
    {
        var cases = Evaluation.ParseJsonLines(File.ReadAllText(path));
        var engine = ClassificationEngine.Default;
        Console.WriteLine($"rule set {engine.Rules.Version}; set {path}");
        Console.Write(Evaluation.Run(engine, cases).Format(args.Contains("--mistakes")));
        return 0;
    }

    case "classify-speed":
    {
        var cases = Evaluation.ParseJsonLines(File.ReadAllText(path));
        var total = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 1_000_000;
        var engine = new ClassificationEngine(RuleSet.Default);
        var grants = cases.Select(c => c.Grant).ToArray();
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), .NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}");
        var sw = Stopwatch.StartNew();
        var built = new ClassificationEngine(RuleSet.Default);
        sw.Stop();
        Console.WriteLine($"engine build (rule set {built.Rules.Version}): {sw.Elapsed.TotalMilliseconds:0.0} ms");
        var sink = 0;
        for (var i = 0; i < 200_000; i++)
        {
            sink += engine.Classify(grants[i % grants.Length]).Purpose.Evidence.Count; // warm-up (tiered JIT)
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var gcBefore = GC.CollectionCount(0);
        sw.Restart();
        for (var i = 0; i < total; i++)
        {
            sink += engine.Classify(grants[i % grants.Length]).Purpose.Evidence.Count;
        }

        sw.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var avgTextChars = grants.Average(g => (g.Title?.Length ?? 0) + (g.Description?.Length ?? 0) + (g.ProgrammeTitle?.Length ?? 0));
        Console.WriteLine($"{total:N0} classifications over {grants.Length} grants (avg {avgTextChars:0} chars of text): {sw.Elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"average: {sw.Elapsed.TotalMilliseconds * 1000 / total:0.00} µs per grant, one thread; {allocated / (double)total:0} bytes allocated per grant; gen0 GCs {GC.CollectionCount(0) - gcBefore}");
        Console.WriteLine($"(checksum {sink})");
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: FundAudit.Benchmarks evaluate [path-to-jsonl] [--mistakes] | classify-speed [path-to-jsonl] [classifications]");
        return 2;
}

static string FindDefaultSet()
{
    const string relative = "tests/FundAudit.Core.Tests/Classification/Data/evaluation-set.jsonl";
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    throw new FileNotFoundException($"could not find {relative}; pass the path as an argument");
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FundAudit.Core.Classification;

namespace FundAudit.Benchmarks.Classification;

/// <summary>
/// Accuracy and speed of the classification engine.
///   dotnet run --project tests/FundAudit.Benchmarks -c Release -- evaluate [path-to-jsonl] [--mistakes]
///   dotnet run --project tests/FundAudit.Benchmarks -c Release -- classify-speed [path-to-jsonl] [classifications]
/// </summary>
internal static class ClassificationBenchmark
{
    public static int Evaluate(string[] args)
    {
        var rest = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var path = rest.Length > 0 ? rest[0] : FindDefaultSet();
        var cases = Evaluation.ParseJsonLines(File.ReadAllText(path));
        var engine = ClassificationEngine.Default;
        Console.WriteLine($"rule set {engine.Rules.Version}; set {path}");
        Console.Write(Evaluation.Run(engine, cases).Format(args.Contains("--mistakes")));
        return 0;
    }

    /// <summary>
    /// The labelled real grants (tests/FundAudit.Api.Tests/Classification/RealData) read from ../shared/data.
    /// <c>--calibrate</c> prints, per decision path, how many answers were right (the figures behind the rule set's
    /// confidences); run it on the tuning part only.
    /// </summary>
    public static int EvaluateReal(string[] args)
    {
        var split = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "heldout";
        var data = FundAudit.Api.Tests.Classification.RealData.RealGrantSources.FindDataFolder()
            ?? throw new DirectoryNotFoundException("../shared/data was not found above this folder");
        var labels = new List<FundAudit.Api.Tests.Classification.RealData.RealLabel>();
        foreach (var part in split == "all" ? new[] { "tuning", "heldout" } : [split])
        {
            var path = FindFile($"tests/FundAudit.Api.Tests/Classification/RealData/labels-{part}.jsonl");
            labels.AddRange(FundAudit.Api.Tests.Classification.RealData.RealGrantSources.ReadLabels(path));
        }

        var cases = FundAudit.Api.Tests.Classification.RealData.RealGrantSources.Cases(data, labels);
        var engine = ClassificationEngine.Default;
        Console.WriteLine(
            $"rule set {engine.Rules.Version}; real grants, {split} part: {cases.Count} grants from "
                + $"{labels.Select(l => l.Source).Distinct().Count()} files"
        );
        Console.Write(Evaluation.Run(engine, cases).Format(args.Contains("--mistakes")));
        if (args.Contains("--calibrate"))
        {
            Console.Write(Evaluation.Calibration(engine, cases));
            Console.Write(Evaluation.CrossValidation(engine, cases));
        }

        return 0;
    }

    public static int Speed(string[] args)
    {
        var rest = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var path = rest.Length > 0 ? rest[0] : FindDefaultSet();
        var cases = Evaluation.ParseJsonLines(File.ReadAllText(path));
        var total = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 1_000_000;
        var engine = new ClassificationEngine(RuleSet.Default);
        var grants = cases.Select(c => c.Grant).ToArray();
        Console.WriteLine(
            $"machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), .NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}"
        );
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
        var avgTextChars = grants.Average(g =>
            (g.Title?.Length ?? 0) + (g.Description?.Length ?? 0) + (g.ProgrammeTitle?.Length ?? 0)
        );
        Console.WriteLine(
            $"{total:N0} classifications over {grants.Length} grants (avg {avgTextChars:0} chars of text): {sw.Elapsed.TotalSeconds:0.00} s"
        );
        Console.WriteLine(
            $"average: {sw.Elapsed.TotalMilliseconds * 1000 / total:0.00} µs per grant, one thread; {allocated / (double)total:0} bytes allocated per grant; gen0 GCs {GC.CollectionCount(0) - gcBefore}"
        );
        Console.WriteLine($"(checksum {sink})");
        return 0;
    }

    private static string FindDefaultSet() =>
        FindFile("tests/FundAudit.Core.Tests/Classification/Data/evaluation-set.jsonl");

    internal static string FindFile(string relative)
    {
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
}

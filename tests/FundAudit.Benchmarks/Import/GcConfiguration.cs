using System.Runtime;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// The garbage collector this process runs, as the benchmark prints it beside peak memory: the benchmark takes the
/// service's settings (<c>src/FundAudit.Api/ServiceGc.props</c>), and a <c>DOTNET_GC…</c> variable in the environment
/// overrides them (named when set).
/// </summary>
internal static class GcConfiguration
{
    // GC.GetConfigurationVariables names, as .NET 10 reports them.
    private static readonly string[] Shown =
    [
        "HeapCount",
        "GCDynamicAdaptationMode",
        "GCConserveMem",
        "GCGen0MaxBudget",
    ];

    public static string Describe()
    {
        var variables = GC.GetConfigurationVariables();
        var settings = variables
            .Where(v => Shown.Contains(v.Key, StringComparer.Ordinal))
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => $"{v.Key} {v.Value}")
            .Prepend(GCSettings.IsServerGC ? "server GC" : "workstation GC")
            .Append(GCSettings.LatencyMode.ToString());
        var environment = Environment
            .GetEnvironmentVariables()
            .Keys.Cast<string>()
            .Where(k =>
                k.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase)
                || k.Equals("DOTNET_gcServer", StringComparison.OrdinalIgnoreCase)
            )
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")
            .ToList();
        var text = string.Join(", ", settings);
        return environment.Count == 0
            ? $"{text} (the service's settings)"
            : $"{text} (the service's settings overridden by {string.Join(" ", environment)})";
    }
}

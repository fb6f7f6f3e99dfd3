using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.Audit.Publish;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// <c>import-json --rows N --format json|csv</c>: a 360Giving JSON package of N grants built from the real grants of
/// ../shared/data/360giving/*.json (those with ISO award dates, cycled, each copy with a new id), or the same grants
/// as the 360Giving flat CSV (the export's writer, <see cref="GivingCsv"/>: the standard's columns, so the CSV holds
/// what the import maps and not every extra member the JSON keeps), through the real import job on SQLite in a fresh
/// process. Prints the wall time, the job's summary (CPU, GC, the sampled peak working set) and the file's size.
/// <c>--write FILE</c> only writes the file; <c>--file FILE</c> imports one written so, so that the import's process
/// holds nothing of the generation (its peak is the import's own).
/// </summary>
internal static class JsonImportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = 200_000;
        var format = "json";
        string? write = null;
        string? read = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows":
                    rows = ImportBenchmark.Count(args[++i]);
                    break;
                case "--format":
                    format = args[++i].ToLowerInvariant();
                    break;
                case "--write":
                    write = args[++i];
                    break;
                case "--file":
                    read = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        var work = Path.Combine(Path.GetTempPath(), "fundaudit-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var file = read ?? write ?? Path.Combine(work, "grants." + format);
            if (read is null)
            {
                var clock = Stopwatch.StartNew();
                var pool = RealGrants();
                var bytes = format == "csv" ? WriteCsv(file, pool, rows) : WriteJson(file, pool, rows);
                Console.WriteLine(
                    $"generated {rows:N0} grants ({pool.Count:N0} real ones cycled) as {format}, "
                        + $"{bytes / 1048576.0:F1} MiB in {clock.Elapsed.TotalSeconds:F1} s"
                );
                if (write is not null)
                {
                    return 0; // the import runs in another process (--file), its peak its own
                }
            }

            var connection = $"Data Source={Path.Combine(work, "fundaudit.db")}";
            await using var services = ImportBenchmark.BuildServices("sqlite", connection, work, rows);
            services.MigrateDatabase();
            var funder = await services
                .GetRequiredService<TenancyStore>()
                .CreateFunderAsync("Benchmark funder", DateTimeOffset.UtcNow, CancellationToken.None);
            var run = await ImportBenchmark.ImportAsync(services, funder.Id, file);
            var size = new FileInfo(file).Length / 1048576.0;
            Console.WriteLine($"import ({format}, {size:F1} MiB) {run.Elapsed.TotalSeconds, 8:F2} s  {run.Summary}");
            Console.WriteLine(
                $"peak working set  {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 8:F0} MiB"
            );
            Console.WriteLine($"machine           {ImportBenchmark.Machine()}");
            return run.Succeeded ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The grants of the shared JSON files whose award date is an ISO date.</summary>
    private static List<JsonObject> RealGrants()
    {
        var folder = Path.Combine(FindSharedData(), "360giving");
        var grants = new List<JsonObject>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            foreach (var grant in JsonNode.Parse(File.ReadAllText(path))!["grants"]!.AsArray().OfType<JsonObject>())
            {
                if (
                    grant["awardDate"]?.GetValueKind() == JsonValueKind.String
                    && System.Text.RegularExpressions.Regex.IsMatch((string)grant["awardDate"]!, "^[0-9]{4}-[0-9]{2}")
                    && grant["title"] is not null
                )
                {
                    grants.Add(grant);
                }
            }
        }

        return grants;
    }

    /// <summary>Copy <paramref name="n"/> of the pool: its grants in turn, each id made new.</summary>
    private static JsonObject Copy(List<JsonObject> pool, int n)
    {
        var grant = pool[n % pool.Count];
        grant["id"] =
            $"{(string?)grant["id"]}".Split("#bench-")[0] + "#bench-" + n.ToString(CultureInfo.InvariantCulture);
        return grant;
    }

    private static long WriteJson(string path, List<JsonObject> pool, int rows)
    {
        using (var stream = File.Create(path))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("grants");
            for (var n = 0; n < rows; n++)
            {
                Copy(pool, n).WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteString("license", "https://creativecommons.org/licenses/by/4.0/");
            writer.WriteEndObject();
        }

        return new FileInfo(path).Length;
    }

    private static long WriteCsv(string path, List<JsonObject> pool, int rows)
    {
        var widths = new GivingCsv.ListWidths();
        pool.ForEach(widths.Add);
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            writer.Write(string.Join(',', GivingCsv.Header(widths).Select(Quote)) + "\r\n");
            for (var n = 0; n < rows; n++)
            {
                writer.Write(string.Join(',', GivingCsv.Cells(Copy(pool, n), widths).Select(Quote)) + "\r\n");
            }
        }

        return new FileInfo(path).Length;
    }

    private static string Quote(string? cell) =>
        cell is null ? ""
        : cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : cell;

    private static string FindSharedData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var shared = Path.Combine(dir.FullName, "..", "shared", "data");
            if (Directory.Exists(Path.Combine(shared, "360giving")))
            {
                return Path.GetFullPath(shared);
            }
        }

        throw new DirectoryNotFoundException("../shared/data/360giving not found above the benchmark.");
    }
}

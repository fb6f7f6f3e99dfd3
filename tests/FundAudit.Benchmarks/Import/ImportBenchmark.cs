using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// <c>import --rows N --engine sqlite|postgres</c>: generates a realistic 360Giving CSV, imports it through the real code
/// path (store the upload with its hash, record the import, run <see cref="GrantImportJob"/> by id), times it, times the
/// engine's raw floor on the same file (sqlite3 <c>.import</c>, or PostgreSQL <c>COPY … (FORMAT csv)</c>, into a plain
/// table of text columns), then re-imports the same file (every row unchanged). Prints the figures, peak memory and the machine.
/// </summary>
internal static class ImportBenchmark
{
    /// <summary>A count as written on the command line, with or without digit separators (1_000_000).</summary>
    public static int Count(string text) =>
        int.Parse(text.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = 100_000;
        var engine = "sqlite";
        var keep = false;
        var warm = false;
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows":
                    rows = Count(args[++i]);
                    break;
                case "--engine":
                    engine = args[++i].ToLowerInvariant();
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--warm":
                    warm = true;
                    break;
                case "--quick":
                    quick = true;
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        if (engine is not ("sqlite" or "postgres"))
        {
            Console.Error.WriteLine("--engine must be sqlite or postgres");
            return 2;
        }

        var work = Path.Combine(Path.GetTempPath(), "fundaudit-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        await using var postgres = engine == "postgres" ? await BenchPostgres.StartAsync() : null;
        try
        {
            var csv = Path.Combine(work, "grants.csv");
            var clock = Stopwatch.StartNew();
            var bytes = GivingCsvGenerator.Write(csv, rows);
            Console.WriteLine(
                $"generated {rows:N0} rows, {bytes / 1048576.0:F1} MiB in {clock.Elapsed.TotalSeconds:F1} s: {csv}"
            );

            var connectionString =
                engine == "sqlite"
                    ? $"Data Source={Path.Combine(work, "fundaudit.db")}"
                    : await postgres!.CreateDatabaseAsync("fa_bench");
            await using var services = BuildServices(engine, connectionString, work, rows);
            services.MigrateDatabase();
            var funder = await services
                .GetRequiredService<TenancyStore>()
                .CreateFunderAsync("Benchmark funder", DateTimeOffset.UtcNow, CancellationToken.None);

            if (warm)
            {
                // Steady state: a first import of the same file by another funder compiles the hot paths (tiered JIT)
                // before the timed one; without --warm the timed import runs in a fresh process, as a first job would.
                var warmup = await services
                    .GetRequiredService<TenancyStore>()
                    .CreateFunderAsync("Warm-up funder", DateTimeOffset.UtcNow, CancellationToken.None);
                Console.WriteLine(
                    $"warm-up import    {(await ImportAsync(services, warmup.Id, csv)).Elapsed.TotalSeconds, 8:F2} s"
                );
            }

            var first = await ImportAsync(services, funder.Id, csv);
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            var imported = await StoredBytes.MeasureAsync(engine, connectionString);
            Console.Write(await ColumnBytes.MeasureAsync(engine, connectionString));
            var (storage, floorBytes) = await StorageFloor.RunAsync(
                engine,
                connectionString,
                funder.Id,
                engine == "sqlite"
                    ? $"Data Source={Path.Combine(work, "floor.db")}"
                    : await postgres!.CreateDatabaseAsync("fa_floor"),
                floor => BuildServices(engine, floor, work, rows)
            );
            if (quick)
            {
                // --quick: the new import and its floors only (no second import, no reader phases).
                var rawFloor =
                    engine == "sqlite"
                        ? await SqliteFloorAsync(csv, work)
                        : await PostgresFloorAsync(csv, connectionString);
                Console.WriteLine($"import (new)      {first.Elapsed.TotalSeconds, 8:F2} s  {first.Summary}");
                Console.WriteLine($"raw floor         {rawFloor.TotalSeconds, 8:F2} s");
                PrintStorage(first.Elapsed, storage, rawFloor, imported, floorBytes);
                Console.WriteLine($"peak memory       {peak / 1048576.0, 8:F0} MiB");
                Console.WriteLine($"GC                {GcConfiguration.Describe()}");
                return first.Succeeded ? 0 : 1;
            }

            var second = await ImportAsync(services, funder.Id, csv);

            var (readOnly, mapped) = ReaderPhases(csv, rows);
            var floor =
                engine == "sqlite"
                    ? await SqliteFloorAsync(csv, work)
                    : await PostgresFloorAsync(csv, connectionString);

            Console.WriteLine();
            Console.WriteLine($"engine            {engine}");
            Console.WriteLine($"rows              {rows:N0} ({bytes / 1048576.0:F1} MiB)");
            Console.WriteLine(
                $"import (new)      {first.Elapsed.TotalSeconds, 8:F2} s  {rows / first.Elapsed.TotalSeconds, 10:N0} rows/s  {first.Summary}"
            );
            Console.WriteLine(
                $"import (same)     {second.Elapsed.TotalSeconds, 8:F2} s  {rows / second.Elapsed.TotalSeconds, 10:N0} rows/s  {second.Summary}"
            );
            Console.WriteLine(
                $"raw floor         {floor.TotalSeconds, 8:F2} s  {rows / floor.TotalSeconds, 10:N0} rows/s  ({(engine == "sqlite" ? "sqlite3 .import into a plain table" : "COPY FORMAT csv into a plain table")})"
            );
            Console.WriteLine($"  of which read   {readOnly.TotalSeconds, 8:F2} s  (both reader passes alone)");
            Console.WriteLine(
                $"  read + map      {mapped.TotalSeconds, 8:F2} s  (plus 360Giving JSON, hash and row values)"
            );
            PrintStorage(first.Elapsed, storage, floor, imported, floorBytes);
            Console.WriteLine(
                $"peak memory       {peak / 1048576.0, 8:F0} MiB (Process.PeakWorkingSet64 after the first import)"
            );
            Console.WriteLine($"GC                {GcConfiguration.Describe()}");
            Console.WriteLine($"machine           {Machine()}");
            return first.Succeeded && second.Succeeded ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            if (!keep)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    internal static ServiceProvider BuildServices(string engine, string connectionString, string work, int rows)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["Database:Provider"] = engine,
                    ["Database:ConnectionString"] = connectionString,
                    ["Imports:Folder"] = Path.Combine(work, "imports"),
                    ["Imports:MaxRows"] = Math.Max(2_000_000, rows).ToString(CultureInfo.InvariantCulture),
                    ["Imports:MaxFileBytes"] = (4L * 1024 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
                }
            )
            .AddEnvironmentVariables("FUNDAUDIT_")
            .Build(); // FUNDAUDIT_Imports__BatchSize=500 tries another setting
        var services = new ServiceCollection();
        services.AddLogging(l =>
            l.AddSimpleConsole()
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter(typeof(GrantImportJob).FullName, LogLevel.Information)
        );
        services.AddSingleton(TimeProvider.System);
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o =>
            FundAudit.Api.Infrastructure.Http.JsonDefaults.Configure(o.SerializerOptions)
        ); // the API's JSON options, by which the job reads a JSON package
        services.AddFundAuditData(configuration);
        services.AddGrantImports(configuration);
        services.AddSingleton<FundAudit.Api.Features.Logs.AdminLog>();
        services.AddSingleton<TenancyStore>();
        services.AddSingleton<FundAudit.Api.Features.Classification.ClassificationStore>();
        services.AddSingleton<FundAudit.Api.Features.Classification.FunderClassifier>();
        return services.BuildServiceProvider();
    }

    internal sealed record Run(TimeSpan Elapsed, bool Succeeded, string Summary);

    /// <summary>What POST /api/grants/imports and the job do, minus HTTP: save and hash the upload, record it, run the job.</summary>
    internal static async Task<Run> ImportAsync(IServiceProvider services, long funderId, string csv)
    {
        var uploads = services.GetRequiredService<IImportUploadStore>();
        var store = services.GetRequiredService<GrantImportStore>();
        var clock = Stopwatch.StartNew();
        var sampler = new PeakSampler();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (pause, allocated, gen0, gen1, gen2) = (
            GC.GetTotalPauseDuration(),
            GC.GetTotalAllocatedBytes(),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2)
        );
        SavedUpload saved;
        await using (var upload = File.OpenRead(csv))
        {
            saved = await uploads.SaveAsync(funderId, upload, CancellationToken.None)
                ?? throw new InvalidOperationException("The file is over the limit.");
        }

        var id = await store.CreateAsync(
            funderId,
            "grants.csv",
            saved.StoredName,
            saved.Sha256,
            saved.Bytes,
            null,
            "bench",
            DateTimeOffset.UtcNow,
            CancellationToken.None
        );
        var saving = clock.Elapsed;
        await services.GetRequiredService<GrantImportJob>().RunAsync(id, CancellationToken.None);
        clock.Stop();
        await sampler.DisposeAsync();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var gc =
            $"GC: {(GC.GetTotalAllocatedBytes() - allocated) / 1048576.0:N0} MiB allocated, collections {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} (gen 0/1/2), paused {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F1} s";
        var import = await store.FindAsync(funderId, id, CancellationToken.None)
            ?? throw new InvalidOperationException("The import vanished.");
        return new Run(
            clock.Elapsed,
            import.Status == ImportStatus.Succeeded,
            $"{import.Status} (upload stored in {saving.TotalSeconds:F1} s; this process's CPU {cpu.TotalSeconds:F1} s; {gc}; {sampler}): accepted {import.RowsAccepted:N0}, rejected {import.RowsRejected:N0}, created {import.CreatedCount:N0}, updated {import.UpdatedCount:N0}, unchanged {import.UnchangedCount:N0}"
        );
    }

    /// <summary>The CPU side alone: the reader's two passes, then the same plus the mapping to stored rows.</summary>
    private static (TimeSpan Read, TimeSpan Mapped) ReaderPhases(string csv, int rows)
    {
        var options = new FundAudit.Api.Features.GrantIngest.Csv.CsvImportOptions(
            MaxRows: Math.Max(2_000_000, rows),
            MaxFileBytes: long.MaxValue
        );
        TimeSpan Time(bool map)
        {
            var clock = Stopwatch.StartNew();
            using var file = File.OpenRead(csv);
            var plan = (FundAudit.Api.Features.GrantIngest.Csv.CsvInspection.Accepted)
                FundAudit.Api.Features.GrantIngest.Csv.GrantCsvReader.Inspect(file, options);
            long n = 0;
            foreach (var row in FundAudit.Api.Features.GrantIngest.Csv.GrantCsvReader.ReadRows(file, plan))
            {
                if (map && row.Record is not null)
                {
                    n += FundAudit
                        .Api.Features.GrantIngest.GrantStore.ColumnValues(
                            1,
                            CsvGrantMapping.ToGrant(row, FundAudit.Core.Classification.ClassificationEngine.Default),
                            DateTimeOffset.UtcNow
                        )
                        .Length;
                }
            }

            return clock.Elapsed;
        }

        return (Time(false), Time(true));
    }

    private static async Task<TimeSpan> SqliteFloorAsync(string csv, string work)
    {
        var db = Path.Combine(work, "raw.db");
        var clock = Stopwatch.StartNew();
        await BenchPostgres.RunAsync("sqlite3", [db, "-cmd", ".mode csv", $".import {csv} raw_grants"], null);
        return clock.Elapsed;
    }

    private static async Task<TimeSpan> PostgresFloorAsync(string csv, string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        string header;
        using (var reader = new StreamReader(csv))
        {
            header = await reader.ReadLineAsync() ?? "";
        }

        var columns = header.Split(',').Select((_, i) => $"c{i} text");
        await using (
            var create = new NpgsqlCommand($"CREATE TABLE raw_grants ({string.Join(", ", columns)})", connection)
        )
        {
            await create.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        await using (
            var copy = await connection.BeginTextImportAsync("COPY raw_grants FROM STDIN (FORMAT csv, HEADER true)")
        )
        using (var file = new StreamReader(csv))
        {
            var buffer = new char[1 << 16];
            int read;
            while ((read = await file.ReadAsync(buffer)) > 0)
            {
                await copy.WriteAsync(buffer.AsMemory(0, read));
            }
        }

        return clock.Elapsed;
    }

    /// <summary>The import beside both floors, and what a grant costs to store after each.</summary>
    private static void PrintStorage(
        TimeSpan import,
        TimeSpan storage,
        TimeSpan raw,
        StoredBytes imported,
        StoredBytes floorBytes
    )
    {
        Console.WriteLine(
            $"storage floor     {storage.TotalSeconds, 8:F2} s  (INSERT INTO grants SELECT … of the same rows into a fresh, migrated schema, one transaction)"
        );
        Console.WriteLine($"import / raw      {import / raw, 8:F2} x");
        Console.WriteLine($"import / storage  {import / storage, 8:F2} x");
        Console.WriteLine($"stored (import)   {imported}");
        Console.WriteLine($"stored (floor)    {floorBytes}");
    }

    internal static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1]
                .Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0;
        return $"{cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} logical CPUs, {memory:F1} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Infrastructure.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// <c>post-package [--file PATH] [--engine sqlite|postgres|both] [--runs N]</c>: the work of <c>POST /api/grants</c>
/// (<see cref="ImportGrantPackage.HandleAsync"/>: map, hash, classify, then <see cref="GrantStore.UpsertAsync"/>) on a
/// real 360Giving package, timed three ways on a fresh funder: every grant new, the same package again (every grant
/// unchanged), and the package with every second grant's title changed (half updated). A first funder takes the same
/// three posts untimed, so the timed ones run compiled (tiered JIT). Each engine's database is new (a file for SQLite,
/// a private durable PostgreSQL cluster like the import benchmark's).
/// </summary>
internal static class PostPackageBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var file = Path.Combine("..", "shared", "data", "360giving", "360g-lloyds-bank-foundation.json");
        string[] engines = ["sqlite", "postgres"];
        var runs = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--file":
                    file = args[++i];
                    break;
                case "--engine":
                    engines = args[++i] == "both" ? engines : [args[i]];
                    break;
                case "--runs":
                    runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        var packages = Packages(file);
        Console.WriteLine($"{file}: {packages.New.Grants!.Count:N0} grants; {runs} timed runs per engine");
        foreach (var engine in engines)
        {
            await RunEngineAsync(engine, packages, runs);
        }

        Console.WriteLine($"machine           {ImportBenchmark.Machine()}");
        return 0;
    }

    private static async Task RunEngineAsync(string engine, (GrantPackage New, GrantPackage Changed) packages, int runs)
    {
        var work = Path.Combine(Path.GetTempPath(), "fundaudit-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        await using var postgres = engine == "postgres" ? await BenchPostgres.StartAsync() : null;
        try
        {
            var connectionString =
                engine == "sqlite"
                    ? $"Data Source={Path.Combine(work, "fundaudit.db")}"
                    : await postgres!.CreateDatabaseAsync("fa_bench");
            await using var services = ImportBenchmark.BuildServices(engine, connectionString, work, 0);
            services.MigrateDatabase();
            await PostThreeAsync(services, packages); // warm-up
            var times = new List<TimeSpan[]>();
            for (var run = 0; run < runs; run++)
            {
                times.Add(await PostThreeAsync(services, packages));
            }

            string Median(int step) => $"{times.Select(t => t[step].TotalSeconds).Order().ElementAt(runs / 2), 8:F2} s";
            Console.WriteLine(
                $"{engine, -9} new {Median(0)}   same {Median(1)}   half changed {Median(2)}   (median of {runs})"
            );
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The three posts on a new funder, each timed; the counts are checked, not trusted.</summary>
    private static async Task<TimeSpan[]> PostThreeAsync(
        ServiceProvider services,
        (GrantPackage New, GrantPackage Changed) packages
    )
    {
        var funder = await services
            .GetRequiredService<TenancyStore>()
            .CreateFunderAsync("Benchmark funder " + Guid.NewGuid(), DateTimeOffset.UtcNow, CancellationToken.None);
        var user = new ClaimsPrincipal(
            new ClaimsIdentity([new Claim(FunderClaims.FunderId, funder.Id.ToString(CultureInfo.InvariantCulture))])
        );
        var store = new GrantStore(services.GetRequiredService<Db>());
        var classifier = services.GetRequiredService<FunderClassifier>();
        var n = packages.New.Grants!.Count;
        var half = (n + 1) / 2;
        var times = new TimeSpan[3];
        (GrantPackage Package, (int, int, int) Expected)[] steps =
        [
            (packages.New, (n, 0, 0)),
            (packages.New, (0, 0, n)),
            (packages.Changed, (0, half, n - half)),
        ];
        for (var i = 0; i < steps.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = (
                await ImportGrantPackage.HandleAsync(
                    steps[i].Package,
                    null,
                    user,
                    store,
                    classifier,
                    TimeProvider.System,
                    CancellationToken.None
                )
            ).Value!;
            times[i] = clock.Elapsed;
            if ((response.Created, response.Updated, response.Unchanged) != steps[i].Expected)
            {
                throw new InvalidOperationException($"Post {i + 1} answered {response}, not {steps[i].Expected}.");
            }
        }

        return times;
    }

    /// <summary>The package as read, and a copy whose every second grant has another title.</summary>
    private static (GrantPackage New, GrantPackage Changed) Packages(string file)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonDefaults.Configure(options);
        var node = JsonNode.Parse(File.ReadAllText(file))!;
        var grants = node["grants"]!.AsArray();
        var original = node.Deserialize<GrantPackage>(options)!;
        for (var i = 0; i < grants.Count; i += 2)
        {
            grants[i]!["title"] = grants[i]!["title"]!.GetValue<string>() + " (revised)";
        }

        return (original, node.Deserialize<GrantPackage>(options)!);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Features.Audit.Snapshots;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Core.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace FundAudit.Benchmarks.Audit;

/// <summary>
/// audit-mix: loads N generated grants (default 1,000,000) of one funder in EUR, USD and GBP over 2021–2025, with
/// daily rates, on SQLite and on PostgreSQL (a private cluster from /usr/lib/postgresql/*/bin, or
/// FUNDAUDIT_BENCH_POSTGRES), then times every report (<see cref="AuditReports"/>: each mix grouping and filter with
/// and without medians, the trend, the quality report, the field view) beside its floor: a hand-written GROUP BY of
/// the same grants run directly with the engine's own client, in the same run. The grants are
/// loaded with the migrations' triggers on, so grant_day_totals (which the mix reads) is filled as they load.
/// </summary>
internal static class AuditMixBenchmark
{
    private static readonly string[] Levels = ["global", "regional", "national", "local", "unclassified"];
    private static readonly string[] Purposes = ["prevention", "collective", "emergency", "campaign", "unclassified"];

    /// <summary>The grants' currencies, drawn evenly: EUR (the reports' currency), USD and GBP, or what
    /// FUNDAUDIT_BENCH_CURRENCIES lists ("EUR" alone: a funder publishing in its own currency, as 99.9 % of the real
    /// files' grants are). The draw is the same either way, so the other columns do not change.</summary>
    internal static readonly string[] CurrenciesUsed = (
        Environment.GetEnvironmentVariable("FUNDAUDIT_BENCH_CURRENCIES") ?? "EUR,USD,GBP"
    ).Split(',');
    private static readonly string[] CountriesUsed = ["HN", "GT", "KE", "UG", "PH", "CO", "GB", "BR"];
    private static readonly DateOnly First = new(2021, 1, 1);
    private const int Days = 1826;

    public static async Task<int> RunAsync(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var engines = args.Length > 1 ? args[1].Split(',') : ["sqlite", "postgres"];
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine(
            $"audit-mix: {n:N0} grants; {Environment.ProcessorCount} logical cores; .NET {Environment.Version}"
        );
        foreach (var engine in engines)
        {
            string? stop = null;
            // FUNDAUDIT_BENCH_SQLITE names a SQLite file to use and keep (with FUNDAUDIT_BENCH_REUSE, a second run's).
            var keptSqlite = Environment.GetEnvironmentVariable("FUNDAUDIT_BENCH_SQLITE");
            var sqliteFile = keptSqlite
                ?? Path.Combine(Path.GetTempPath(), "fundaudit-bench-" + Guid.NewGuid().ToString("N")[..8] + ".db");
            var connectionString =
                engine == "sqlite"
                    ? $"Data Source={sqliteFile}"
                    : Environment.GetEnvironmentVariable("FUNDAUDIT_BENCH_POSTGRES") ?? StartPostgres(out stop);
            try
            {
                await RunEngineAsync(engine, connectionString, n, runs);
            }
            finally
            {
                if (stop is not null)
                {
                    var pgCtl = stop.Split('\u0001');
                    Run("runuser", ["-u", "postgres", "--", .. pgCtl], asIs: true);
                    // The cluster's folder (data directory, log, socket) holds the 1M rows too: remove it as well.
                    Directory.Delete(Path.GetDirectoryName(pgCtl[2])!, recursive: true);
                }

                // The SQLite file of a 1M run is about 300 MB: never leave it behind (unless named to be kept).
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (
                    var suffix in keptSqlite is null ? new[] { "", "-wal", "-shm", "-journal", ".migrate.lock" } : []
                )
                {
                    File.Delete(sqliteFile + suffix);
                }
            }
        }

        return 0;
    }

    private static async Task RunEngineAsync(string engine, string connectionString, int n, int runs)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["Database:Provider"] = engine,
                    ["Database:ConnectionString"] = connectionString,
                }
            )
            .Build();
        services.AddFundAuditData(config);
        // FUNDAUDIT_BENCH_SNAPSHOTS=1: the reports read the funder's grants held in memory (built and waited for
        // before the first report, its time printed); else the database alone, as before snapshots.
        var snapshots = Environment.GetEnvironmentVariable("FUNDAUDIT_BENCH_SNAPSHOTS") == "1";
        services.Configure<AuditOptions>(o => o.Snapshots = snapshots);
        services.AddSingleton<MixStore>();
        services.AddSingleton<RateStore>();
        services.AddSingleton<MixCalculator>();
        services.AddSingleton<GrantSnapshots>();
        services.AddSingleton<FieldParticipationStore>();
        services.AddSingleton<QualityStore>();
        services.AddSingleton<QualityTotalsStore>();
        services.AddSingleton<QualityCalculator>();
        services.AddSingleton(TimeProvider.System);
        await using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<Migrator>().Migrate();
        var db = sp.GetRequiredService<Db>();

        var sw = Stopwatch.StartNew();
        if (await LoadedAsync(db) is var loaded and > 0)
        {
            Console.WriteLine(
                $"[{engine}] {loaded:N0} grants already loaded (FUNDAUDIT_BENCH_REUSE): not loaded again"
            );
        }
        else
        {
            await LoadAsync(db, engine, n);
            Console.WriteLine($"[{engine}] loaded {n:N0} grants and rates in {sw.Elapsed.TotalSeconds:0.0} s");
        }

        var period = new AuditPeriod(First, First.AddDays(Days - 1));
        var mix = sp.GetRequiredService<MixCalculator>();
        var query = new MixQuery(period, "EUR", ["level", "purpose"], null, null, null, null, 1);
        if (snapshots)
        {
            await WarmSnapshotAsync(sp, engine);
        }

        await AuditReports.RunAsync(sp, engine, period, runs);
        var check = (await mix.ComputeAsync(1, query, medians: false, CancellationToken.None)).Mix!;
        long stored;
        await using (var c = await db.OpenAsync())
        {
            stored = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM grant_day_totals WHERE funder_id = 1");
        }

        Console.WriteLine(
            $"[{engine}] check: {check.Grants:N0} grants in {stored:N0} stored daily totals, total {check.TotalMinor:N0} EUR cents, {check.Cells.Count} cells"
        );
    }

    /// <summary>Builds funder 1's snapshot and prints how long it took and what it holds.</summary>
    private static async Task WarmSnapshotAsync(IServiceProvider sp, string engine)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var sw = Stopwatch.StartNew();
        var snapshot = await sp.GetRequiredService<GrantSnapshots>().WarmAsync(1, CancellationToken.None)
            ?? throw new InvalidOperationException("Funder 1's grants were not kept in memory.");
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine(
            $"[{engine}] snapshot: {snapshot.Count:N0} grants, {snapshot.Texts.Count:N0} texts, read in "
                + $"{sw.ElapsedMilliseconds:N0} ms; columns {snapshot.Bytes / 1048576.0:0.0} MiB, managed heap grew "
                + $"{held / 1048576.0:0.0} MiB"
        );
    }

    /// <summary>
    /// With FUNDAUDIT_BENCH_REUSE=1 (and FUNDAUDIT_BENCH_POSTGRES naming a database an earlier run loaded, which
    /// keeps it), the grants already there, so that runs comparing two builds time the same rows without loading them
    /// again; else 0.
    /// </summary>
    private static async Task<long> LoadedAsync(Db db)
    {
        if (Environment.GetEnvironmentVariable("FUNDAUDIT_BENCH_REUSE") != "1")
        {
            return 0;
        }

        await using var c = await db.OpenAsync();
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM grants WHERE funder_id = 1");
    }

    private static IEnumerable<(
        string Currency,
        long Amount,
        DateOnly Date,
        string Level,
        string Purpose,
        bool Flexible,
        string Country,
        string Programme
    )> Grants(int n)
    {
        var random = new Random(42);
        for (var i = 0; i < n; i++)
        {
            yield return (
                CurrenciesUsed[random.Next(3) % CurrenciesUsed.Length],
                random.Next(50_000, 5_000_000),
                First.AddDays(random.Next(Days)),
                Levels[random.Next(5)],
                Purposes[random.Next(5)],
                random.Next(3) == 0,
                CountriesUsed[random.Next(CountriesUsed.Length)],
                "Programme " + random.Next(6)
            );
        }
    }

    /// <summary>grants.quality_flags as the service stores it (migration 0018) for a generated grant.</summary>
    private static int QualityFlagsOf(int i, string currency, long amount, DateOnly date, string country) =>
        QualityFlags.Of(
            new FundAudit.Core.Grants.GrantRecord
            {
                Identifier = "B-" + i,
                Title = "Grant",
                Currency = currency,
                AmountAwardedMinor = amount,
                AwardDate = date,
            },
            "Grant",
            country,
            PublishedFacts.None // generated ids have no control character
        );

    private static async Task LoadAsync(Db db, string engine, int n)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO funders (name, created_at) VALUES ('Bench', @Now)",
            new { Now = DateTimeOffset.UtcNow }
        );
        var now = DateTimeOffset.UtcNow;
        var rates = new List<(DateOnly, string, decimal)>();
        for (var d = First.AddDays(-7); d <= First.AddDays(Days); d = d.AddDays(1))
        {
            rates.Add((d, "USD", 1.08m + (d.DayNumber % 17 / 1000m)));
            rates.Add((d, "GBP", 0.85m + (d.DayNumber % 13 / 1000m)));
        }

        await using (var tx = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO fx_rates (funder_id, base, currency, rate_date, rate, loaded_at) VALUES (1, 'EUR', @C, @D, @R, @Now)",
                rates.Select(r => new
                {
                    C = r.Item2,
                    D = r.Item1,
                    R = r.Item3.ToString(CultureInfo.InvariantCulture),
                    Now = now,
                }),
                tx
            );
            await tx.CommitAsync();
        }

        if (connection is NpgsqlConnection pg)
        {
            await using (
                var copy = await pg.BeginBinaryImportAsync(
                    "COPY grants (funder_id, identifier, title, currency, amount_awarded, award_date, recipient_country, programme_title, level, purpose, flexible, content_hash, created_at, updated_at, quality_flags) FROM STDIN (FORMAT BINARY)"
                )
            )
            {
                var i = 0;
                foreach (var g in Grants(n))
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(1L, NpgsqlDbType.Bigint);
                    await copy.WriteAsync("B-" + i++, NpgsqlDbType.Text);
                    await copy.WriteAsync("Grant", NpgsqlDbType.Text);
                    await copy.WriteAsync(g.Currency, NpgsqlDbType.Text);
                    await copy.WriteAsync(g.Amount, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(g.Date, NpgsqlDbType.Date);
                    await copy.WriteAsync(g.Country, NpgsqlDbType.Text);
                    await copy.WriteAsync(g.Programme, NpgsqlDbType.Text);
                    await copy.WriteAsync(g.Level, NpgsqlDbType.Text);
                    await copy.WriteAsync(g.Purpose, NpgsqlDbType.Text);
                    await copy.WriteAsync(g.Flexible, NpgsqlDbType.Boolean);
                    await copy.WriteAsync(new byte[] { 0x68 }, NpgsqlDbType.Bytea); // content_hash: bytes (migration 0024)
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(
                        QualityFlagsOf(i, g.Currency, g.Amount, g.Date, g.Country),
                        NpgsqlDbType.Integer
                    );
                }

                copy.Timeout = TimeSpan.FromMinutes(30); // the insert trigger sums the whole COPY into grant_day_totals as it completes
                await copy.CompleteAsync();
            }

            await connection.ExecuteAsync("VACUUM ANALYZE grants", commandTimeout: 600);
            await connection.ExecuteAsync("VACUUM ANALYZE grant_day_totals", commandTimeout: 600);
            return;
        }

        await using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            await using var command = ((SqliteConnection)connection).CreateCommand();
            command.Transaction = tx;
            command.CommandText = """
                INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, award_date, recipient_country, programme_title, level, purpose, flexible, content_hash, created_at, updated_at, quality_flags)
                VALUES (1, $id, 'Grant', $cur, $amt, $date, $country, $prog, $level, $purpose, $flex, X'68', $now, $now, $flags)
                """;
            var p = new[]
            {
                "$id",
                "$cur",
                "$amt",
                "$date",
                "$country",
                "$prog",
                "$level",
                "$purpose",
                "$flex",
                "$now",
                "$flags",
            }
                .Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
                .ToArray();
            p[9].Value = now.ToString("O", CultureInfo.InvariantCulture);
            command.Prepare();
            var i = 0;
            foreach (var g in Grants(n))
            {
                p[0].Value = "B-" + i++;
                p[1].Value = g.Currency;
                p[2].Value = g.Amount;
                p[3].Value = g.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                p[4].Value = g.Country;
                p[5].Value = g.Programme;
                p[6].Value = g.Level;
                p[7].Value = g.Purpose;
                p[8].Value = g.Flexible ? 1 : 0;
                p[10].Value = QualityFlagsOf(i, g.Currency, g.Amount, g.Date, g.Country);
                await command.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }

        await connection.ExecuteAsync("ANALYZE main");
    }

    /// <summary>Starts a throwaway PostgreSQL cluster (as the postgres user when root); answers its connection string.</summary>
    private static string StartPostgres(out string? stop)
    {
        var bin = Directory
            .GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .Order()
            .Last();
        var root = Path.Combine(Path.GetTempPath(), "fundaudit-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        Run("chown", ["postgres", root], asIs: true);
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        var data = Path.Combine(root, "data");
        Run(
            "runuser",
            [
                "-u",
                "postgres",
                "--",
                Path.Combine(bin, "initdb"),
                "-D",
                data,
                "-A",
                "trust",
                "-U",
                "fundaudit",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            asIs: true
        );
        Run(
            "runuser",
            [
                "-u",
                "postgres",
                "--",
                Path.Combine(bin, "pg_ctl"),
                "-D",
                data,
                "-w",
                "-l",
                Path.Combine(root, "log"),
                "-o",
                $"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c shared_buffers=512MB -c work_mem=64MB",
                "start",
            ],
            asIs: true
        );
        stop = string.Join('\u0001', Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "fast", "stop");
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "fundaudit",
            Database = "postgres",
        }.ConnectionString;
    }

    private static void Run(string file, string[] arguments, bool asIs)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && asIs)
        {
            throw new InvalidOperationException($"{file} failed: {err}");
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// A PostgreSQL server for the benchmark: FUNDAUDIT_BENCH_POSTGRES (a connection string), or a private cluster started
/// like the tests' PostgresCluster (initdb into a temp folder, a free port on 127.0.0.1, as the postgres user when root).
/// Unlike the tests' cluster, fsync stays on, so the figures are those of a durable server.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    private string? _bin;
    private string? _root;
    private bool _asRoot;

    public string AdminConnectionString { get; private set; } = "";

    public static async Task<BenchPostgres> StartAsync()
    {
        var server = new BenchPostgres();
        var external = Environment.GetEnvironmentVariable("FUNDAUDIT_BENCH_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            server.AdminConnectionString = external;
            return server;
        }

        server._bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory
                .GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderDescending(StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
        if (server._bin is null)
        {
            throw new InvalidOperationException(
                "No PostgreSQL binaries under /usr/lib/postgresql; set FUNDAUDIT_BENCH_POSTGRES to a connection string."
            );
        }

        server._root = Path.Combine(Path.GetTempPath(), "fundaudit-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(server._root);
        server._asRoot = Environment.UserName == "root";
        if (server._asRoot)
        {
            await RunAsync("chown", ["postgres", server._root], null);
        }

        var port = FreePort();
        var data = Path.Combine(server._root, "data");
        var user = server._asRoot ? "postgres" : null;
        await RunAsync(
            Path.Combine(server._bin, "initdb"),
            ["-D", data, "-A", "trust", "-U", "fundaudit", "-E", "UTF8"],
            user
        );
        await RunAsync(
            Path.Combine(server._bin, "pg_ctl"),
            [
                "-D",
                data,
                "-w",
                "-t",
                "60",
                "-l",
                Path.Combine(server._root, "log"),
                "-o",
                $"-k {server._root} -p {port} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_wal_size=4GB",
                "start",
            ],
            user
        );
        server.AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "fundaudit",
            Database = "postgres",
        }.ConnectionString;
        return server;
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name}; ", connection);
        await command.ExecuteNonQueryAsync();
        command.CommandText = $"CREATE DATABASE {name}";
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Brings the fresh cluster's WAL to the state of a server that has been running: writes about 256 MB of WAL
    /// (a throw-away table) and runs <c>CHECKPOINT</c>, which recycles those files as the segments that follow.
    /// Without it every new 16 MB segment is zero-filled while commits wait (README, Performance).
    /// </summary>
    public async Task WarmWalAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "CREATE TABLE wal_warmup AS SELECT repeat('x', 1000) AS pad FROM generate_series(1, 250000); "
                + "DROP TABLE wal_warmup; CHECKPOINT",
            connection
        )
        {
            CommandTimeout = 300,
        };
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_bin is not null && _root is not null)
        {
            await RunAsync(
                Path.Combine(_bin, "pg_ctl"),
                ["-D", Path.Combine(_root, "data"), "-m", "fast", "stop"],
                _asRoot ? "postgres" : null
            );
            Directory.Delete(_root, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task RunAsync(string file, string[] arguments, string? asUser) =>
        await ReadAsync(file, arguments, asUser);

    /// <summary>Runs a program to its end; returns what it wrote to standard output, or throws when it failed.</summary>
    internal static async Task<string> ReadAsync(string file, string[] arguments, string? asUser = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = asUser is null ? file : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            foreach (var a in new[] { "-u", asUser, "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stderr} {await stdout}"
            );
        }

        return await stdout;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster for the test run: initdb into a temp folder, a free port on 127.0.0.1, run as the
/// postgres user when we are root. Or the server named by FUNDAUDIT_TEST_POSTGRES (a connection string).
/// A missing PostgreSQL is a test failure, never a skip: the message says how to provide one.
/// </summary>
internal static class PostgresCluster
{
    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates an empty database for one test app (or a copy of <paramref name="template"/>, a database
    /// nobody is connected to) and answers its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string? template = null)
    {
        var admin = await Server.Value;
        var name = "fa_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            var from = template is null ? "" : $" TEMPLATE {template}";
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}{from}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Ends every session connected to database <paramref name="name"/>.</summary>
    public static async Task EndSessionsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(await Server.Value);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()",
            connection
        );
        command.Parameters.AddWithValue("name", name);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("FUNDAUDIT_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external;
        }

        var bin = FindBinaries()
            ?? throw new InvalidOperationException(
                "PostgreSQL is needed by these tests and none was found: install PostgreSQL (initdb, pg_ctl under /usr/lib/postgresql/<version>/bin) "
                    + "or set FUNDAUDIT_TEST_POSTGRES to a connection string of a server the tests may create databases on."
            );

        SweepLeftovers();
        var root = Path.Combine(Path.GetTempPath(), "fundaudit-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres", root], null);
        }

        var port = FreePort();
        var data = Path.Combine(root, "data");
        await RunAsync(
            Path.Combine(bin, "initdb"),
            ["-D", data, "-A", "trust", "-U", "fundaudit", "-E", "UTF8", "--no-sync"],
            asRoot ? "postgres" : null
        );
        // max_connections 500: every test database has its own client pool (up to 20), and the process tests add
        // their services' pools and Hangfire's; at 200 a full run once met "too many clients" mid-test.
        await RunAsync(
            Path.Combine(bin, "pg_ctl"),
            [
                "-D",
                data,
                "-w",
                "-t",
                "60",
                "-l",
                Path.Combine(root, "log"),
                "-o",
                $"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500",
                "start",
            ],
            asRoot ? "postgres" : null
        );

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAsync(
                        Path.Combine(bin, "pg_ctl"),
                        ["-D", data, "-m", "immediate", "stop"],
                        asRoot ? "postgres" : null
                    )
                    .GetAwaiter()
                    .GetResult();
                Directory.Delete(root, recursive: true);
            }
            catch (Exception)
            {
                // Best effort at process exit: a folder left here is swept by the next run (SweepLeftovers).
            }
        };

        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "fundaudit",
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 20,
        }.ConnectionString;
    }

    /// <summary>
    /// Deletes the clusters earlier runs left behind: a test process killed (or timed out) never runs its exit hook,
    /// and each leftover holds about 1 GB (a week of killed runs once filled this machine's disk). A folder is
    /// deleted only when it is older than ten minutes and no server runs in it (no <c>postmaster.pid</c>, or its
    /// process is gone), so another run's cluster, starting or running, is never touched.
    /// </summary>
    private static void SweepLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), "fundaudit-pg-*"))
        {
            try
            {
                if (Directory.GetCreationTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-10) || ServerRunsIn(folder))
                {
                    continue;
                }

                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's folder, or one being deleted by another run: leave it.
            }
        }
    }

    private static bool ServerRunsIn(string folder)
    {
        var pidFile = Path.Combine(folder, "data", "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return false;
        }

        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (!int.TryParse(firstLine, out var pid))
        {
            return true; // being written: a server is starting
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }

    /// <summary>The newest PostgreSQL server binaries' folder of the machine, or null.</summary>
    public static string? FindBinaries()
    {
        const string baseDir = "/usr/lib/postgresql";
        if (!Directory.Exists(baseDir))
        {
            return null;
        }

        return Directory
            .GetDirectories(baseDir)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] arguments, string? asUser)
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
    }
}

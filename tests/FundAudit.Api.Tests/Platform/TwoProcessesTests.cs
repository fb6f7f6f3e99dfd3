using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using FundAudit.Api.Tests.GrantIngest.Csv;
using FundAudit.Api.Tests.Infrastructure;
using Npgsql;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Two real service processes (the built FundAudit.Api.dll) on one fresh PostgreSQL database: started together, both
/// migrate and come up; a file uploaded to the one without a Hangfire server is imported by the other's worker; then
/// that worker is SIGKILLed mid-import, restarted, and the import is shown interrupted, retried, and succeeds with the
/// exact grant count, nothing of the killed run having been stored. And the same kill on SQLite's one process.
/// </summary>
public sealed class TwoProcessesTests
{
    private const int BigRows = 60_000;

    [Fact]
    public async Task Two_instances_start_together_share_uploads_and_an_import_killed_mid_way_is_interrupted_then_retried()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        var common = new Dictionary<string, string>
        {
            ["Database:Provider"] = "postgres",
            ["Database:ConnectionString"] = connectionString,
            ["Imports:Folder"] = Path.Combine(
                Path.GetTempPath(),
                "fundaudit-tests",
                "procs-" + Guid.NewGuid().ToString("N")[..8]
            ),
            ["Imports:ProgressEveryRows"] = "500",
            ["Imports:HeartbeatSeconds"] = "1",
            ["Imports:InterruptedAfterSeconds"] = "3",
            ["Jobs:QueuePollSeconds"] = "1",
            ["Jobs:WorkerCount"] = "2",
        };
        // "api" only receives (no Hangfire server); "worker" runs the jobs. Each its own upload folder.
        await using var api = ServiceProcess.Start(
            "api",
            With(common, ("Jobs:RunServer", "false"), ("Imports:Folder", common["Imports:Folder"] + "-api"))
        );
        await using var worker = ServiceProcess.Start(
            "worker",
            With(common, ("Jobs:RunServer", "true"), ("Imports:Folder", common["Imports:Folder"] + "-worker"))
        );
        await Task.WhenAll(
            api.WaitReadyAsync(TimeSpan.FromSeconds(60)),
            worker.WaitReadyAsync(TimeSpan.FromSeconds(60))
        );

        await using (var db = new NpgsqlConnection(connectionString))
        {
            var scripts = (await db.QueryAsync<string>("SELECT scriptname FROM schemaversions")).ToList();
            Assert.Equal(scripts.Count, scripts.Distinct().Count());
            Assert.Equal(FundAudit.Api.Infrastructure.Data.Migrator.ScriptNames()["postgres"].Count, scripts.Count);
        }

        await ServiceProcess.RunCommandAsync(common, "funders", "create", "Two processes fund", "admin@two.example");
        var created = await ServiceProcess.RunCommandAsync(
            common,
            "funders",
            "keys",
            "create",
            "Two processes fund",
            "admin"
        );
        var key = KeyFrom(created);
        api.Authorize(key);
        worker.Authorize(key);

        // An upload to the instance without a worker is imported by the other one.
        var small = await UploadAsync(api, Rows("S", 1, 200));
        var done = await WaitForStatusAsync(worker, small, "succeeded", TimeSpan.FromSeconds(60), api, worker);
        Assert.Equal(200, done.GetProperty("result").GetProperty("created").GetInt32());
        Assert.Equal(200, await CountGrantsAsync(connectionString));

        await KillMidImportThenRetryAsync(api, worker, () => CountGrantsAsync(connectionString), 200);
        await using (var db = new NpgsqlConnection(connectionString))
        {
            Assert.Equal(
                200 + BigRows,
                await db.ExecuteScalarAsync<long>("SELECT sum(grant_count) FROM grant_day_totals")
            );
        }

        // The job deletes the upload just after it marks the import succeeded (GrantImportJob): on a loaded machine
        // the status can be read before the delete has run, so the chunks get a few seconds to go.
        Assert.Equal(0, await UploadChunksLeftAsync(connectionString, TimeSpan.FromSeconds(20)));
    }

    private static async Task<long> UploadChunksLeftAsync(string connectionString, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        await using var db = new NpgsqlConnection(connectionString);
        while (true)
        {
            var left = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM grant_import_uploads");
            if (left == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task On_sqlite_an_import_killed_mid_way_leaves_nothing_and_after_a_restart_is_interrupted_then_retried()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "procs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var database = $"Data Source={Path.Combine(folder, "fundaudit.db")}";
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "sqlite",
            ["Database:ConnectionString"] = database,
            ["Imports:Folder"] = Path.Combine(folder, "imports"),
            ["Imports:ProgressEveryRows"] = "500",
            ["Imports:HeartbeatSeconds"] = "1",
            ["Imports:InterruptedAfterSeconds"] = "3",
            ["Jobs:QueuePollSeconds"] = "1",
        };
        await using var service = ServiceProcess.Start("sqlite", settings);
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await ServiceProcess.RunCommandAsync(settings, "funders", "create", "One process fund", "admin@two.example");
        var created = await ServiceProcess.RunCommandAsync(
            settings,
            "funders",
            "keys",
            "create",
            "One process fund",
            "admin"
        );
        service.Authorize(KeyFrom(created));

        await KillMidImportThenRetryAsync(service, service, CountAsync, 0);
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection(database);
        Assert.Equal(BigRows, await db.ExecuteScalarAsync<long>("SELECT sum(grant_count) FROM grant_day_totals"));

        async Task<long> CountAsync()
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database);
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM grants");
        }
    }

    /// <summary>
    /// A big upload to <paramref name="api"/>; <paramref name="worker"/> (the same process, or the one whose Hangfire
    /// server runs the job) SIGKILLed mid-import and started again: nothing of the killed run is stored, the import is
    /// shown interrupted, a retry loads every row.
    /// </summary>
    private static async Task KillMidImportThenRetryAsync(
        ServiceProcess api,
        ServiceProcess worker,
        Func<Task<long>> countGrants,
        long before
    )
    {
        var big = await UploadAsync(api, Rows("B", 1, BigRows));
        var running = await WaitAsync(
            api,
            big,
            i =>
                i.GetProperty("status").GetString() == "running"
                && i.GetProperty("progress").GetProperty("rowsRead").GetInt32() > 0,
            TimeSpan.FromSeconds(40),
            worker
        );
        await worker.KillAsync();
        // Killed while running: the file may be read to its end already (the writer still inserting its last batches
        // inside the open load transaction, on a loaded machine or with a wider index), which is still mid-import,
        // since only the commit makes the import succeed; the count below shows that nothing of it was stored.
        Assert.InRange(running.GetProperty("progress").GetProperty("rowsRead").GetInt32(), 1, BigRows);
        Assert.Equal(before, await countGrants()); // nothing of the killed run

        worker.Start();
        await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await WaitForStatusAsync(api, big, "interrupted", TimeSpan.FromSeconds(20), api, worker);
        Assert.Equal(before, await countGrants());

        var retried = await api.Http.PostAsync($"/api/grants/imports/{big}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var finished = await WaitForStatusAsync(worker, big, "succeeded", TimeSpan.FromSeconds(90), api, worker);
        Assert.Equal(BigRows, finished.GetProperty("result").GetProperty("created").GetInt32());
        Assert.Equal(before + BigRows, await countGrants());
    }

    /// <summary>
    /// The key the funders command printed: the line after "Keep the key below" (log lines of the command's host may
    /// come before or after it on the same output).
    /// </summary>
    private static string KeyFrom(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        var said = lines.FindIndex(l => l.Contains("Keep the key below", StringComparison.Ordinal));
        Assert.True(said >= 0 && said + 1 < lines.Count, "No key in the output of funders keys create: " + output);
        return lines[said + 1];
    }

    private static Dictionary<string, string> With(
        Dictionary<string, string> common,
        params (string Key, string Value)[] more
    )
    {
        var all = new Dictionary<string, string>(common);
        foreach (var (k, v) in more)
        {
            all[k] = v;
        }

        return all;
    }

    private static string Rows(string prefix, int from, int to)
    {
        var csv = new StringBuilder(CsvTestFiles.Header360).Append('\n');
        for (var i = from; i <= to; i++)
        {
            csv.Append(prefix)
                .Append('-')
                .Append(i)
                .Append(",Title ")
                .Append(i)
                .Append(",Description,GBP,")
                .Append(10 + i)
                .Append(",2024-01-01\n");
        }

        return csv.ToString();
    }

    private static async Task<long> UploadAsync(ServiceProcess service, string csv)
    {
        var response = await service.Http.PostAsync(
            "/api/grants/imports",
            new StringContent(csv, Encoding.UTF8, "text/csv")
        );
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"upload: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
    }

    private static Task<JsonElement> WaitForStatusAsync(
        ServiceProcess reader,
        long id,
        string status,
        TimeSpan within,
        params ServiceProcess[] services
    ) => WaitAsync(reader, id, i => i.GetProperty("status").GetString() == status, within, services);

    private static async Task<JsonElement> WaitAsync(
        ServiceProcess reader,
        long id,
        Func<JsonElement, bool> condition,
        TimeSpan within,
        params ServiceProcess[] services
    )
    {
        var deadline = DateTime.UtcNow + within;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await reader.Http.GetFromJsonAsync<JsonElement>($"/api/grants/imports/{id}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(200); // a slow answer on a loaded machine: ask again until the deadline
                continue;
            }

            if (condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        Assert.Fail(
            $"Import {id} last read as {last}\n" + string.Join("\n", services.Select(s => $"--- {s.Name}:\n{s.Output}"))
        );
        return last;
    }

    private static async Task<long> CountGrantsAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM grants");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Tests.Infrastructure;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Npgsql;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Two real service processes, each with its Hangfire server, on one PostgreSQL database; a fund whose acknowledgement
/// goal is two seconds. Once every goal is overdue, many SLA sweeps are queued at once (real Hangfire jobs, taken by
/// both processes' workers); each warning and each breach is marked exactly once, with exactly one outbox row.
/// </summary>
public sealed class TwoProcessSweepTests(ITestOutputHelper output)
{
    private const int Requests = 12;
    private const int Sweeps = 16;

    [Fact]
    public async Task Sweeps_running_in_two_processes_at_once_mark_each_warning_and_breach_once()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "sweep-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "postgres",
            ["Database:ConnectionString"] = connectionString,
            ["Imports:Folder"] = Path.Combine(folder, "imports"),
            ["RateLimits:PublicPermitLimit"] = "100000",
            ["Jobs:QueuePollSeconds"] = "1",
            ["Jobs:WorkerCount"] = "4",
        };
        await using var one = ServiceProcess.Start("one", settings);
        await using var two = ServiceProcess.Start("two", settings);
        await Task.WhenAll(one.WaitReadyAsync(TimeSpan.FromSeconds(60)), two.WaitReadyAsync(TimeSpan.FromSeconds(60)));
        await ServiceProcess.RunCommandAsync(settings, "funders", "create", "Sweep fund", "admin@burst.example");
        var created = await ServiceProcess.RunCommandAsync(
            settings,
            "funders",
            "keys",
            "create",
            "Sweep fund",
            "admin"
        );
        one.Authorize(KeyFrom(created));
        var slug = "sweep-" + Guid.NewGuid().ToString("N")[..8];
        var fund = await one.Http.PostAsJsonAsync(
            "/api/funds",
            new JsonObject
            {
                ["slug"] = slug,
                ["name"] = "Sweep",
                ["currency"] = "USD",
                ["maxAmount"] = 1000,
                ["sla"] = new JsonObject
                {
                    ["warningShare"] = 0.5,
                    ["tiers"] = new JsonObject
                    {
                        ["extreme"] = new JsonObject { ["acknowledgeHours"] = 2.0 / 3600 },
                        ["high"] = new JsonObject { ["acknowledgeHours"] = 2.0 / 3600 },
                    },
                },
            }
        );
        Assert.True(fund.StatusCode == HttpStatusCode.Created, await fund.Content.ReadAsStringAsync());

        for (var i = 0; i < Requests; i++)
        {
            using var form = await (i % 2 == 0 ? one : two).Http.PostAsJsonAsync(
                $"/api/funds/{slug}/requests",
                Form(i)
            );
            Assert.True(form.StatusCode == HttpStatusCode.Created, await form.Content.ReadAsStringAsync());
        }

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // every acknowledgement goal overdue
        var servers = await SweepManyTimesAtOnceAsync(connectionString, one, two);
        output.WriteLine($"{Sweeps} sweeps ran on {servers} server(s)");

        await using var db = new NpgsqlConnection(connectionString);
        var goals = (
            await db.QueryAsync<(string Goal, long Warned, long Breached)>(
                "SELECT goal, count(warned_at), count(breached_at) FROM request_sla_goals GROUP BY goal"
            )
        ).ToDictionary(g => g.Goal);
        var acknowledge = goals.Keys.Single(g => g.Contains("ack", StringComparison.Ordinal));
        Assert.Equal((acknowledge, (long)Requests, (long)Requests), goals[acknowledge]);
        Assert.All(goals.Values.Where(g => g.Goal != acknowledge), g => Assert.Equal(0, g.Breached));
        var outbox = (
            await db.QueryAsync<(string EventType, string Goal, long Rows, long Requests)>(
                "SELECT event_type, goal, count(*), count(DISTINCT request_id) FROM webhook_outbox "
                    + "GROUP BY event_type, goal ORDER BY event_type"
            )
        ).ToList();
        Assert.Equal(2, outbox.Count); // a warning and a breach, of the acknowledgement goal only
        Assert.All(outbox, o =>
            Assert.Equal((acknowledge, (long)Requests, (long)Requests), (o.Goal, o.Rows, o.Requests))
        );
    }

    /// <summary>
    /// Queues <see cref="Sweeps"/> runs of the SLA sweep into the shared Hangfire storage and waits until all have
    /// succeeded; answers on how many distinct servers they were processed.
    /// </summary>
    private static async Task<int> SweepManyTimesAtOnceAsync(string connectionString, params ServiceProcess[] services)
    {
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        var monitoring = storage.GetMonitoringApi();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (monitoring.Servers().Count < services.Length) // both Hangfire servers up before the sweeps are queued
        {
            Assert.True(DateTime.UtcNow < deadline, "the Hangfire servers did not both start");
            await Task.Delay(100);
        }

        var client = new BackgroundJobClient(storage);
        var ids = Enumerable
            .Range(0, Sweeps)
            .Select(_ => client.Enqueue<SlaSweepJob>(j => j.RunAsync(CancellationToken.None)))
            .ToList();
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var details = ids.Select(monitoring.JobDetails).ToList();
            var failed = details.SelectMany(d => d.History).FirstOrDefault(h => h.StateName == FailedState.StateName);
            Assert.True(
                failed is null,
                "a sweep failed: "
                    + (failed?.Data.TryGetValue("ExceptionType", out var type) == true ? type : "")
                    + ": "
                    + (failed?.Data.TryGetValue("ExceptionMessage", out var message) == true ? message : "")
                    + "\n"
                    + (failed?.Data.TryGetValue("ExceptionDetails", out var details2) == true ? details2 : "")
            );
            if (details.All(d => d.History.Any(h => h.StateName == SucceededState.StateName)))
            {
                return details
                    .SelectMany(d => d.History.Where(h => h.StateName == ProcessingState.StateName))
                    .Select(h => h.Data.TryGetValue("ServerId", out var s) ? s : "")
                    .Distinct()
                    .Count();
            }

            Assert.True(
                DateTime.UtcNow < deadline,
                "sweeps not done:\n" + string.Join("\n", services.Select(s => $"--- {s.Name}:\n{s.Output}"))
            );
            await Task.Delay(200);
        }
    }

    private static JsonObject Form(int i) =>
        new()
        {
            ["alias"] = "Ana " + i,
            ["contact"] = new JsonObject { ["channel"] = "signal", ["handle"] = "+50499990000" },
            ["country"] = "Honduras",
            ["urgency"] = "high",
            ["situation"] = "Threatened after a land rights hearing.",
            ["need"] = "relocation",
            ["amount"] = 100 + i,
            ["currency"] = "USD",
            ["language"] = "es",
        };

    private static string KeyFrom(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        var said = lines.FindIndex(l => l.Contains("Keep the key below", StringComparison.Ordinal));
        Assert.True(said >= 0 && said + 1 < lines.Count, "No key in the output of funders keys create: " + output);
        return lines[said + 1];
    }
}

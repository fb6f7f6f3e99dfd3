using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// The built service as a real child process, SIGKILLed in the middle of a burst of defenders' forms (each with its
/// own Idempotency-Key) and officers' acknowledgements sent at once; after a restart every form answered 201 is
/// there, every key retried gives its one case (the same one when the first answer arrived), and every request's
/// state, version and timestamps agree with its event log. The same code on SQLite and on PostgreSQL.
/// </summary>
public sealed class KilledBurstTests(ITestOutputHelper output)
{
    private const int Forms = 60;
    private const int KillAfterCreated = 20;

    [Fact]
    public async Task On_sqlite_a_burst_killed_mid_way_loses_duplicates_and_half_applies_nothing()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "burst-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var settings = Settings("sqlite", $"Data Source={Path.Combine(folder, "fundaudit.db")}", folder);
        var rapid = Path.Combine(folder, "fundaudit-rapid-response.db");
        await BurstKillRestartAsync(settings, () => new SqliteConnection($"Data Source={rapid}"));
        Assert.True(File.Exists(rapid), "the rapid-response data is in its own file beside the main one");
    }

    [Fact]
    public async Task On_postgres_a_burst_killed_mid_way_loses_duplicates_and_half_applies_nothing()
    {
        var connectionString = await PostgresCluster.CreateDatabaseAsync();
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "burst-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = Settings("postgres", connectionString, folder);
        await BurstKillRestartAsync(settings, () => new NpgsqlConnection(connectionString));
    }

    private static Dictionary<string, string> Settings(string provider, string connectionString, string folder) =>
        new()
        {
            ["Database:Provider"] = provider,
            ["Database:ConnectionString"] = connectionString,
            ["Imports:Folder"] = Path.Combine(folder, "imports"),
            ["RateLimits:PublicPermitLimit"] = "100000",
            ["Idempotency:LeaseSeconds"] = "2",
            ["Jobs:QueuePollSeconds"] = "1",
        };

    private async Task BurstKillRestartAsync(Dictionary<string, string> settings, Func<DbConnection> rapidDb)
    {
        await using var service = ServiceProcess.Start("burst", settings);
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var invited = await ServiceProcess.RunCommandAsync(
            settings,
            "funders",
            "create",
            "Burst fund",
            "admin@burst.example"
        );
        // The first admin enrols (their changes made with a key need their TOTP code), then holds an admin key.
        var admin = await FirstAdmin.EnrolAsync(service, settings, invited, "admin@burst.example");
        var created = await ServiceProcess.RunCommandAsync(
            settings,
            "funders",
            "keys",
            "create",
            "Burst fund",
            "admin",
            admin.PersonId.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
        service.Authorize(KeyFrom(created));
        var slug = "burst-" + Guid.NewGuid().ToString("N")[..8];
        await ExpectAsync(
            await service.Http.PostAsJsonAsync(
                "/api/funds",
                new JsonObject
                {
                    ["slug"] = slug,
                    ["name"] = "Burst",
                    ["currency"] = "USD",
                    ["maxAmount"] = 1000,
                }
            ),
            HttpStatusCode.Created
        );
        // An officer's key (owned by a new officer person: a key never has more roles than its owner), and that
        // officer a member of the fund (need-to-know).
        var officerKey = await ServiceProcess.RunCommandAsync(
            settings,
            "funders",
            "keys",
            "create",
            "Burst fund",
            "officer"
        );
        var owner = System.Text.RegularExpressions.Regex.Match(officerKey, @"owned by person (\d+)").Groups[1].Value;
        await ExpectAsync(
            await service.Http.SendAsync(
                admin.StepUp(new HttpRequestMessage(HttpMethod.Put, $"/api/funds/{slug}/members/{owner}"), 0)
            ),
            HttpStatusCode.OK
        );
        // The officer's key reads cases (a reveal): only once the funder lets its keys decide.
        await ExpectAsync(
            await service.Http.SendAsync(
                admin.StepUp(
                    new HttpRequestMessage(HttpMethod.Put, "/api/settings/integrations")
                    {
                        Content = JsonContent.Create(new { keysMayDecide = true }),
                    },
                    1
                )
            ),
            HttpStatusCode.OK
        );
        using var anonymous = Client(service, null);
        using var officer = Client(service, KeyFrom(officerKey));

        var burst = new Burst(anonymous, officer, slug);
        // One form and its acknowledgement first, so that the burst meets warm paths (key -1, not in the burst).
        var warm = await ExpectAsync(await Burst.PostFormAsync(anonymous, slug, -1), HttpStatusCode.Created);
        burst.Warm = warm.GetProperty("reference").GetString()!;
        Assert.True(await burst.AcknowledgeAsync(burst.Warm), "the warm-up request was not acknowledged");
        var running = burst.RunAsync();
        await Task.WhenAny(burst.KillPoint.Task, running, Task.Delay(TimeSpan.FromSeconds(30)));
        await service.KillAsync();
        burst.KillPoint.TrySetResult(); // if it was never reached, the held forms go to the dead service (cut)
        await running;
        Assert.True(
            burst.Created.Count >= KillAfterCreated && burst.Created.Count < Forms,
            $"killed after {burst.Created.Count} of {Forms} forms answered 201:\n{service.Output}"
        );
        Assert.NotEmpty(burst.Acknowledged);
        output.WriteLine(
            $"killed with {burst.Created.Count} of {Forms} forms answered 201, {burst.Acknowledged.Count} acknowledged, "
                + $"{burst.Cut} requests unanswered (cut by the kill or sent after it)"
        );

        service.Start();
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await CheckAfterRestartAsync(burst, anonymous, officer, rapidDb, service);
    }

    private static async Task CheckAfterRestartAsync(
        Burst burst,
        HttpClient anonymous,
        HttpClient officer,
        Func<DbConnection> rapidDb,
        ServiceProcess service
    )
    {
        // Every key retried: one case per key, the first answer's case where it arrived.
        var references = new Dictionary<int, string>();
        for (var i = 0; i < Forms; i++)
        {
            var (reference, caseCode) = await RetryFormAsync(anonymous, burst.Slug, i, service);
            references[i] = reference;
            if (burst.Created.TryGetValue(i, out var first))
            {
                Assert.Equal(first, (reference, caseCode));
            }
        }

        Assert.Equal(Forms, references.Values.Distinct().Count());
        foreach (var reference in burst.Acknowledged)
        {
            var read = await officer.GetFromJsonAsync<JsonElement>($"/api/requests/{reference}");
            Assert.Equal("acknowledged", read.GetProperty("request").GetProperty("state").GetString());
            var eventLog = await officer.GetStringAsync($"/api/requests/{reference}/events");
            Assert.Contains("\"acknowledge\"", eventLog, StringComparison.Ordinal);
        }

        await using var db = rapidDb();
        var rows = (
            await db.QueryAsync<(string Reference, string State, long Version, long HasAcknowledgedAt)>(
                "SELECT reference, state, version, CASE WHEN acknowledged_at IS NULL THEN 0 ELSE 1 END "
                    + "FROM emergency_requests"
            )
        ).ToList();
        Assert.Equal(references.Values.Append(burst.Warm).Order(), rows.Select(r => r.Reference).Order());
        var events = (
            await db.QueryAsync<(string Reference, string Command, string FromState, string ToState)>(
                "SELECT r.reference, e.command, e.from_state, e.to_state FROM request_events e "
                    + "JOIN emergency_requests r ON r.id = e.request_id ORDER BY e.id"
            )
        ).ToLookup(e => e.Reference);
        foreach (var row in rows)
        {
            var log = events[row.Reference].ToList();
            var expected =
                row.State == "acknowledged"
                    ? new[] { ("submit", "submitted", "submitted"), ("acknowledge", "submitted", "acknowledged") }
                    : new[] { ("submit", "submitted", "submitted") };
            Assert.Equal(expected, log.Select(e => (e.Command, e.FromState, e.ToState)));
            Assert.Equal(log.Count, row.Version);
            Assert.Equal(row.State == "acknowledged" ? 1 : 0, row.HasAcknowledgedAt);
        }
    }

    private static async Task<(string Reference, string CaseCode)> RetryFormAsync(
        HttpClient anonymous,
        string slug,
        int i,
        ServiceProcess service
    )
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await Burst.PostFormAsync(anonymous, slug, i);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var json = JsonDocument.Parse(body).RootElement;
                return (json.GetProperty("reference").GetString()!, json.GetProperty("caseCode").GetString()!);
            }

            // A claim held by the killed process answers 409 until its (2 s) lease expires.
            Assert.True(
                response.StatusCode == HttpStatusCode.Conflict && DateTime.UtcNow < deadline,
                $"form {i} retried: {(int)response.StatusCode} {body}\n{service.Output}"
            );
            await Task.Delay(250);
        }
    }

    private static HttpClient Client(ServiceProcess service, string? key)
    {
        var client = new HttpClient { BaseAddress = service.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static string KeyFrom(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        var said = lines.FindIndex(l => l.Contains("Keep the key below", StringComparison.Ordinal));
        Assert.True(said >= 0 && said + 1 < lines.Count, "No key in the output of funders keys create: " + output);
        return lines[said + 1];
    }

    /// <summary>
    /// The forms, one every 40 ms, each with its own key; every second one answered 201 is acknowledged by an officer
    /// (read, then acknowledge with the version read) while the forms keep coming. A request cut by the kill is
    /// simply not counted. The last <see cref="Held"/> forms wait for <see cref="KillPoint"/> (enough forms created
    /// and acknowledged) before they start, so the kill always meets forms still coming, however slow the machine.
    /// </summary>
    private sealed class Burst(HttpClient anonymous, HttpClient officer, string slug)
    {
        public string Slug => slug;

        public string Warm { get; set; } = "";

        public ConcurrentDictionary<int, (string Reference, string CaseCode)> Created { get; } = new();

        private int _cut;

        public ConcurrentBag<string> Acknowledged { get; } = [];

        public int Cut => _cut;

        /// <summary>Forms from this index on start only once the kill point is reached.</summary>
        private const int Held = KillAfterCreated + 10;

        /// <summary>Set once <see cref="KillAfterCreated"/> forms were created and three acknowledged.</summary>
        public TaskCompletionSource KillPoint { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private void CheckKillPoint()
        {
            if (Created.Count >= KillAfterCreated && Acknowledged.Count >= 3)
            {
                KillPoint.TrySetResult();
            }
        }

        public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string slug, int i)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/funds/{slug}/requests")
            {
                Content = JsonContent.Create(
                    new JsonObject
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
                    }
                ),
            };
            message.Headers.Add("Idempotency-Key", $"burst-{slug}-{i}");
            return await client.SendAsync(message);
        }

        public Task RunAsync() => Task.WhenAll(Enumerable.Range(0, Forms).Select(FormAsync));

        private async Task FormAsync(int i)
        {
            if (i >= Held)
            {
                await KillPoint.Task;
            }

            await Task.Delay((i >= Held ? i - Held : i) * 40);
            try
            {
                using var response = await PostFormAsync(anonymous, slug, i);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    return;
                }

                var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                var reference = json.GetProperty("reference").GetString()!;
                Created[i] = (reference, json.GetProperty("caseCode").GetString()!);
                CheckKillPoint();
                if (i % 2 == 0 && await AcknowledgeAsync(reference))
                {
                    Acknowledged.Add(reference);
                    CheckKillPoint();
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                Interlocked.Increment(ref _cut); // cut by the kill: its answer never came
            }
        }

        public async Task<bool> AcknowledgeAsync(string reference)
        {
            var read = await officer.GetFromJsonAsync<JsonElement>($"/api/requests/{reference}");
            var version = read.GetProperty("request").GetProperty("version").GetInt32();
            using var acknowledged = await officer.PostAsJsonAsync(
                $"/api/requests/{reference}/acknowledge",
                new { version }
            );
            return acknowledged.IsSuccessStatusCode;
        }
    }
}

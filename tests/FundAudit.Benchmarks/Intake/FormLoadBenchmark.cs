using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FundAudit.Benchmarks.Import;

namespace FundAudit.Benchmarks.Intake;

/// <summary>
/// The defender's form under load (issue 17): the built service runs as a child process (Production, its key ring
/// under a throw-away certificate), and anonymous <c>POST /api/funds/{slug}/requests</c> are sent at a fixed rate
/// (open loop: each send starts at its scheduled instant whatever the earlier ones do), first alone, then while a
/// generated 360Giving CSV of <c>--import-rows</c> rows is imported through the API. The floor is the same rate of
/// <c>GET /health/live</c> (the pipeline without the database) in the same run.
/// </summary>
internal static class FormLoadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var engine = Option(args, "--engine") ?? "sqlite";
        var rate = int.Parse(Option(args, "--rate") ?? "200", System.Globalization.CultureInfo.InvariantCulture);
        var seconds = int.Parse(Option(args, "--seconds") ?? "20", System.Globalization.CultureInfo.InvariantCulture);
        var rows = int.Parse(Option(args, "--import-rows") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-formload-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        await using var postgres = engine == "postgres" ? await BenchPostgres.StartAsync() : null;
        var database = postgres is null
            ? $"Data Source={Path.Combine(folder, "fundaudit.db")}"
            : await postgres.CreateDatabaseAsync("formload");
        var settings = Settings(engine, database, folder);
        var key = await FundersCreateAsync(settings);
        using var service = ServiceRun.Start(settings, folder);
        try
        {
            await service.WaitReadyAsync();
            using var client = Client(service.BaseAddress);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var create = new
            {
                slug = "load",
                name = "Load",
                currency = "USD",
                maxAmount = 5000,
            };
            (await client.PostAsJsonAsync("/api/funds", create)).EnsureSuccessStatusCode();
            Console.WriteLine($"machine: {Machine()}; engine {engine}; {rate} a second for {seconds} s, open loop");
            Report("floor: GET /health/live", await LoadAsync(client, rate, seconds, _ => Live()));
            Report(
                "form, cold (first run after start: JIT, new WAL files)",
                await LoadAsync(client, rate, seconds, Form)
            );
            if (postgres is not null)
            {
                // A server that has run a while reuses its WAL files; a fresh one zero-fills a new 16 MB file every
                // ~16 s at this rate, and every commit waits for it (README, Performance).
                await postgres.WarmWalAsync();
            }

            Report("form alone (warm)", await LoadAsync(client, rate, seconds, Form));
            if (rows > 0)
            {
                await DuringImportAsync(client, folder, rows, rate, seconds);
            }

            return 0;
        }
        finally
        {
            service.Stop();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task DuringImportAsync(HttpClient client, string folder, int rows, int rate, int seconds)
    {
        var csv = Path.Combine(folder, "grants.csv");
        var bytes = GivingCsvGenerator.Write(csv, rows);
        using var content = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "grants.csv");
        var clock = Stopwatch.StartNew();
        var upload = await client.PostAsync("/api/grants/imports", content);
        upload.EnsureSuccessStatusCode();
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Console.WriteLine(
            $"import: {rows:N0} rows, {bytes / 1048576.0:F0} MiB uploaded in {clock.Elapsed.TotalSeconds:F1} s"
        );
        var all = new List<Sample>();
        string status;
        do
        {
            all.AddRange(await LoadAsync(client, rate, seconds, Form));
            status = (await client.GetFromJsonAsync<JsonElement>($"/api/grants/imports/{id}"))
                .GetProperty("status")
                .GetString()!;
            Console.WriteLine($"  import {status} after {clock.Elapsed.TotalSeconds:F0} s");
        } while (status is "queued" or "running" or "waiting");

        Report($"form during the import ({status} in {clock.Elapsed.TotalSeconds:F0} s)", all);
    }

    private sealed record Sample(double Milliseconds, int Status, double SentAt);

    /// <summary>Sends <paramref name="rate"/> requests a second for <paramref name="seconds"/>, each at its instant.</summary>
    private static async Task<List<Sample>> LoadAsync(
        HttpClient client,
        int rate,
        int seconds,
        Func<int, HttpRequestMessage> request
    )
    {
        var sends = new List<Task<Sample>>(rate * seconds);
        var start = Stopwatch.StartNew();
        var salt = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < rate * seconds; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > start.Elapsed)
            {
                await Task.Delay(due - start.Elapsed);
            }

            sends.Add(SendAsync(client, request(HashCode.Combine(salt, i)), start.Elapsed.TotalSeconds));
        }

        return [.. await Task.WhenAll(sends)];
    }

    private static async Task<Sample> SendAsync(HttpClient client, HttpRequestMessage request, double sentAt)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return new Sample(clock.Elapsed.TotalMilliseconds, (int)response.StatusCode, sentAt);
        }
        catch (HttpRequestException)
        {
            return new Sample(clock.Elapsed.TotalMilliseconds, 0, sentAt);
        }
        catch (TaskCanceledException)
        {
            return new Sample(clock.Elapsed.TotalMilliseconds, -1, sentAt);
        }
    }

    private static HttpRequestMessage Live() => new(HttpMethod.Get, "/health/live");

    private static HttpRequestMessage Form(int n)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/funds/load/requests")
        {
            Content = JsonContent.Create(
                new
                {
                    alias = "Ana " + n,
                    contact = new { channel = "signal", handle = "+504 9999 " + (n & 0xFFFF) },
                    country = "Honduras",
                    urgency = "high",
                    situation = "Threatened after a land rights hearing.",
                    need = "relocation",
                    amount = 800,
                    currency = "USD",
                    language = "es",
                }
            ),
        };
        message.Headers.Add("Idempotency-Key", "load-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return message;
    }

    private static void Report(string what, List<Sample> samples)
    {
        var ok = samples.Where(s => s.Status is >= 200 and < 300).Select(s => s.Milliseconds).Order().ToList();
        var failed = samples.Count - ok.Count;
        var statuses = string.Join(
            ", ",
            samples.Where(s => s.Status is < 200 or >= 300).GroupBy(s => s.Status).Select(g => $"{g.Key}×{g.Count()}")
        );
        Console.WriteLine(
            $"{what, -58} n={samples.Count} ok={ok.Count} failed={failed}{(failed > 0 ? $" ({statuses})" : "")} "
                + $"p50={Percentile(ok, 0.50):F1} ms p90={Percentile(ok, 0.90):F1} ms p99={Percentile(ok, 0.99):F1} ms "
                + $"max={(ok.Count > 0 ? ok[^1] : 0):F1} ms"
        );
        // Where the tail comes from: a stall shows as many slow answers sent in the same second.
        var slow = string.Join(
            ", ",
            samples.Where(s => s.Milliseconds > 50).GroupBy(s => (int)s.SentAt).Select(g => $"{g.Key} s: {g.Count()}")
        );
        Console.WriteLine($"  answers over 50 ms by second of the run: {(slow.Length == 0 ? "none" : slow)}");
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static HttpClient Client(Uri address) =>
        new(
            new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }
        )
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static Dictionary<string, string> Settings(string engine, string database, string folder)
    {
        var certificate = Path.Combine(folder, "keyring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest(
                "CN=formload",
                rsa,
                HashAlgorithmName.SHA256,
                RSASignaturePadding.Pkcs1
            );
            using var self = request.CreateSelfSigned(
                DateTimeOffset.UtcNow.AddDays(-1),
                DateTimeOffset.UtcNow.AddDays(1)
            );
            File.WriteAllBytes(certificate, self.Export(X509ContentType.Pfx, "formload"));
        }

        return new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["People__PublicBaseUrl"] = "http://127.0.0.1", // needed outside Development; no invitation is made
            ["Logging__LogLevel__Default"] = "Warning",
            ["Database__Provider"] = engine,
            ["Database__ConnectionString"] = database,
            ["DataProtection__CertificatePath"] = certificate,
            ["DataProtection__CertificatePassword"] = "formload",
            ["Imports__Folder"] = Path.Combine(folder, "imports"),
            ["Imports__MaxFileBytes"] = (2L * 1024 * 1024 * 1024).ToString(
                System.Globalization.CultureInfo.InvariantCulture
            ),
            // One load generator is one address: the per-address window is not what is measured here.
            ["RateLimits__PublicPermitLimit"] = "10000000",
            ["Jobs__QueuePollSeconds"] = "1",
        };
    }

    private static async Task<string> FundersCreateAsync(Dictionary<string, string> settings)
    {
        var create = ServiceRun.Command(settings, ["funders", "create", "Load test", "admin@load.example"]);
        await create.StandardOutput.ReadToEndAsync();
        await create.WaitForExitAsync();
        var run = ServiceRun.Command(settings, ["funders", "keys", "create", "Load test", "admin"]);
        var output = await run.StandardOutput.ReadToEndAsync();
        await run.WaitForExitAsync();
        var lines = output.Split('\n', StringSplitOptions.TrimEntries).ToList();
        var said = lines.FindIndex(l => l.Contains("Keep the key below", StringComparison.Ordinal));
        return said >= 0 && said + 1 < lines.Count
            ? lines[said + 1]
            : throw new InvalidOperationException("funders keys create printed no key: " + output);
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string Machine() =>
        $"{Environment.ProcessorCount} logical CPUs, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0:F1} GiB";
}

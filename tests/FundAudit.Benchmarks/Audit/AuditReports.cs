using System.Diagnostics;
using System.Security.Claims;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FundAudit.Benchmarks.Audit;

/// <summary>
/// Every report of issue 18's first goal, each timed as the service computes it (the same classes the endpoints
/// call, in process, no HTTP) beside its floor from the same run: the engine's own hand-written GROUP BY of the same
/// grants with the same grouping and filter (no conversion), run with Dapper. Medians of <c>runs</c> timed calls
/// after one warm-up each.
/// </summary>
internal static class AuditReports
{
    private sealed record Report(string Name, string[] GroupBy, string? Programme, string? Region, string? Country)
    {
        public bool FiscalYear { get; init; }
    }

    private static readonly Report[] Mixes =
    [
        new("level × purpose", ["level", "purpose"], null, null, null),
        new("level", ["level"], null, null, null),
        new("purpose", ["purpose"], null, null, null),
        new("level × country", ["level", "country"], null, null, null),
        new("region × purpose", ["region", "purpose"], null, null, null),
        new("programme", ["programme"], null, null, null),
        new("year (fiscal, April)", ["year"], null, null, null),
        new("level × purpose, fiscalYear=2024", ["level", "purpose"], null, null, null) { FiscalYear = true },
        new("level × purpose, region=Africa", ["level", "purpose"], null, "Africa", null),
        new("level × purpose, country=HN", ["level", "purpose"], null, null, "HN"),
        new("level × purpose, programme=Programme 1", ["level", "purpose"], "Programme 1", null, null),
    ];

    public static async Task RunAsync(IServiceProvider sp, string engine, AuditPeriod period, int runs)
    {
        var db = sp.GetRequiredService<Db>();
        var mix = sp.GetRequiredService<MixCalculator>();
        Console.WriteLine(
            $"[{engine}] report | service median ms | floor median ms (hand-written GROUP BY; "
                + "with includeMedian=true on PostgreSQL the same with percentile_cont(0.5)) | ratio"
        );
        var identical = 0;
        var only = Environment.GetEnvironmentVariable("FUNDAUDIT_BENCH_ONLY")?.Split(';');
        foreach (var r in Mixes.Where(r => only is null || only.Any(o => r.Name.Contains(o, StringComparison.Ordinal))))
        {
            var q = QueryOf(r, period);
            var floor = await TimeAsync(runs, () => FloorAsync(db, q));
            // The floor of a median report: the same GROUP BY with the engine's own median (PostgreSQL); SQLite has
            // no median aggregate, so there it stays the plain sum's.
            var medianFloor =
                engine == "postgres" && only is null ? await TimeAsync(runs, () => FloorAsync(db, q, Median)) : floor;
            var sums = new Dictionary<bool, string>();
            foreach (var medians in only is null ? new[] { false, true } : [false])
            {
                var ms = await TimeAsync(runs, async () =>
                {
                    var m = (await mix.ComputeAsync(1, q, medians, CancellationToken.None)).Mix!;
                    sums[medians] = SumsOf(m);
                    return m.Cells.Count;
                });
                if (medians)
                {
                    Print(
                        engine,
                        $"mix {r.Name}, includeMedian=true",
                        ms,
                        medianFloor,
                        $" | plain-sum floor {floor:0}"
                    );
                }
                else
                {
                    Print(engine, $"mix {r.Name}", ms, floor);
                }
            }

            // The sums of a report with medians (MixGrantScan keeping every grant) must be those of the report without.
            identical += sums.Count == 2 && sums[false] == sums[true] ? 1 : 0;
            if (only is not null)
            {
                Console.WriteLine($"[{engine}] mix {r.Name} sums: {Hash(sums[false])}");
            }
        }

        if (only is not null)
        {
            return; // FUNDAUDIT_BENCH_ONLY: the named mixes without medians, nothing else
        }

        Console.WriteLine(
            $"[{engine}] cells and totals without medians equal those with medians in {identical} of {Mixes.Length} mixes"
        );
        await CompareMediansAsync(sp.GetRequiredService<MixStore>(), engine, period);

        var trendQuery = new MixQuery(
            period,
            "EUR",
            ["year", "level", "purpose", "flexible"],
            null,
            null,
            null,
            null,
            1
        );
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(FunderClaims.FunderId, "1")], "bench"));
        var trend = await TimeAsync(runs, async () =>
        {
            var request = new GetTrend.Request(period.From, period.To, "EUR", "calendar", null, null, null, null);
            var (response, _) = await GetTrend.ComputeAsync(request, user, mix, CancellationToken.None);
            return response!.Items.Count;
        });
        Print(
            engine,
            "trend by year (GET /api/audit/trend)",
            trend,
            await TimeAsync(runs, () => FloorAsync(db, trendQuery))
        );

        var levelPurpose = QueryOf(Mixes[0], period);
        var lpFloor = await TimeAsync(runs, () => FloorAsync(db, levelPurpose));
        var quality = sp.GetRequiredService<QualityCalculator>();
        var qualityMs = await TimeAsync(runs, async () =>
            (await quality.ReportAsync(1, levelPurpose, null, CancellationToken.None)).Checks.Count
        );
        Print(engine, "quality report (GET /api/audit/quality)", qualityMs, lpFloor);

        await using (var c = await db.OpenAsync())
        {
            await c.ExecuteAsync(
                "INSERT INTO audit_field_participants (funder_id, opted_in, updated_by, updated_at) VALUES (1, @T, 'bench', @Now)",
                new { T = true, Now = DateTimeOffset.UtcNow }
            );
        }

        var field = await TimeAsync(runs, async () =>
        {
            var request = new GetFieldView.Request(period.From, period.To, null, "EUR");
            await GetFieldView.HandleAsync(
                request,
                user,
                sp.GetRequiredService<FieldParticipationStore>(),
                sp.GetRequiredService<MixStore>(),
                mix,
                sp.GetRequiredService<IOptions<AuditOptions>>(),
                CancellationToken.None
            );
            return 0;
        });
        Print(engine, "field view (GET /api/audit/field)", field, lpFloor);
        await MedianPhases.RunAsync(sp, engine, period, runs);
    }

    /// <summary>
    /// Where the database computes the medians (every grant in EUR, PostgreSQL): each mix's medians as it computes
    /// them beside those of the service's own path (every grant read and selected, <see cref="MixMedians"/>), cell by
    /// cell, rounded to the cent as the report rounds them.
    /// </summary>
    private static async Task CompareMediansAsync(MixStore store, string engine, AuditPeriod period)
    {
        static Dictionary<string, long> ByCell(IEnumerable<MedianRow> rows) =>
            rows.GroupBy(m => $"{m.Level}|{m.Purpose}|{m.Flexible}|{m.Year}|{m.Region}|{m.Country}|{m.Programme}")
                .ToDictionary(g => g.Key, g => CurrencyConversion.RoundMinor(g.Average(m => m.X)));
        var (compared, equal) = (0, 0);
        foreach (var r in Mixes)
        {
            var q = QueryOf(r, period);
            if (!await store.MediansInDatabaseAsync(1, q, CancellationToken.None))
            {
                continue;
            }

            var computed = ByCell((await store.ComputeMediansAsync(1, q, CancellationToken.None))!);
            var read = ByCell(
                (await store.ReadMediansAsync(1, q, CancellationToken.None)).Rows(
                    new Dictionary<(string, DateOnly), decimal>(),
                    "EUR"
                )
            );
            compared++;
            equal +=
                computed.Count == read.Count && computed.All(kv => read.GetValueOrDefault(kv.Key, -1) == kv.Value)
                    ? 1
                    : 0;
        }

        Console.WriteLine(
            $"[{engine}] medians computed by the database equal the service's own in {equal} of {compared} mixes"
        );
    }

    private static MixQuery QueryOf(Report r, AuditPeriod period) =>
        new(
            r.FiscalYear ? new AuditPeriod(new DateOnly(2024, 4, 1), new DateOnly(2025, 3, 31)) : period,
            "EUR",
            r.GroupBy,
            r.Programme,
            r.Region,
            r.Country,
            null,
            4
        );

    /// <summary>A mix's cells (key, amount, grants) and headline figures, without the medians.</summary>
    private static string SumsOf(MixResult m) =>
        string.Join(
            ";",
            m.Cells.Select(c => $"{string.Join(",", c.Key.Values)}={c.AmountMinor}/{c.Grants}")
                .Append($"{m.TotalMinor}/{m.Grants}/{m.PreventionCollectiveMinor}/{m.FlexibleMinor}/{m.LocalMinor}")
                .Append($"{m.UnclassifiedMinor}/{m.UnclassifiedGrants}")
        );

    /// <summary>A short fingerprint of a mix's sums, to compare two builds' answers run by run.</summary>
    private static string Hash(string sums) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sums)))[
            ..16
        ];

    private static void Print(string engine, string name, double ms, double floor, string more = "") =>
        Console.WriteLine($"[{engine}] {name} | {ms:0} | {floor:0} | {ms / floor:0.00}×{more}");

    /// <summary>PostgreSQL's own median of the group's amounts (the floor's added column for a median report).</summary>
    private const string Median = ", percentile_cont(0.5) WITHIN GROUP (ORDER BY g.amount_awarded) AS median";

    /// <summary>
    /// The engine's own GROUP BY of the query's grants by its grouping, counts and sums (and <paramref name="more"/>
    /// aggregates), no conversion.
    /// </summary>
    private static async Task<int> FloorAsync(Db db, MixQuery q, string more = "")
    {
        var (where, p) = MixFilter.OverGrants(1, q);
        p[MixDimensions.ShiftMonthsParameter] = q.FiscalYearStartMonth - 1;
        var columns = string.Join(", ", MixDimensions.Grouped(q).Select(d => d.Column(db.Dialect)));
        var region = MixFilter.NeedsRegion(q)
            ? " LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)"
            : "";
        var sql = $"""
            SELECT {columns}, COUNT(*) AS n, SUM(g.amount_awarded) AS amount{more}
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id{region}
            WHERE {where}
            GROUP BY {columns}
            """;
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync(sql, new DynamicParameters(p))).AsList().Count;
    }

    public static async Task<double> TimeAsync(int runs, Func<Task<int>> run)
    {
        await run(); // warm-up
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await run();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}

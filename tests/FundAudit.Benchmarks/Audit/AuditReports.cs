using System.Diagnostics;
using System.Security.Claims;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Audit.Quality;
using FundAudit.Api.Features.Audit.Snapshots;
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
        // FUNDAUDIT_BENCH_ONLY: the mixes whose names contain one of the parts, without medians; a part ending in
        // "+median" times that mix with medians instead (beside PostgreSQL's median floor).
        var only = Environment.GetEnvironmentVariable("FUNDAUDIT_BENCH_ONLY")?.Split(';');
        const string Phases = "phases";
        bool Named(Report r, bool medians) =>
            only is null
            || only.Any(o =>
                o.EndsWith(WithMedians, StringComparison.Ordinal) == medians
                && r.Name.Contains(medians ? o[..^WithMedians.Length] : o, StringComparison.Ordinal)
            );
        foreach (var r in Mixes.Where(r => Named(r, false) || Named(r, true)))
        {
            var q = QueryOf(r, period);
            var floor = await TimeAsync(runs, () => FloorAsync(db, q));
            // The floor of a median report: the same GROUP BY with the engine's own median (PostgreSQL); SQLite has
            // no median aggregate, so there it stays the plain sum's.
            var medianFloor =
                engine == "postgres" && Named(r, true) ? await TimeAsync(runs, () => FloorAsync(db, q, Median)) : floor;
            var sums = new Dictionary<bool, string>();
            foreach (var medians in new[] { false, true }.Where(m => Named(r, m)))
            {
                var ms = await TimeAsync(runs, async () =>
                {
                    var m = (await mix.ComputeAsync(1, q, medians, CancellationToken.None)).Mix!;
                    sums[medians] = SumsOf(m) + (medians ? ";" + MediansOf(m) : "");
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
            identical += sums.Count == 2 && sums[false] == SumsOf(sums[true]) ? 1 : 0;
            foreach (var (medians, answer) in only is null ? [] : sums)
            {
                Console.WriteLine($"[{engine}] mix {r.Name}{(medians ? WithMedians : "")} sums: {Hash(answer)}");
            }
        }

        if (only is not null)
        {
            // FUNDAUDIT_BENCH_ONLY: the named mixes, nothing else; a part "phases" adds the median phases.
            if (only.Contains(Phases))
            {
                await MedianPhases.RunAsync(sp, engine, period, runs);
            }

            return;
        }

        Console.WriteLine(
            $"[{engine}] cells and totals without medians equal those with medians in {identical} of {Mixes.Length} mixes"
        );
        await CompareMediansAsync(sp, engine, period);
        await CompareSnapshotAsync(sp, engine, period);

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
            var request = new GetTrend.Request
            {
                From = period.From,
                To = period.To,
                Currency = "EUR",
                Years = "calendar",
            };
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
            // Deleted first: a kept database (FUNDAUDIT_BENCH_REUSE) holds the row of the run before.
            await c.ExecuteAsync(
                "DELETE FROM audit_field_participants WHERE funder_id = 1; "
                    + "INSERT INTO audit_field_participants (funder_id, opted_in, updated_by, updated_at) "
                    + "VALUES (1, @T, 'bench', @Now)",
                new { T = true, Now = DateTimeOffset.UtcNow }
            );
        }

        var field = await TimeAsync(runs, async () =>
        {
            var request = new GetFieldView.Request
            {
                From = period.From,
                To = period.To,
                Currency = "EUR",
            };
            await GetFieldView.HandleAsync(
                request,
                user,
                sp.GetRequiredService<FieldParticipationStore>(),
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
    /// With every grant in EUR (the report's currency, converted at 1): each mix's medians as the report computes
    /// them (for the place and programme groupings and the filters, from the scan's arrays of amounts on PostgreSQL)
    /// beside those of the service's own read of every grant (<see cref="MixMedians"/>), as the report rounds them to
    /// the cent, cell by cell in value order.
    /// </summary>
    private static async Task CompareMediansAsync(IServiceProvider sp, string engine, AuditPeriod period)
    {
        var (db, mix) = (sp.GetRequiredService<Db>(), sp.GetRequiredService<MixCalculator>());
        var (compared, equal) = (0, 0);
        foreach (var r in AuditMixBenchmark.CurrenciesUsed.SequenceEqual(["EUR"]) ? Mixes : [])
        {
            var q = QueryOf(r, period);
            var report = (await mix.ComputeAsync(1, q, medians: true, CancellationToken.None)).Mix!;
            // Every grant as a row (not MixMedianArrays' arrays, which the report itself may read).
            var read = (await MixMedianRead.ReadAsync(db, 1, q, CancellationToken.None, rows: true))
                .Rows(new Dictionary<(string, DateOnly), decimal>(), "EUR")
                .GroupBy(m => (m.Level, m.Purpose, m.Flexible, m.Year, m.Region, m.Country, m.Programme))
                .Select(g => CurrencyConversion.RoundMinor(g.Average(m => m.X)));
            compared++;
            equal += read.Order().SequenceEqual(report.Cells.Select(c => c.MedianMinor).Order()) ? 1 : 0;
        }

        Console.WriteLine(
            $"[{engine}] medians of the report equal those of the service's own read of every grant in {equal} of "
                + $"{compared} mixes"
        );
    }

    /// <summary>
    /// When the reports read the funder's grants held in memory (FUNDAUDIT_BENCH_SNAPSHOTS=1): every mix, with and
    /// without medians, equal to the database's own answer (a calculator whose snapshots are off), to the byte.
    /// </summary>
    private static async Task CompareSnapshotAsync(IServiceProvider sp, string engine, AuditPeriod period)
    {
        var options = sp.GetRequiredService<IOptions<AuditOptions>>();
        if (!options.Value.Snapshots)
        {
            return;
        }

        using var off = new GrantSnapshots(
            sp.GetRequiredService<Db>(),
            Options.Create(new AuditOptions { Snapshots = false }),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<GrantSnapshots>.Instance
        );
        var database = new MixCalculator(
            sp.GetRequiredService<MixStore>(),
            sp.GetRequiredService<RateStore>(),
            off,
            options
        );
        var (snapshots, mix) = (sp.GetRequiredService<GrantSnapshots>(), sp.GetRequiredService<MixCalculator>());
        var (compared, equal) = (0, 0);
        foreach (var (r, medians) in Mixes.SelectMany(r => new[] { (r, false), (r, true) }))
        {
            var q = QueryOf(r, period);
            var served = snapshots.Served;
            var kept = System.Text.Json.JsonSerializer.Serialize((await mix.ComputeAsync(1, q, medians, default)).Mix);
            var read = System.Text.Json.JsonSerializer.Serialize(
                (await database.ComputeAsync(1, q, medians, default)).Mix
            );
            compared++;
            equal += kept == read && snapshots.Served > served ? 1 : 0;
        }

        Console.WriteLine(
            $"[{engine}] reports from the snapshot equal the database's own in {equal} of {compared} (mixes with and "
                + "without medians)"
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

    private const string WithMedians = "+median";

    /// <summary>The sums' part of <see cref="SumsOf(MixResult)"/> followed by the medians.</summary>
    private static string SumsOf(string withMedians) => withMedians[..withMedians.LastIndexOf(';')];

    /// <summary>A mix's cells' medians (key, median), in the cells' order.</summary>
    private static string MediansOf(MixResult m) =>
        string.Join(",", m.Cells.Select(c => $"{string.Join(",", c.Key.Values)}~{c.MedianMinor}"));

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

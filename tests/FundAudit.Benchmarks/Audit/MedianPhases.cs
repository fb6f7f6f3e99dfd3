using System.Diagnostics;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Benchmarks.Audit;

/// <summary>
/// Where a median report's time goes (level × purpose over the whole period): the read of the grants alone (two
/// award-date ranges side by side, <see cref="MixStore.ReadMediansAsync"/>: with every grant in EUR on PostgreSQL, the
/// cells' arrays of <see cref="MixMedianArrays"/>), then their conversion and selection
/// (<see cref="MixMedians.Rows(IReadOnlyDictionary{ValueTuple{string, DateOnly}, decimal})"/>, with factors of the
/// same shape as the service's: quotients of rates, 28 digits); and a place report's scan with every grant kept
/// (<see cref="MixGrantScan"/>, level × country) in two award-date ranges, as the service reads it, and in one; the
/// sums of level × country, programme and country=HN without medians in two ranges and in one. Wall and process CPU
/// milliseconds, medians of runs.
/// </summary>
internal static class MedianPhases
{
    public static async Task RunAsync(IServiceProvider sp, string engine, AuditPeriod period, int runs)
    {
        var store = sp.GetRequiredService<MixStore>();
        var q = new MixQuery(period, "EUR", ["level", "purpose"], null, null, null, null, 4);
        var factors = new Dictionary<(string, DateOnly), decimal>();
        for (var day = period.From; day <= period.To; day = day.AddDays(1))
        {
            factors[("EUR", day)] = 1m;
            factors[("USD", day)] = 100m / (1.0837m * 100m);
            factors[("GBP", day)] = 100m / (0.8563m * 100m);
        }

        MixMedians? read = null;
        var (readMs, readCpu) = await TimeAsync(runs, async () => read = await store.ReadMediansAsync(1, q, default));
        var (rowsMs, rowsCpu) = await TimeAsync(runs, () => Task.FromResult(read!.Rows(factors)));
        Console.WriteLine(
            $"[{engine}] median phases, level × purpose, {read!.Count:N0} grants | read (2 ranges) {readMs:0} ms wall, "
                + $"{readCpu:0} ms CPU | convert + select {rowsMs:0} ms wall, {rowsCpu:0} ms CPU"
        );

        // A place report with medians: the scan of the grants (sums and every grant kept) in two award-date ranges on
        // two connections, as the service reads it, and in one range, then its medians.
        var place = q with { GroupBy = ["level", "country"] };
        var db = sp.GetRequiredService<Db>();
        foreach (var twoRanges in new[] { true, false })
        {
            MixGrantScan? scan = null;
            var (scanMs, scanCpu) = await TimeAsync(runs, async () =>
            {
                await using var connection = await db.OpenAsync();
                scan = new MixGrantScan(db, 1, place, keepGrants: true, twoRanges);
                return await scan.ReadAsync(connection, default);
            });
            var (mediansMs, mediansCpu) = await TimeAsync(runs, () => Task.FromResult(scan!.Medians(factors)));
            Console.WriteLine(
                $"[{engine}] median phases, level × country | scan (sums and grants kept) in "
                    + $"{(twoRanges ? "two ranges" : "one range")} {scanMs:0} ms wall, {scanCpu:0} ms CPU | medians "
                    + $"{mediansMs:0} ms wall, {mediansCpu:0} ms CPU"
            );
        }

        await SumsPhasesAsync(db, engine, q, runs);
    }

    /// <summary>
    /// The place and programme reports and the country filter without medians: their sums (on SQLite the
    /// report-currency statement, <see cref="MixReportCurrency"/>) read in two award-date ranges on two connections
    /// where the service reads them so (<see cref="IDbDialect.ParallelQuery"/> false), and in one.
    /// </summary>
    private static async Task SumsPhasesAsync(Db db, string engine, MixQuery q, int runs)
    {
        foreach (var groupBy in new[] { "level,country", "programme", "level,purpose country=HN" })
        {
            var report = groupBy.EndsWith("=HN", StringComparison.Ordinal)
                ? q with
                {
                    Country = "HN",
                }
                : q with
                {
                    GroupBy = groupBy.Split(','),
                };
            var times = new Dictionary<bool, (double Wall, double Cpu)>();
            foreach (var twoRanges in new[] { true, false })
            {
                times[twoRanges] = await TimeAsync(runs, async () =>
                {
                    await using var connection = await db.OpenAsync();
                    var scan = new MixGrantScan(db, 1, report, keepGrants: false, twoRanges);
                    return await scan.ReadAsync(connection, default);
                });
            }

            Console.WriteLine(
                $"[{engine}] sums phases, {groupBy} without medians | two ranges {times[true].Wall:0} ms wall, "
                    + $"{times[true].Cpu:0} ms CPU | one range {times[false].Wall:0} ms wall, {times[false].Cpu:0} ms CPU"
            );
        }
    }

    private static async Task<(double Wall, double Cpu)> TimeAsync<T>(int runs, Func<Task<T>> run)
    {
        await run(); // warm-up
        var times = new List<(double, double)>();
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            await run();
            var wall = sw.Elapsed.TotalMilliseconds;
            process.Refresh();
            times.Add((wall, (process.TotalProcessorTime - cpu).TotalMilliseconds));
        }

        times.Sort();
        return times[times.Count / 2];
    }
}

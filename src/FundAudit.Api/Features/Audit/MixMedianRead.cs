namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The grants a median report reads, narrow (the cell's dimensions, currency, award date, amount: the covering index
/// ix_grants_funder_mix for the level × purpose mix), in two award-date ranges read side by side on two connections
/// (the two halves of the days the funder's grants of the period span), each kept by its own
/// <see cref="MixMedians"/> and then put together. Nothing here needs the conversion factors, so the read can run
/// while the sums are read and priced. (Static, with the <see cref="Db"/> passed in: <see cref="MixStore"/> is the
/// store that sends this SQL.)
/// </summary>
internal static class MixMedianRead
{
    private const string FromGrants = "grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id";

    /// <summary>
    /// Whether a report of <paramref name="q"/> with medians reads the grants for them: the sums of every report
    /// that neither reads the daily totals nor is answered by <see cref="MixGrantScan"/> (which keeps the grants it
    /// reads, <see cref="MixStore.SumsAsync(long, MixQuery, bool, CancellationToken)"/>).
    /// </summary>
    public static bool ReadsGrants(MixQuery q) => MixFilter.ReadsDayTotals(q) || !MixGrantScan.Serves(q);

    /// <summary>The grants of the funder's report <paramref name="q"/>, kept for their medians.</summary>
    /// <param name="db">The database read.</param>
    /// <param name="funderId">The funder whose report it is.</param>
    /// <param name="q">The report.</param>
    /// <param name="ct">Stops the reads.</param>
    public static async Task<MixMedians> ReadAsync(Db db, long funderId, MixQuery q, CancellationToken ct)
    {
        var (where, p) = MixFilter.OverGrants(funderId, q);
        p[MixDimensions.ShiftMonthsParameter] = q.FiscalYearStartMonth - 1;
        var dims = MixDimensions.Grouped(q);
        var names = dims.Select(d => d.Name).ToList();
        var select = string.Concat(dims.Select(d => $"{d.Column(db.Dialect)} AS {d.Name}, "));
        string Sql(string op) =>
            $"""
                SELECT {select}g.currency, g.award_date, g.amount_awarded
                FROM {FromGrants}{MixFilter.RegionJoin(q)}
                WHERE {where} AND g.award_date {op} @Split
                """;
        var split = await SplitAsync(db, q, p, ct);
        var low = Task.Run(() => ReadRangeAsync(db, Sql("<"), p, split, names, ct), ct);
        var high = Task.Run(() => ReadRangeAsync(db, Sql(">="), p, split, names, ct), ct);
        await Task.WhenAll(low, high);
        var all = await low;
        all.AddAll(await high);
        return all;
    }

    /// <summary>
    /// The day that halves the days the funder's grants of the period span (one index seek at each end), or the
    /// middle of the period when it has none.
    /// </summary>
    private static async Task<DateOnly> SplitAsync(
        Db db,
        MixQuery q,
        Dictionary<string, object> p,
        CancellationToken ct
    )
    {
        const string sql = """
            SELECT MIN(g.award_date) AS first_day, MAX(g.award_date) AS last_day
            FROM grants g
            WHERE g.funder_id = @FunderId AND g.award_date >= @From AND g.award_date <= @To
            """;
        var (first, last) = (q.Period.From, q.Period.To);
        await using (var connection = await db.OpenAsync(ct))
        {
            await db.Engine.ReadRowsAsync(
                connection,
                sql,
                p,
                row =>
                {
                    if (!row.IsNull(0) && !row.IsNull(1))
                    {
                        (first, last) = (row.Date(0), row.Date(1));
                    }
                },
                ct
            );
        }

        return first.AddDays((last.DayNumber - first.DayNumber + 1) / 2);
    }

    private static async Task<MixMedians> ReadRangeAsync(
        Db db,
        string sql,
        Dictionary<string, object> p,
        DateOnly split,
        List<string> names,
        CancellationToken ct
    )
    {
        var parameters = new Dictionary<string, object>(p, StringComparer.Ordinal) { ["Split"] = split };
        var medians = new MixMedians(names);
        await using var connection = await db.OpenAsync(ct);
        await db.Engine.ReadRowsAsync(connection, sql, parameters, medians.Add, ct);
        return medians;
    }
}

/// <summary>
/// The medians of a report, started from the start of the report, beside its sums: the grants read
/// (<see cref="MixStore.ReadMediansAsync"/>) when <see cref="MixMedianRead.ReadsGrants"/> (on two connections, then
/// selected in memory: faster than the database's own sort, measured), else, for a report grouped by place or
/// programme but not filtered (a filter's scan keeps only its own grants, cheaper than the database's second read and
/// sort), computed by the database when every grant of the period is in the report's currency
/// (<see cref="MixDatabaseMedians"/>: the sums then take the report-currency GROUP BY instead of a scan keeping every
/// grant), else kept by the sums' scan (<see cref="SumsKeepGrants"/>);
/// disposing it stops a read the report no longer needs (the sums failed, a rate
/// was missing) and waits for it, so that no connection outlives the report.
/// </summary>
internal sealed class MedianGrantsRead : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task<MixMedians>? _read;
    private readonly Task<IReadOnlyList<MedianRow>?>? _computed;
    private readonly Func<CancellationToken, Task<MixMedians>> _readGrants;

    private MedianGrantsRead(
        CancellationTokenSource stop,
        Task<MixMedians>? read,
        Task<IReadOnlyList<MedianRow>?>? computed,
        Func<CancellationToken, Task<MixMedians>> readGrants
    ) => (_stop, _read, _computed, _readGrants) = (stop, read, computed, readGrants);

    /// <summary>Whether the sums must keep every grant for the medians (the scan's own read serves them).</summary>
    public bool SumsKeepGrants { get; private init; }

    /// <summary>The grants read, once read; only for a report that reads them.</summary>
    public Task<MixMedians> Grants => _read ?? throw new InvalidOperationException("This report reads no grants.");

    /// <summary>Starts the medians of a report with <paramref name="medians"/> (unless the sums' scan keeps
    /// them).</summary>
    public static async Task<MedianGrantsRead> StartAsync(
        MixStore store,
        long funderId,
        MixQuery q,
        bool medians,
        CancellationToken ct
    )
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<MixMedians> ReadGrants(CancellationToken token) =>
            Task.Run(() => store.ReadMediansAsync(funderId, q, token), token);
        var reads = medians && MixMedianRead.ReadsGrants(q);
        var filtered = q.Region is not null || q.Country is not null || q.Programme is not null;
        if (medians && !reads && !filtered && await store.MediansInDatabaseAsync(funderId, q, ct))
        {
            var computed = Task.Run(() => store.ComputeMediansAsync(funderId, q, stop.Token), stop.Token);
            return new MedianGrantsRead(stop, null, computed, ReadGrants);
        }

        return new MedianGrantsRead(stop, reads ? ReadGrants(stop.Token) : null, null, ReadGrants)
        {
            SumsKeepGrants = medians && !reads,
        };
    }

    /// <summary>
    /// The one or two middle values of every cell (or the median itself, when the database computed it): the
    /// grants read converted with <paramref name="factors"/>; when the database declined (a grant in another
    /// currency was written since the check), the grants read now, the report's currency converted at 1 on any day.
    /// </summary>
    public async Task<IReadOnlyList<MedianRow>> RowsAsync(
        IReadOnlyDictionary<(string Currency, DateOnly Date), decimal> factors,
        MixQuery q
    )
    {
        if (_computed is null)
        {
            return (await Grants).Rows(factors);
        }

        if (await _computed is { } rows)
        {
            return rows;
        }

        return (await _readGrants(_stop.Token)).Rows(factors, q.Currency);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var read in new Task?[] { _read, _computed })
        {
            if (read is not null)
            {
                await read.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        _stop.Dispose();
    }
}

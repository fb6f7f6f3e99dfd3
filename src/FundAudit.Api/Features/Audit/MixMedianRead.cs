namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The grants a median report reads, narrow (the cell's dimensions, currency, award date, amount: the covering index
/// ix_grants_funder_mix for the level × purpose mix), in two award-date ranges read side by side on two connections
/// (the two halves of the days the funder's grants of the period span), each kept by its own
/// <see cref="MixMedians"/> and then put together. Nothing here needs the conversion factors, so the read can run
/// while the sums are read and priced. Where <see cref="MixMedianArrays"/> may, each range is one array of amounts per
/// cell instead of a row per grant. (Static, with the <see cref="Db"/> passed in: <see cref="MixStore"/> is the store
/// that sends this SQL.)
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
    /// <param name="rows">Whether to read every grant as a row even where <see cref="MixMedianArrays"/> may serve
    /// (the benchmark's check of the arrays against the rows).</param>
    public static async Task<MixMedians> ReadAsync(
        Db db,
        long funderId,
        MixQuery q,
        CancellationToken ct,
        bool rows = false
    )
    {
        var (where, p) = MixFilter.OverGrants(funderId, q);
        p[MixDimensions.ShiftMonthsParameter] = q.FiscalYearStartMonth - 1;
        var names = MixDimensions.Grouped(q).Select(d => d.Name).ToList();
        var arrays =
            !rows && MixMedianArrays.Applies(q, db.Dialect)
                ? await MixMedianArrays.SqlAsync(db, q, where, p, ct)
                : null;
        var split = await SplitAsync(db, q, p, ct);
        if (arrays is not null && await BothAsync(m => MixMedianArrays.Reader(m, q), arrays) is { } kept)
        {
            return kept;
        }

        // Without a correction of the period's grants (and without a source filter, which reads them), each grant's
        // own classification, without probing the corrections for every grant (half the statement's time on SQLite);
        // a row of the statement's own snapshot says a correction was written since, and then the grants are read
        // again with the join.
        var reader = (MixMedians m) => Reader(m, names.Count);
        if (q.Source is null && !await CorrectedAsync(db, p, ct))
        {
            if (await BothAsync(reader, op => RowsSql(db, q, where, op, false)) is { } own)
            {
                return own;
            }
        }

        return (await BothAsync(reader, op => RowsSql(db, q, where, op, true)))!;

        // The two award-date ranges read side by side, put together; null when a range's reader found it cannot
        // answer (MixMedianArrays: a grant in another currency or a correction written since it asked).
        async Task<MixMedians?> BothAsync(Func<MixMedians, Func<IRowCursor, bool>> reader, Func<string, string> sql)
        {
            var low = Task.Run(() => ReadRangeAsync(db, sql("<"), Range(p, split, false), names, reader, ct), ct);
            var high = Task.Run(() => ReadRangeAsync(db, sql(">="), Range(p, split, true), names, reader, ct), ct);
            await Task.WhenAll(low, high);
            if (await low is not { } all || await high is not { } other)
            {
                return null;
            }

            all.AddAll(other);
            return all;
        }
    }

    /// <summary>
    /// The day that halves the days the funder's grants of the period span (one index seek at each end), or the
    /// middle of the period when it has none, read on <paramref name="connection"/> (parameters @FunderId, @From,
    /// @To of <paramref name="p"/>): the grants before it are one range, those on and after it the other.
    /// </summary>
    public static async Task<DateOnly> SplitDayAsync(
        Db db,
        DbConnection connection,
        MixQuery q,
        IReadOnlyDictionary<string, object> p,
        CancellationToken ct
    )
    {
        // Two statements in one: SQLite seeks one end of the index for a lone MIN or MAX, but scans every grant of
        // the period for both in one SELECT (0.21 s at 1M grants, measured; 1 ms as two).
        const string range = """
            FROM grants g WHERE g.funder_id = @FunderId AND g.award_date >= @From AND g.award_date <= @To
            """;
        const string sql = $"""
            SELECT (SELECT MIN(g.award_date) {range}) AS first_day,
                   (SELECT MAX(g.award_date) {range}) AS last_day
            """;
        var (first, last) = (q.Period.From, q.Period.To);
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
        return first.AddDays((last.DayNumber - first.DayNumber + 1) / 2);
    }

    /// <summary>
    /// The parameters of one award-date range of <see cref="SplitDayAsync"/>'s <paramref name="split"/>: those of the
    /// period with the range's own bounds, @From the split day for the later range, @To the day before it for the
    /// earlier (and @Split). A bound of its own, not only <c>award_date &lt; @Split</c> beside <c>award_date &lt;=
    /// @To</c>: SQLite bounds its index search by one of the two and tests the other grant by grant, so each range
    /// walked the whole period (0.36 s each against 0.18 s bounded, a place filter at 1M grants, measured).
    /// </summary>
    public static Dictionary<string, object> Range(IReadOnlyDictionary<string, object> p, DateOnly split, bool later)
    {
        var range = new Dictionary<string, object>(p, StringComparer.Ordinal) { ["Split"] = split };
        range[later ? "From" : "To"] = later ? split : split.AddDays(-1);
        return range;
    }

    /// <summary>
    /// The grants of one award-date range (<paramref name="op"/> against @Split), a row each: the grouped dimensions,
    /// currency, award date and amount; the corrections winning when <paramref name="join"/>, else each grant's own
    /// classification and, last, a row without currency when a grant of the period has a correction (read in the
    /// statement's own snapshot: one written after the caller asked).
    /// </summary>
    internal static string RowsSql(Db db, MixQuery q, string where, string op, bool join)
    {
        var dims = MixDimensions.Grouped(q);
        var select = string.Concat(dims.Select(d => $"{MixDimensions.ColumnOf(d, db.Dialect, join)} AS {d.Name}, "));
        var sql = $"""
            SELECT {select}g.currency, g.award_date, g.amount_awarded
            FROM {(join ? FromGrants : "grants g")}{MixFilter.RegionJoin(q)}
            WHERE {where} AND g.award_date {op} @Split
            """;
        var nulls = string.Concat(dims.Select(_ => "NULL, "));
        return join ? sql : $"{sql}\nUNION ALL\nSELECT {nulls}NULL, NULL, NULL WHERE {MixMedianArrays.Corrected}";
    }

    /// <summary>
    /// What keeps a row of <see cref="RowsSql"/> (after its <paramref name="dimensions"/> grouped values) in
    /// <paramref name="medians"/>; false for the row without currency, which says a correction was written.
    /// </summary>
    internal static Func<IRowCursor, bool> Reader(MixMedians medians, int dimensions) =>
        row =>
        {
            if (row.IsNull(dimensions))
            {
                return false;
            }

            medians.Add(row);
            return true;
        };

    /// <summary>Whether a grant of the funder's period has a correction (<see cref="MixMedianArrays.Corrected"/>).
    /// </summary>
    private static async Task<bool> CorrectedAsync(Db db, Dictionary<string, object> p, CancellationToken ct)
    {
        var corrected = false;
        await using var connection = await db.OpenAsync(ct);
        await db.Engine.ReadRowsAsync(
            connection,
            $"SELECT 1 WHERE {MixMedianArrays.Corrected}",
            p,
            _ => corrected = true,
            ct
        );
        return corrected;
    }

    /// <summary><see cref="SplitDayAsync"/> on a connection of its own.</summary>
    private static async Task<DateOnly> SplitAsync(
        Db db,
        MixQuery q,
        Dictionary<string, object> p,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenAsync(ct);
        return await SplitDayAsync(db, connection, q, p, ct);
    }

    /// <summary>The grants of one award-date range (its <see cref="Range"/>'s <paramref name="parameters"/>), each row
    /// given to <paramref name="reader"/>'s action for the range's <see cref="MixMedians"/>; null when that action
    /// said no to a row.</summary>
    private static async Task<MixMedians?> ReadRangeAsync(
        Db db,
        string sql,
        Dictionary<string, object> parameters,
        List<string> names,
        Func<MixMedians, Func<IRowCursor, bool>> reader,
        CancellationToken ct
    )
    {
        var medians = new MixMedians(names);
        var add = reader(medians);
        var answers = true;
        await using var connection = await db.OpenAsync(ct);
        await db.Engine.ReadRowsAsync(connection, sql, parameters, row => answers &= add(row), ct);
        return answers ? medians : null;
    }
}

/// <summary>
/// The medians of a report, started from the start of the report, beside its sums: the grants read
/// (<see cref="MixStore.ReadMediansAsync"/>) when <see cref="MixMedianRead.ReadsGrants"/> (on two connections, then
/// selected in memory: faster than the database's own sort, measured), else kept by the sums' scan
/// (<see cref="SumsKeepGrants"/>: on PostgreSQL the report-currency grants as one array of amounts per group of the
/// statement that sums them, <see cref="MixReportCurrency"/>); disposing it stops a read the report no longer needs
/// (the sums failed, a rate was missing) and waits for it, so that no connection outlives the report.
/// </summary>
internal sealed class MedianGrantsRead : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task<MixMedians>? _read;

    private MedianGrantsRead(CancellationTokenSource stop, Task<MixMedians>? read) => (_stop, _read) = (stop, read);

    /// <summary>Whether the sums must keep every grant for the medians (the scan's own read serves them).</summary>
    public bool SumsKeepGrants { get; private init; }

    /// <summary>The grants read, once read; only for a report that reads them.</summary>
    public Task<MixMedians> Grants => _read ?? throw new InvalidOperationException("This report reads no grants.");

    /// <summary>Starts the medians of a report with <paramref name="medians"/> (unless the sums' scan keeps
    /// them).</summary>
    public static MedianGrantsRead Start(MixStore store, long funderId, MixQuery q, bool medians, CancellationToken ct)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reads = medians && MixMedianRead.ReadsGrants(q);
        var read = reads ? Task.Run(() => store.ReadMediansAsync(funderId, q, stop.Token), stop.Token) : null;
        return new MedianGrantsRead(stop, read) { SumsKeepGrants = medians && !reads };
    }

    /// <summary>The one or two middle values of every cell: the grants read converted with
    /// <paramref name="factors"/>, those of the report's currency <paramref name="identity"/> at 1 on any day (the
    /// daily totals' sums file that currency's days under the period's first day).</summary>
    public async Task<IReadOnlyList<MedianRow>> RowsAsync(
        IReadOnlyDictionary<(string Currency, DateOnly Date), decimal> factors,
        string identity
    ) => (await Grants).Rows(factors, identity);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_read is not null)
        {
            await ((Task)_read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }
}

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The grants of a median report whose sums are the stored daily totals (<see cref="MixFilter.ReadsDayTotals"/>:
/// level, purpose, flexible, year), when every grant of the funder's period is in the report's currency and the
/// engine sends a group's amounts as one array (<see cref="IDbDialect.EveryValue"/>, PostgreSQL): a statement grouped
/// by the report's own cells (the correction winning, the fiscal year from the award date, as
/// <see cref="MixDimensions"/> says) with each cell's amounts as one array, in the same two award-date ranges on two
/// connections as <see cref="MixMedianRead"/> reads every grant as a row (PostgreSQL 15 aggregates arrays in one
/// process). A grant of the report's currency converts at 1 on any day (the identity, <see cref="MixReportCurrency"/>),
/// so its day is not needed: each is filed under the period's first day. Whether a daily total of the period is in
/// another currency (<see cref="MixReportCurrency.OtherCurrencyStored"/>) and whether a grant of it is corrected are
/// asked first; a grant in another currency says no to this path, and no correction spares the statement its join.
/// </summary>
internal static class MixMedianArrays
{
    /// <summary>Whether the arrays may serve <paramref name="q"/> on <paramref name="dialect"/>.</summary>
    public static bool Applies(MixQuery q, IDbDialect dialect) =>
        q.GroupBy.Count > 0 && MixFilter.ReadsDayTotals(q) && dialect.EveryValue(Amount) is not null;

    private const string Amount = "g.amount_awarded";

    /// <summary>
    /// Whether a grant of the funder's period (@FunderId, @From, @To) has a correction: read from the corrections,
    /// each grant by id (<c>CROSS JOIN</c> keeps that order on SQLite, as <see cref="MixGrantScan.CorrectionsSql"/>).
    /// </summary>
    public const string Corrected = """
        EXISTS (
            SELECT 1 FROM grant_corrections k CROSS JOIN grants x
            WHERE x.id = k.grant_id AND x.funder_id = @FunderId AND x.award_date >= @From AND x.award_date <= @To)
        """;

    /// <summary>
    /// The statement of one award-date range (its operator against @Split given), or null when a grant of the
    /// funder's period is in another currency (the caller then reads every grant). Without a correction of the
    /// period's grants (asked with the currencies, one statement) and without a source filter, the statement reads
    /// the grants' own classification, without the join; a row of the statement's own snapshot (no array) then says
    /// whether another currency or a correction was written since (<see cref="Reader"/>).
    /// </summary>
    /// <param name="db">The database read.</param>
    /// <param name="q">The report.</param>
    /// <param name="where">The report's conditions over the grants (funder, period and source).</param>
    /// <param name="p">Their parameters (@FunderId, @From, @To, the fiscal year's shift); the report's currency is
    /// added.</param>
    /// <param name="ct">Stops the read.</param>
    public static async Task<Func<string, string>?> SqlAsync(
        Db db,
        MixQuery q,
        string where,
        Dictionary<string, object> p,
        CancellationToken ct
    )
    {
        p[MixReportCurrency.Parameter] = q.Currency;
        var (others, corrected) = (false, false);
        await using (var connection = await db.OpenAsync(ct))
        {
            var probe =
                $"SELECT CASE WHEN {MixReportCurrency.OtherCurrencyStored} THEN 1 ELSE 0 END, "
                + $"CASE WHEN {Corrected} THEN 1 ELSE 0 END";
            await db.Engine.ReadRowsAsync(
                connection,
                probe,
                p,
                row => (others, corrected) = (row.Int64(0) != 0, row.Int64(1) != 0),
                ct
            );
        }

        if (others)
        {
            return null;
        }

        var join = corrected || q.Source is not null;
        var columns = MixDimensions.Grouped(q).Select(d => MixDimensions.ColumnOf(d, db.Dialect, join)).ToList();
        var from = join ? "grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id" : "grants g";
        var since = MixReportCurrency.OtherCurrencyStored + (join ? "" : " OR " + Corrected);
        return op =>
            $"""
                SELECT {string.Join(", ", columns)}, {db.Dialect.EveryValue(Amount)}
                FROM {from}
                WHERE {where} AND {MixReportCurrency.Condition} AND g.award_date {op} @Split
                GROUP BY {string.Join(", ", columns)}
                UNION ALL
                SELECT {string.Concat(columns.Select(_ => "NULL, "))}NULL
                WHERE {since}
                """;
    }

    /// <summary>
    /// What keeps a row of the statement in <paramref name="medians"/>: its amounts, in the report's currency at par
    /// (<see cref="MixMedians.AddAtPar"/>, under the period's first day); false for the row without an array.
    /// </summary>
    public static Func<IRowCursor, bool> Reader(MixMedians medians, MixQuery q) =>
        row =>
        {
            if (row.IsNull(q.GroupBy.Count))
            {
                return false;
            }

            medians.AddAtPar(row, q.Currency, q.Period.From);
            return true;
        };
}

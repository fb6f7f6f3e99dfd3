namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The medians of a report grouped by place or programme, unfiltered (one that <see cref="MixGrantScan"/> sums)
/// whose grants are all in the report's currency, computed by the database grouped by the
/// report's cells (PostgreSQL's <c>percentile_cont</c>, <see cref="IDbDialect.TwiceTheMedian"/>) instead of read
/// grant by grant into the service. Converting the report's currency to itself is the identity (factor 1,
/// <see cref="MixFactors"/>), so each grant's converted value is its amount, and a cell's median, the mean of its
/// one or two middle values (<see cref="MixMedians"/>: 1-based ranks (n + 1) / 2 and (n + 2) / 2), is half of what
/// the aggregate answers, exact while every amount is under 2^52 in absolute value. A cell holding both currencies
/// could not be split into the two paths exactly, so this path is only taken when no grant of the funder's period is
/// in another currency (the stored daily totals say so with one short read), and the statement checks it again on
/// the grants it reads: if one is (written since) or an amount is too large, it answers null and the report takes
/// the service's path (<see cref="MixMedianRead"/>). Static, with the <see cref="Db"/> passed in, as
/// <see cref="MixMedianRead"/>.
/// </summary>
internal static class MixDatabaseMedians
{
    /// <summary>Every amount under this (in absolute value) is exact in a double, and so is the sum of two.</summary>
    private const long ExactBelow = 1L << 52;

    /// <summary>
    /// Whether the database can compute the medians of the funder's report <paramref name="q"/>: the engine has the
    /// aggregate and every grant of the period is in the report's currency (<see cref="OnlyInCurrencyAsync"/>).
    /// </summary>
    public static async Task<bool> ServesAsync(Db db, long funderId, MixQuery q, CancellationToken ct) =>
        db.Dialect.TwiceTheMedian("g.amount_awarded") is not null && await OnlyInCurrencyAsync(db, funderId, q, ct);

    /// <summary>
    /// Whether no stored daily total of the funder's period is in another currency than the report's: one short
    /// read (it stops at the first such total, and reads the period's totals only when there is none).
    /// </summary>
    private static async Task<bool> OnlyInCurrencyAsync(Db db, long funderId, MixQuery q, CancellationToken ct)
    {
        var sql = $"""
            SELECT 1 FROM grant_day_totals t
            WHERE t.funder_id = @FunderId AND t.award_date >= @From AND t.award_date <= @To
              AND t.currency <> @{MixReportCurrency.Parameter}
            ORDER BY t.award_date {db.Dialect.Limit("One")}
            """;
        var p = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["FunderId"] = funderId,
            ["From"] = q.Period.From,
            ["To"] = q.Period.To,
            [MixReportCurrency.Parameter] = q.Currency,
            ["One"] = 1,
        };
        var others = false;
        await using var connection = await db.OpenAsync(ct);
        await db.Engine.ReadRowsAsync(connection, sql, p, _ => others = true, ct);
        return !others;
    }

    /// <summary>
    /// One median row per cell of the funder's report <paramref name="q"/> (its value the cell's median, in minor
    /// units of the report's currency), or null when a grant read is in another currency or too large for the
    /// aggregate to be exact, or the engine has no such aggregate.
    /// </summary>
    public static async Task<IReadOnlyList<MedianRow>?> ReadAsync(
        Db db,
        long funderId,
        MixQuery q,
        CancellationToken ct
    )
    {
        if (db.Dialect.TwiceTheMedian("g.amount_awarded") is not { } median)
        {
            return null;
        }

        var (where, p) = MixFilter.OverGrants(funderId, q);
        p[MixDimensions.ShiftMonthsParameter] = q.FiscalYearStartMonth - 1;
        p[MixReportCurrency.Parameter] = q.Currency;
        var dims = MixDimensions.Grouped(q);
        var columns = string.Join(", ", dims.Select(d => d.Column(db.Dialect)));
        var sql = $"""
            SELECT {median},
                   COUNT(CASE WHEN {MixReportCurrency.Condition} THEN NULL ELSE 1 END),
                   MAX(ABS(g.amount_awarded)){(dims.Count > 0 ? ", " : "")}{columns}
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id{MixFilter.RegionJoin(q)}
            WHERE {where}{(dims.Count > 0 ? "\nGROUP BY " + columns : "")}
            """;
        var rows = new List<MedianRow>();
        var exact = true;
        await using var connection = await db.OpenAsync(ct);
        await db.Engine.ReadRowsAsync(
            connection,
            sql,
            p,
            row =>
            {
                if (row.IsNull(0))
                {
                    return; // no grant at all (a report without groups over an empty period)
                }

                exact &= row.Int64(1) == 0 && row.Int64(2) < ExactBelow;
                rows.Add(RowOf(row, dims, row.Int64(0) / 2m));
            },
            ct
        );
        return exact ? rows : null;
    }

    /// <summary>The median row of the current row's cell: the grouped dimensions from ordinal 3 on.</summary>
    private static MedianRow RowOf(IRowCursor row, IReadOnlyList<MixDimension> dims, decimal median)
    {
        string? Text(string name) => Ordinal(dims, name) is var i and >= 0 && !row.IsNull(i) ? row.Text(i) : null;
        long? Number(string name) => Ordinal(dims, name) is var i and >= 0 && !row.IsNull(i) ? row.Int64(i) : null;
        return new MedianRow
        {
            Level = Text("level"),
            Purpose = Text("purpose"),
            Flexible = Number("flexible") is { } f ? f != 0 : null,
            Year = (int?)Number("year"),
            Region = Text("region"),
            Country = Text("country"),
            Programme = Text("programme"),
            X = median,
        };
    }

    private static int Ordinal(IReadOnlyList<MixDimension> dims, string name)
    {
        for (var i = 0; i < dims.Count; i++)
        {
            if (dims[i].Name == name)
            {
                return i + 3;
            }
        }

        return -1;
    }
}
